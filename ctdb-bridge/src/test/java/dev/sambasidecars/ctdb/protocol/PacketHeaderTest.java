package dev.sambasidecars.ctdb.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PacketHeaderTest {

    @BeforeAll
    static void littleEndian() {
        Le.assumeLittleEndian();
    }

    @Test
    void decodesEveryFieldInHostOrder() throws Exception {
        // length 0x30, "CTDB", version 1, generation 7, REPLY_CONTROL, dest 0xF0000001, src 2, reqid 0x01020304
        byte[] raw = Le.hex("30000000 42445443 01000000 07000000 08000000 010000f0 02000000 04030201");

        PacketHeader h = PacketHeader.decode(CtdbBuffer.reader(raw));

        assertEquals(new PacketHeader(0x30, 7, 8, 0xF0000001, 2, 0x01020304), h);
    }

    @Test
    void refusesBadMagic() {
        byte[] raw = Le.of().header(32, 0x42445443L /* byte-swapped "CTDB" */, 1, 0, 8, 0, 0, 1).bytes();
        assertThrows(CorruptedPacketException.class, () -> PacketHeader.decode(CtdbBuffer.reader(raw)));
    }

    @Test
    void refusesOtherVersions() {
        for (long version : new long[] {0, 2, 0xFFFFFFFFL}) {
            byte[] raw = Le.of().header(32, 0x43544442L, version, 0, 8, 0, 0, 1).bytes();
            assertThrows(CorruptedPacketException.class, () -> PacketHeader.decode(CtdbBuffer.reader(raw)),
                    "version " + version);
        }
    }

    @Test
    void refusesLengthShorterThanTheHeader() {
        for (long length : new long[] {0, 1, 31}) {
            byte[] raw = Le.of().header(length, 8, 0, 0, 1).bytes();
            assertThrows(CorruptedPacketException.class, () -> PacketHeader.decode(CtdbBuffer.reader(raw)),
                    "length " + length);
        }
    }

    @Test
    void acceptsExactlyThirtyTwo() throws Exception {
        byte[] raw = Le.of().header(32, 8, 0, 0, 1).bytes();
        assertEquals(32, PacketHeader.decode(CtdbBuffer.reader(raw)).length());
    }

    @Test
    void truncatedHeaderIsCorruptNotAnIndexError() {
        byte[] raw = Le.hex("30000000 42445443 01000000 07000000");
        assertThrows(CorruptedPacketException.class, () -> PacketHeader.decode(CtdbBuffer.reader(raw)));
    }
}
