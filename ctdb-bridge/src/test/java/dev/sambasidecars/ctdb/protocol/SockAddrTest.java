package dev.sambasidecars.ctdb.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** ctdb_sock_addr: family in host order, port in network order, 28 bytes whatever the family. */
class SockAddrTest {

    private static final byte[] FD00_5 = Le.hex("fd00 0000 0000 0000 0000 0000 0000 0005");

    @BeforeAll
    static void littleEndian() {
        Le.assumeLittleEndian();
    }

    private static byte[] encode(InetSocketAddress sa) {
        CtdbBuffer b = CtdbBuffer.writer(64);
        SockAddr.encode(b, sa);
        return b.toArray();
    }

    private static InetSocketAddress decode(byte[] raw) throws Exception {
        CtdbBuffer b = CtdbBuffer.reader(raw);
        InetSocketAddress sa = SockAddr.decode(b);
        assertEquals(28, b.position(), "consumed");
        return sa;
    }

    @Test
    void ipv4ExactBytes() {
        // AF_INET 2 (LE), port 445 = 0x01bd big-endian, 10.0.0.5, 20 zero bytes.
        String want = "0200 01bd 0a000005 0000000000000000 0000000000000000 00000000";
        assertEquals(Le.hex(Le.hex(want)), Le.hex(encode(new InetSocketAddress(InetAddress.ofLiteral("10.0.0.5"), 445))));
    }

    @Test
    void ipv6ExactBytes() {
        // AF_INET6 10 (LE), port 0x1234 big-endian, flowinfo 0, address, scope id 0.
        String want = "0a00 1234 00000000 fd000000000000000000000000000005 00000000";
        assertEquals(Le.hex(Le.hex(want)),
                Le.hex(encode(new InetSocketAddress(InetAddress.ofLiteral("fd00::5"), 0x1234))));
    }

    @Test
    void decodesIpv4WithPortBigEndian() throws Exception {
        InetSocketAddress sa = decode(Le.of().sockaddr4(192, 168, 1, 10, 51234).bytes());
        assertEquals(InetAddress.ofLiteral("192.168.1.10"), sa.getAddress());
        assertEquals(51234, sa.getPort());
    }

    @Test
    void decodesIpv6IgnoringFlowinfoAndScope() throws Exception {
        InetSocketAddress sa = decode(Le.of().sockaddr6(FD00_5, 0x0102, 0x11223344, 7).bytes());
        assertEquals(InetAddress.ofLiteral("fd00::5"), sa.getAddress());
        assertEquals(0x0102, sa.getPort());
    }

    @Test
    void ipv4TailIsSkippedEvenWhenNotZero() throws Exception {
        byte[] raw = Le.of().u16(2).be16(1).bytes(10, 0, 0, 1).zeros(19).u8(0xff).u32(0xcafe).bytes();
        CtdbBuffer b = CtdbBuffer.reader(raw);
        assertEquals(InetAddress.ofLiteral("10.0.0.1"), SockAddr.decode(b).getAddress());
        assertEquals(0xcafe, b.i32("next field"));
    }

    @Test
    void roundTrips() throws Exception {
        for (String ip : new String[] {"0.0.0.0", "255.255.255.255", "10.0.0.5", "::", "::1", "fd00::5",
                "2001:db8::1:0:0:1", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"}) {
            for (int port : new int[] {0, 1, 445, 0x8000, 65535}) {
                InetSocketAddress sa = new InetSocketAddress(InetAddress.ofLiteral(ip), port);
                byte[] raw = encode(sa);
                assertEquals(28, raw.length, ip);
                assertEquals(sa, decode(raw), ip + " port " + port);
            }
        }
    }

    @Test
    void unknownFamilyIsCorrupt() {
        byte[] raw = Le.of().u16(1).zeros(26).bytes();
        assertThrows(CorruptedPacketException.class, () -> decode(raw));
    }

    @Test
    void familyInNetworkOrderIsNotMistakenForAfInet() {
        // 0x0200 read little-endian is 512, not AF_INET: a byte-order mix-up must not decode.
        byte[] raw = Le.of().be16(2).be16(445).bytes(10, 0, 0, 5).zeros(20).bytes();
        assertThrows(CorruptedPacketException.class, () -> decode(raw));
    }

    @Test
    void shortBufferIsCorrupt() {
        byte[] raw = Le.of().sockaddr4(10, 0, 0, 5, 445).bytes();
        CtdbBuffer b = CtdbBuffer.reader(raw, 0, 27);
        assertThrows(CorruptedPacketException.class, () -> SockAddr.decode(b));
    }
}
