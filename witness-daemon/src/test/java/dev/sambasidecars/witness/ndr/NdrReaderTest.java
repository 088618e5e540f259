package dev.sambasidecars.witness.ndr;

import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** NdrReader's own checks, beyond what the witness captures exercise. */
class NdrReaderTest {

    /** 2^63 and above: an unsigned NDR64 count that a signed long sees as negative. */
    private static byte[] ndr64Wide(long v) {
        return new NdrWriter(NdrSyntax.NDR64).u64(v).u64(0).u64(v).bytes(new byte[64]).toByteArray();
    }

    @Test
    void ndr64CountsAtOrAbove2To63AreRefused() {
        for (long v : new long[] {Long.MIN_VALUE, -1L, 0xffffffff00000010L}) {
            assertThrows(NdrException.class, () -> new NdrReader(ndr64Wide(v), NdrSyntax.NDR64).count("n", 1024, 1));
            assertThrows(NdrException.class,
                    () -> new NdrReader(ndr64Wide(v), NdrSyntax.NDR64).conformantVaryingString("s", 1024));
        }
    }
}
