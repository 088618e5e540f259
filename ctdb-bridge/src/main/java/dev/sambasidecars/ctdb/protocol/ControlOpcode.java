package dev.sambasidecars.ctdb.protocol;

import java.util.Map;

/** The control opcodes this client uses ({@code enum ctdb_controls}, protocol.h). */
public final class ControlOpcode {
    private ControlOpcode() {}

    public static final int PING = 3;
    public static final int GET_RECMODE = 15;
    public static final int REGISTER_SRVID = 23;
    public static final int DEREGISTER_SRVID = 24;
    public static final int GET_PID = 30;
    public static final int GET_PNN = 35;
    public static final int TCP_CLIENT = 44;
    public static final int GET_PUBLIC_IPS = 90;
    public static final int GET_NODEMAP = 91;
    public static final int GET_PUBLIC_IP_INFO = 123;
    public static final int GET_IFACES = 124;
    public static final int GET_RUNSTATE = 138;
    /** Samba 4.20+ (4.18.10+, 4.19.4+): forget one TCP_CLIENT registration. */
    public static final int TCP_CLIENT_DISCONNECTED = 159;

    /** Control flag: the daemon sends no reply. */
    public static final int FLAG_NOREPLY = 0x1;
    /** GET_PUBLIC_IPS flag: only addresses this node can host now. */
    public static final int FLAG_PUBLIC_IPS_ONLY_AVAILABLE = 0x00010000;

    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(PING, "PING"), Map.entry(GET_RECMODE, "GET_RECMODE"),
            Map.entry(REGISTER_SRVID, "REGISTER_SRVID"), Map.entry(DEREGISTER_SRVID, "DEREGISTER_SRVID"),
            Map.entry(GET_PID, "GET_PID"), Map.entry(GET_PNN, "GET_PNN"), Map.entry(TCP_CLIENT, "TCP_CLIENT"),
            Map.entry(GET_PUBLIC_IPS, "GET_PUBLIC_IPS"), Map.entry(GET_NODEMAP, "GET_NODEMAP"),
            Map.entry(GET_PUBLIC_IP_INFO, "GET_PUBLIC_IP_INFO"), Map.entry(GET_IFACES, "GET_IFACES"),
            Map.entry(GET_RUNSTATE, "GET_RUNSTATE"), Map.entry(TCP_CLIENT_DISCONNECTED, "TCP_CLIENT_DISCONNECTED"));

    /** A readable name for logs and metrics. */
    public static String name(int opcode) {
        return NAMES.getOrDefault(opcode, "opcode-" + opcode);
    }
}
