package dev.sambasidecars.ctdb.protocol;

/** Node flag bits (protocol.h {@code NODE_FLAGS_*}). */
public final class NodeFlags {
    private NodeFlags() {}

    public static final int DISCONNECTED = 0x01;
    public static final int UNHEALTHY = 0x02;
    public static final int PERMANENTLY_DISABLED = 0x04;
    public static final int BANNED = 0x08;
    public static final int DELETED = 0x10;
    public static final int STOPPED = 0x20;
    /** UNHEALTHY or PERMANENTLY_DISABLED. */
    public static final int DISABLED = UNHEALTHY | PERMANENTLY_DISABLED;
    /** DELETED, DISCONNECTED, BANNED or STOPPED. */
    public static final int INACTIVE = DELETED | DISCONNECTED | BANNED | STOPPED;
}
