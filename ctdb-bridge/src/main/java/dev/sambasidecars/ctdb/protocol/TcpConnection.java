package dev.sambasidecars.ctdb.protocol;

import java.net.InetSocketAddress;

/**
 * {@code struct ctdb_connection} (TCP_CLIENT request, 56 bytes): the client's address, then
 * this node's public address the client connected to.
 */
public record TcpConnection(InetSocketAddress client, InetSocketAddress server) {

    public byte[] encode() {
        CtdbBuffer b = CtdbBuffer.writer(2 * SockAddr.SIZE);
        SockAddr.encode(b, client);
        SockAddr.encode(b, server);
        return b.toArray();
    }

    public static TcpConnection decode(CtdbBuffer b) throws CtdbProtocolException {
        return new TcpConnection(SockAddr.decode(b), SockAddr.decode(b));
    }
}
