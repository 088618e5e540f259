package dev.sambasidecars.ctdb.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** ctdb_reply_control as ctdbd sends it: status, datalen, errorlen, data, error, padding. */
class ReplyControlTest {

    @BeforeAll
    static void littleEndian() {
        Le.assumeLittleEndian();
    }

    private static ReplyControl decode(byte[] packet) throws Exception {
        PacketReader.Packet p = new PacketReader(new ByteArrayInputStream(packet)).next();
        return ReplyControl.decode(p.header(), p.body());
    }

    @Test
    void statusOnlyReplyWithPadding() throws Exception {
        // GET_PNN answers in the status: 32 + 12 = 44, padded to 48.
        byte[] raw = Le.hex("30000000 42445443 01000000 01000000 08000000 00000000 00000000 05000000"
                + "02000000 00000000 00000000 00000000");

        ReplyControl r = decode(raw);

        assertEquals(5, r.reqid());
        assertEquals(2, r.status());
        assertEquals(0, r.data().length);
        assertEquals("", r.error());
    }

    @Test
    void errorWithoutNulAsCtdbdSendsIt() throws Exception {
        byte[] raw = Le.of().header(56, 8, 0, 0, 6).u32(-1).u32(0).u32(10).ascii("no such IP").padTo(8).bytes();

        ReplyControl r = decode(raw);

        assertEquals(-1, r.status());
        assertEquals("no such IP", r.error());
    }

    @Test
    void errorWithTrailingNulAsLibctdbSendsIt() throws Exception {
        byte[] raw = Le.of().header(48, 8, 0, 0, 6).u32(-1).u32(0).u32(4).ascii("err").u8(0).bytes();

        assertEquals("err", decode(raw).error());
    }

    @Test
    void dataThenError() throws Exception {
        // 44 + 4 data + 1 error = 49, padded to 56.
        byte[] raw = Le.of().header(56, 8, 0, 0, 9).u32(0).u32(4).u32(1).u32(0x05).ascii("x").zeros(7).bytes();

        ReplyControl r = decode(raw);

        assertEquals(0, r.status());
        assertEquals("05000000", Le.hex(r.data()));
        assertEquals("x", r.error());
        assertEquals(5, r.reader().i32("value"));
    }

    @Test
    void datalenBeyondThePacketIsRefused() {
        byte[] raw = Le.of().header(48, 8, 0, 0, 1).u32(0).u32(100).u32(0).zeros(4).bytes();
        assertThrows(CtdbProtocolException.class, () -> decode(raw));
    }

    @Test
    void hugeDatalenIsRefusedAsTooLong() {
        byte[] raw = Le.of().header(48, 8, 0, 0, 1).u32(0).u32(0xFFFFFFFFL).u32(0).zeros(4).bytes();
        assertThrows(PacketTooLongException.class, () -> decode(raw));
    }

    @Test
    void errorlenBeyondThePacketIsRefused() {
        byte[] raw = Le.of().header(48, 8, 0, 0, 1).u32(0).u32(0).u32(5).zeros(4).bytes();
        assertThrows(CtdbProtocolException.class, () -> decode(raw));
    }

    @Test
    void truncatedFixedPartIsCorrupt() {
        byte[] raw = Le.of().header(40, 8, 0, 0, 1).u32(0).u32(0).bytes();
        assertThrows(CorruptedPacketException.class, () -> decode(raw));
    }
}
