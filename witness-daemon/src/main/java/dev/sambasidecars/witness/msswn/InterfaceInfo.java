package dev.sambasidecars.witness.msswn;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * {@code WITNESS_INTERFACE_INFO} (MS-SWN 2.2.2.2): group name (WCHAR[260]), version, state,
 * IPv4 and IPv6 address in network order, flags.
 */
public record InterfaceInfo(String groupName, int version, int state, InetAddress address, boolean onThisNode) {

    /** WitnessServiceVersion of a server that offers RegisterEx (MS-SWN 3.1.4.1); Samba answers the same. */
    public static final int WITNESS_V2 = 0x00020000;
    public static final int STATE_UNKNOWN = 0;
    public static final int STATE_AVAILABLE = 1;
    public static final int STATE_UNAVAILABLE = 0xff;
    static final int IPV4 = 0x1;
    static final int IPV6 = 0x2;
    /** The address is hosted on another node: a client may use this node as its witness for it. */
    static final int INTERFACE_WITNESS = 0x4;
    static final int GROUP_NAME_CHARS = 260;

    int flags() {
        return (address instanceof Inet4Address ? IPV4 : IPV6) | (onThisNode ? 0 : INTERFACE_WITNESS);
    }

    byte[] ipv4() {
        return address instanceof Inet4Address ? address.getAddress() : new byte[4];
    }

    byte[] ipv6() {
        return address instanceof Inet6Address ? address.getAddress() : new byte[16];
    }
}
