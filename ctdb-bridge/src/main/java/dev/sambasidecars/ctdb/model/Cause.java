package dev.sambasidecars.ctdb.model;

/**
 * Why the bridge looked at the cluster, and when the cause reached it.
 *
 * @param kind the API's trigger kind
 * @param detail e.g. "RELEASE_IP 10.0.0.5"
 * @param receivedNanos {@link System#nanoTime()} when the cause arrived
 * @param receivedUnixNanos wall-clock time of the same moment
 */
public record Cause(dev.sambasidecars.ctdb.api.v1.Trigger kind, String detail, long receivedNanos,
                      long receivedUnixNanos) {

    public static Cause now(dev.sambasidecars.ctdb.api.v1.Trigger kind, String detail) {
        return at(kind, detail, System.nanoTime());
    }

    /** A trigger received at {@code nanoTime} (a {@link System#nanoTime()} reading). */
    public static Cause at(dev.sambasidecars.ctdb.api.v1.Trigger kind, String detail, long nanoTime) {
        long ageNanos = System.nanoTime() - nanoTime;
        return new Cause(kind, detail, nanoTime, Clock.unixNanos() - ageNanos);
    }

    /** Wall-clock nanoseconds since the epoch. */
    public static final class Clock {
        private Clock() {}

        public static long unixNanos() {
            java.time.Instant now = java.time.Instant.now();
            return now.getEpochSecond() * 1_000_000_000L + now.getNano();
        }
    }
}
