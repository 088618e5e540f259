package dev.sambasidecars.ctdb.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** ctdb_connection (TCP_CLIENT's data): the client's ctdb_sock_addr, then the server's — 56 bytes. */
class TcpConnectionTest {

    @BeforeAll
    static void littleEndian() {
        Le.assumeLittleEndian();
    }

    @Test
    void encodesClientThenServer() {
        TcpConnection c = new TcpConnection(
                new InetSocketAddress(InetAddress.ofLiteral("192.168.1.10"), 51234),
                new InetSocketAddress(InetAddress.ofLiteral("10.0.0.5"), 445));

        byte[] got = c.encode();

        assertEquals(56, got.length);
        byte[] want = Le.of().sockaddr4(192, 168, 1, 10, 51234).sockaddr4(10, 0, 0, 5, 445).bytes();
        assertEquals(Le.hex(want), Le.hex(got));
    }

    @Test
    void ipv6IsAlsoFiftySixBytes() throws Exception {
        TcpConnection c = new TcpConnection(
                new InetSocketAddress(InetAddress.ofLiteral("fd00::99"), 40000),
                new InetSocketAddress(InetAddress.ofLiteral("fd00::5"), 445));

        byte[] got = c.encode();

        byte[] want = Le.of().sockaddr6(Le.hex("fd000000000000000000000000000099"), 40000, 0, 0)
                .sockaddr6(Le.hex("fd000000000000000000000000000005"), 445, 0, 0).bytes();
        assertEquals(Le.hex(want), Le.hex(got));
        assertEquals(c, TcpConnection.decode(CtdbBuffer.reader(got)));
    }
}
