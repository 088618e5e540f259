package dev.sambasidecars.ctdb.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** ctdb_req_control as ctdbd expects it from a client, byte for byte. */
class ReqControlTest {

    @BeforeAll
    static void littleEndian() {
        Le.assumeLittleEndian();
    }

    @Test
    void getPnnWithoutDataIsPaddedToSixtyFour() {
        byte[] got = new ReqControl(7, 0xF0000001, 35, 0, 0, new byte[0]).encode();

        String want = ""
                // header: length 64 (60 + 4 padding), "CTDB", v1, generation 0, REQ_CONTROL, CURRENT_NODE, src 0, reqid 7
                + "40000000 42445443 01000000 00000000 07000000 010000f0 00000000 07000000"
                // opcode 35, pad, srvid 0
                + "23000000 00000000 0000000000000000"
                // client_id, flags, datalen 0
                + "00000000 00000000 00000000"
                // padding to a multiple of 8, counted in length
                + "00000000";
        assertEquals(Le.hex(Le.hex(want)), Le.hex(got));
    }

    @Test
    void registerSrvidCarriesTheSrvidLittleEndian() {
        byte[] got = new ReqControl(0x1234, 0xF0000001, 23, 0xF300000000000000L, 0, new byte[0]).encode();

        String want = ""
                + "40000000 42445443 01000000 00000000 07000000 010000f0 00000000 34120000"
                // opcode 23 (REGISTER_SRVID), pad, srvid 0xF300000000000000 in host (little-endian) order
                + "17000000 00000000 00000000000000f3"
                + "00000000 00000000 00000000"
                + "00000000";
        assertEquals(Le.hex(Le.hex(want)), Le.hex(got));
    }

    @Test
    void dataFollowsDatalenAndPaddingIsCounted() {
        // 60 fixed bytes + 5 data = 65, padded to 72: length says 72, datalen says 5.
        byte[] data = {1, 2, 3, 4, 5};
        byte[] got = new ReqControl(9, 2, 44, 0, 0x1, data).encode();

        byte[] want = Le.of().header(72, 0x43544442L, 1, 0, 7, 2, 0, 9)
                .u32(44).u32(0).u64(0).u32(0).u32(1).u32(5).bytes(data).zeros(7).bytes();
        assertEquals(Le.hex(want), Le.hex(got));
    }

    @Test
    void dataEndingOnABoundaryGetsNoPadding() {
        // GET_PUBLIC_IP_INFO's data is one ctdb_sock_addr: 60 + 28 = 88, already a multiple of 8.
        byte[] sa = Le.of().sockaddr4(10, 0, 0, 5, 0).bytes();
        byte[] got = new ReqControl(1, 0xF0000001, 123, 0, 0, sa).encode();

        assertEquals(88, got.length);
        byte[] want = Le.of().header(88, 0x43544442L, 1, 0, 7, 0xF0000001L, 0, 1)
                .u32(123).u32(0).u64(0).u32(0).u32(0).u32(28).bytes(sa).bytes();
        assertEquals(Le.hex(want), Le.hex(got));
    }

    @Test
    void decodeReadsWhatAClientSends() throws Exception {
        // As a test peer playing ctdbd would see it: flags and data survive, client_id is ignored.
        byte[] raw = Le.of().header(72, 0x43544442L, 1, 0, 7, 3, 0, 11)
                .u32(90).u32(0).u64(0x55L).u32(0xdead).u32(0x10000).u32(3).bytes(9, 8, 7).zeros(5).bytes();
        CtdbBuffer b = CtdbBuffer.reader(raw);
        PacketHeader h = PacketHeader.decode(b);

        ReqControl c = ReqControl.decode(h, b);

        assertEquals(11, c.reqid());
        assertEquals(3, c.destnode());
        assertEquals(90, c.opcode());
        assertEquals(0x55L, c.srvid());
        assertEquals(0x10000, c.flags());
        assertEquals("090807", Le.hex(c.data()));
    }
}
