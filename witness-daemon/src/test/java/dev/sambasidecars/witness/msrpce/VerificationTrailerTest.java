package dev.sambasidecars.witness.msrpce;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The MS-RPCE 2.2.2.13 trailer, built here from the spec's layout, is found and removed. */
class VerificationTrailerTest {
    static final UUID WITNESS = UUID.fromString("ccd8c074-d0e5-4a40-92b4-d074faa6ba28");

    /** NDR data, padding to 4, magic, BITMASK_1 (1, len 4), PCONTEXT (2 | END, len 40). */
    static byte[] withTrailer(byte[] ndr) {
        int start = (ndr.length + 3) & ~3;
        ByteBuffer b = ByteBuffer.allocate(start + 8 + 8 + 44).order(ByteOrder.LITTLE_ENDIAN);
        b.put(ndr).position(start);
        b.put(new byte[] {(byte) 0x8a, (byte) 0xe3, 0x13, 0x71, 0x02, (byte) 0xf4, 0x36, 0x71});
        b.putShort((short) 0x0001).putShort((short) 4).putInt(1);
        b.putShort((short) (0x0002 | 0x4000)).putShort((short) 40);
        PduBuffer syntaxes = PduBuffer.writer(40);
        new SyntaxId(WITNESS, 1, 1).encode(syntaxes);
        SyntaxId.NDR32.encode(syntaxes);
        b.put(syntaxes.toArray());
        return b.array();
    }

    @Test
    void trailerAfterNdrDataIsRemoved() throws Exception {
        byte[] ndr = {1, 2, 3, 4, 5};
        assertArrayEquals(Arrays.copyOf(ndr, 8), VerificationTrailer.strip(withTrailer(ndr)), "data and its padding stay");
        assertArrayEquals(new byte[0], VerificationTrailer.strip(withTrailer(new byte[0])), "an empty [in] stub");
    }

    @Test
    void stubWithoutTrailerIsUntouched() throws Exception {
        byte[] ndr = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
        assertSame(ndr, VerificationTrailer.strip(ndr));
    }

    @Test
    void malformedTrailerIsAProtocolError() {
        byte[] stub = withTrailer(new byte[] {1});
        stub[stub.length - 44] = 0x07; // PCONTEXT becomes an unknown command type
        assertThrows(CorruptPduException.class, () -> VerificationTrailer.strip(stub));
        byte[] noEnd = withTrailer(new byte[] {1});
        noEnd[noEnd.length - 43] = 0x00; // END flag cleared on the last command
        assertThrows(CorruptPduException.class, () -> VerificationTrailer.strip(noEnd));
    }
}
