package dev.sambasidecars.ctdb.protocol;

/** {@code struct ctdb_node_flag_change} (PUSH_NODE_FLAGS message): pnn, new flags, old flags. */
public record NodeFlagChange(int pnn, int newFlags, int oldFlags) {
    static final int SIZE = 12;

    public static NodeFlagChange decode(CtdbBuffer b) throws CtdbProtocolException {
        b.ensure(SIZE, "ctdb_node_flag_change");
        return new NodeFlagChange(b.i32("pnn"), b.i32("new_flags"), b.i32("old_flags"));
    }
}
