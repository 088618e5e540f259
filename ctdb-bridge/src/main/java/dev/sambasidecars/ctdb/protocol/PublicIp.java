package dev.sambasidecars.ctdb.protocol;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * One entry of {@code struct ctdb_public_ip_list} (GET_PUBLIC_IPS reply): the owning pnn
 * (0xFFFFFFFF, i.e. -1, when unassigned) and the address — 32 bytes after a uint32 count.
 */
public record PublicIp(int pnn, InetAddress address) {

    static final int SIZE = 4 + SockAddr.SIZE;
    public static final int MAX_IPS = 65536;

    /** The owner's pnn, or -1 when no node hosts it. */
    public int owner() {
        return pnn;
    }

    public static List<PublicIp> decodeList(CtdbBuffer b) throws CtdbProtocolException {
        int num = b.count("public IP count", MAX_IPS);
        b.ensure((long) num * SIZE, "public IP entries");
        List<PublicIp> out = new ArrayList<>(num);
        for (int i = 0; i < num; i++) {
            out.add(new PublicIp(b.i32("pnn"), SockAddr.decode(b).getAddress()));
        }
        return out;
    }

    public static void encodeList(CtdbBuffer b, List<PublicIp> ips) {
        b.putI32(ips.size());
        for (PublicIp ip : ips) {
            b.putI32(ip.pnn);
            SockAddr.encode(b, new java.net.InetSocketAddress(ip.address, 0));
        }
    }
}
