package dev.sambasidecars.ctdb.protocol;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * {@code ctdb_sock_addr}: Linux's {@code sockaddr_in}/{@code sockaddr_in6} union, copied as its
 * 28 bytes. Family in host order (AF_INET 2, AF_INET6 10), port and address in network order.
 */
public final class SockAddr {
    private SockAddr() {}

    public static final int SIZE = 28;
    static final int AF_INET = 2;
    static final int AF_INET6 = 10;

    public static InetSocketAddress decode(CtdbBuffer b) throws CtdbProtocolException {
        b.ensure(SIZE, "ctdb_sock_addr");
        int start = b.position();
        int family = b.u16("sa_family");
        int port = (b.u8("port") << 8) | b.u8("port");
        InetAddress addr;
        try {
            if (family == AF_INET) {
                addr = InetAddress.getByAddress(b.bytes(4, "IPv4 address"));
            } else if (family == AF_INET6) {
                b.skip(4, "flowinfo");
                addr = Inet6Address.getByAddress(null, b.bytes(16, "IPv6 address"), null);
            } else {
                throw new CorruptedPacketException("unknown address family " + family);
            }
        } catch (UnknownHostException e) {
            throw new CorruptedPacketException("bad address: " + e.getMessage());
        }
        b.skip(SIZE - (b.position() - start), "ctdb_sock_addr padding");
        return new InetSocketAddress(addr, port);
    }

    public static void encode(CtdbBuffer b, InetSocketAddress sa) {
        InetAddress addr = sa.getAddress();
        int start = b.position();
        boolean v4 = addr instanceof Inet4Address;
        b.putU16(v4 ? AF_INET : AF_INET6).putU8(sa.getPort() >> 8).putU8(sa.getPort() & 0xff);
        if (v4) {
            b.put(addr.getAddress());
        } else {
            b.zeros(4).put(addr.getAddress());
        }
        b.zeros(SIZE - (b.position() - start));
    }
}
