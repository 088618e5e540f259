package dev.sambasidecars.ctdb.protocol;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code struct ctdb_public_ip_info} (GET_PUBLIC_IP_INFO reply): pnn, address, the index of
 * the active interface (0xFFFFFFFF for none) and the interfaces the address may live on.
 */
public record PublicIpInfo(int pnn, InetAddress address, int activeIndex, List<Iface> interfaces) {

    /** {@code struct ctdb_iface}: name[18] (NUL-terminated), link_state u16, references u32. */
    public record Iface(String name, boolean linkUp, int references) {
        static final int NAME_SIZE = 18;
        static final int SIZE = NAME_SIZE + 2 + 4;
        static final int MAX = 1024;

        static Iface decode(CtdbBuffer b) throws CtdbProtocolException {
            return new Iface(b.fixedString(NAME_SIZE, "interface name"), b.u16("link_state") != 0,
                    b.i32("references"));
        }

        void encode(CtdbBuffer b) {
            byte[] raw = name.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            b.put(java.util.Arrays.copyOf(raw, NAME_SIZE)).putU16(linkUp ? 1 : 0).putI32(references);
        }
    }

    /** The active interface's name, or "" when none is active. */
    public String activeInterface() {
        return activeIndex >= 0 && activeIndex < interfaces.size() ? interfaces.get(activeIndex).name() : "";
    }

    public static PublicIpInfo decode(CtdbBuffer b) throws CtdbProtocolException {
        int pnn = b.i32("pnn");
        InetAddress addr = SockAddr.decode(b).getAddress();
        int active = b.i32("active_idx");
        int num = b.count("interface count", Iface.MAX);
        b.ensure((long) num * Iface.SIZE, "interfaces");
        List<Iface> ifaces = new ArrayList<>(num);
        for (int i = 0; i < num; i++) {
            ifaces.add(Iface.decode(b));
        }
        return new PublicIpInfo(pnn, addr, active, List.copyOf(ifaces));
    }

    public void encode(CtdbBuffer b) {
        b.putI32(pnn);
        SockAddr.encode(b, new java.net.InetSocketAddress(address, 0));
        b.putI32(activeIndex).putI32(interfaces.size());
        interfaces.forEach(i -> i.encode(b));
    }
}
