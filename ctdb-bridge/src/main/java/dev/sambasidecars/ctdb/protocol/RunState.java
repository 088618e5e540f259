package dev.sambasidecars.ctdb.protocol;

/** {@code enum ctdb_runstate} (protocol.h). */
public enum RunState {
    UNKNOWN, INIT, SETUP, FIRST_RECOVERY, STARTUP, RUNNING, SHUTDOWN;

    /** The state for a wire value; values beyond those known map to UNKNOWN. */
    public static RunState of(int value) {
        RunState[] all = values();
        return value >= 0 && value < all.length ? all[value] : UNKNOWN;
    }
}
