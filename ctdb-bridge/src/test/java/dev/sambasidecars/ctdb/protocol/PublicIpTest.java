package dev.sambasidecars.ctdb.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** GET_PUBLIC_IPS's reply: uint32 count, then 32-byte {pnn, ctdb_sock_addr} entries. */
class PublicIpTest {

    @BeforeAll
    static void littleEndian() {
        Le.assumeLittleEndian();
    }

    @Test
    void decodesOwnersAndTheUnassignedMarker() throws Exception {
        byte[] raw = Le.of().u32(3)
                .u32(1).sockaddr4(10, 0, 0, 5, 0)
                .u32(0xFFFFFFFFL).sockaddr4(10, 0, 0, 6, 0)
                .u32(0).sockaddr6(Le.hex("fd000000000000000000000000000005"), 0, 0, 0)
                .bytes();
        assertEquals(4 + 3 * 32, raw.length);

        List<PublicIp> ips = PublicIp.decodeList(CtdbBuffer.reader(raw));

        assertEquals(3, ips.size());
        assertEquals(InetAddress.ofLiteral("10.0.0.5"), ips.get(0).address());
        assertEquals(1, ips.get(0).owner());
        assertEquals(InetAddress.ofLiteral("10.0.0.6"), ips.get(1).address());
        assertEquals(-1, ips.get(1).owner());
        assertEquals(InetAddress.ofLiteral("fd00::5"), ips.get(2).address());
        assertEquals(0, ips.get(2).owner());
    }

    @Test
    void absurdCountIsRefusedBeforeAllocating() {
        byte[] raw = Le.of().u32(0xFFFFFFFFL).bytes();
        assertThrows(PacketTooLongException.class, () -> PublicIp.decodeList(CtdbBuffer.reader(raw)));
    }

    @Test
    void countLargerThanTheEntriesIsCorrupt() {
        byte[] raw = Le.of().u32(PublicIp.MAX_IPS).u32(0).sockaddr4(10, 0, 0, 5, 0).bytes();
        assertThrows(CorruptedPacketException.class, () -> PublicIp.decodeList(CtdbBuffer.reader(raw)));
    }
}
