package dev.sambasidecars.ctdb.protocol;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * One entry of {@code struct ctdb_node_map} (GET_NODEMAP reply): pnn, flags, address — 36
 * bytes; the map is a uint32 count followed by the entries.
 */
public record NodeAndFlags(int pnn, int flags, InetAddress address) {

    static final int SIZE = 8 + SockAddr.SIZE;
    /** More nodes than any CTDB cluster has; guards the count before allocating. */
    public static final int MAX_NODES = 4096;

    public boolean has(int flag) {
        return (flags & flag) != 0;
    }

    public static List<NodeAndFlags> decodeMap(CtdbBuffer b) throws CtdbProtocolException {
        int num = b.count("node map count", MAX_NODES);
        b.ensure((long) num * SIZE, "node map entries");
        List<NodeAndFlags> out = new ArrayList<>(num);
        for (int i = 0; i < num; i++) {
            out.add(new NodeAndFlags(b.i32("pnn"), b.i32("flags"), SockAddr.decode(b).getAddress()));
        }
        return out;
    }

    public static void encodeMap(CtdbBuffer b, List<NodeAndFlags> nodes) {
        b.putI32(nodes.size());
        for (NodeAndFlags n : nodes) {
            b.putI32(n.pnn).putI32(n.flags);
            SockAddr.encode(b, new java.net.InetSocketAddress(n.address, 0));
        }
    }
}
