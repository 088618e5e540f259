package dev.sambasidecars.ctdb.protocol;

/** Message channels (SRVIDs) a client can register for (protocol.h). */
public final class Srvid {
    private Srvid() {}

    /** End of every recovery, broadcast to connected nodes; empty. */
    public static final long RECONFIGURE = 0xF200000000000000L;
    /** This node released a public IP; NUL-terminated address. Local node only. */
    public static final long RELEASE_IP = 0xF300000000000000L;
    /** This node took a public IP; NUL-terminated address. Local node only. */
    public static final long TAKE_IP = 0xF301000000000000L;
    /** Samba 4.20+: this node ran the ipreallocated event; empty. */
    public static final long IPREALLOCATED = 0xF302000000000000L;
    /** Samba 4.21+: an IP reallocation starts; empty. */
    public static final long START_IPREALLOCATE = 0xF303000000000000L;
    /** This node's health flipped; {@link NodeFlagChange}. */
    public static final long PUSH_NODE_FLAGS = 0xF900000000000000L;
    /** Samba 4.16+: the cluster leader announces itself; uint32 pnn. */
    public static final long LEADER = 0xF101000000000000L;

    /** A readable name for logs and metrics. */
    public static String name(long srvid) {
        if (srvid == RECONFIGURE) {
            return "RECONFIGURE";
        } else if (srvid == RELEASE_IP) {
            return "RELEASE_IP";
        } else if (srvid == TAKE_IP) {
            return "TAKE_IP";
        } else if (srvid == IPREALLOCATED) {
            return "IPREALLOCATED";
        } else if (srvid == START_IPREALLOCATE) {
            return "START_IPREALLOCATE";
        } else if (srvid == PUSH_NODE_FLAGS) {
            return "PUSH_NODE_FLAGS";
        } else if (srvid == LEADER) {
            return "LEADER";
        }
        return String.format("0x%016x", srvid);
    }
}
