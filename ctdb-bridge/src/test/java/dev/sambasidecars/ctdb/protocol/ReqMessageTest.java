package dev.sambasidecars.ctdb.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** ctdb_req_message as ctdbd delivers it: srvid, datalen, data, padded to 8 and at least 48 bytes. */
class ReqMessageTest {

    @BeforeAll
    static void littleEndian() {
        Le.assumeLittleEndian();
    }

    private static ReqMessage decode(byte[] packet) throws Exception {
        PacketReader.Packet p = new PacketReader(new ByteArrayInputStream(packet)).next();
        assertEquals(5, p.header().operation());
        return ReqMessage.decode(p.body());
    }

    @Test
    void takeIpCarriesANulTerminatedAddress() throws Exception {
        // 32 + 12 + 9 ("10.0.0.5\0") = 53, padded to 56.
        byte[] raw = Le.hex("38000000 42445443 01000000 01000000 05000000 00000000 01000000 00000000"
                + "00000000000001f3 09000000 31302e302e302e3500 000000");

        ReqMessage m = decode(raw);

        assertEquals(0xF301000000000000L, m.srvid());
        assertEquals(9, m.data().length);
        assertEquals("10.0.0.5", m.nulTerminatedString());
    }

    @Test
    void emptyMessageIsPaddedToFortyEight() throws Exception {
        // RECONFIGURE: 44 bytes of header and fixed part, delivered as 48.
        byte[] raw = Le.of().header(48, 5, 0, 0, 0).u64(0xF200000000000000L).u32(0).zeros(4).bytes();

        ReqMessage m = decode(raw);

        assertEquals(0xF200000000000000L, m.srvid());
        assertEquals(0, m.data().length);
    }

    @Test
    void ipv6Address() throws Exception {
        byte[] raw = Le.of().header(56, 5, 0, 0, 0).u64(0xF300000000000000L).u32(8).ascii("fd00::5").u8(0)
                .padTo(8).bytes();
        assertEquals("fd00::5", decode(raw).nulTerminatedString());
    }

    @Test
    void missingNulIsCorrupt() throws Exception {
        byte[] raw = Le.of().header(56, 5, 0, 0, 0).u64(0xF300000000000000L).u32(8).ascii("10.0.0.5")
                .padTo(8).bytes();
        ReqMessage m = decode(raw);
        assertThrows(CorruptedPacketException.class, m::nulTerminatedString);
    }

    @Test
    void emptyPayloadIsNotAString() throws Exception {
        byte[] raw = Le.of().header(48, 5, 0, 0, 0).u64(0xF300000000000000L).u32(0).zeros(4).bytes();
        ReqMessage m = decode(raw);
        assertThrows(CorruptedPacketException.class, m::nulTerminatedString);
    }

    @Test
    void datalenBeyondThePacketIsRefused() {
        byte[] raw = Le.of().header(48, 5, 0, 0, 0).u64(1).u32(5).zeros(4).bytes();
        assertThrows(CtdbProtocolException.class, () -> decode(raw));
    }

    @Test
    void hugeDatalenIsTooLong() {
        byte[] raw = Le.of().header(48, 5, 0, 0, 0).u64(1).u32(0xFFFFFFFFL).zeros(4).bytes();
        assertThrows(PacketTooLongException.class, () -> decode(raw));
    }
}
