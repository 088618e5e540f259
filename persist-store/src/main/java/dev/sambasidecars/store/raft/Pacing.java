package dev.sambasidecars.store.raft;

import java.time.Duration;

/**
 * How a shard's writer spaces what it sends, trading a little latency for fewer, fuller log
 * entries and forwarded batches (each costs CPU on every node it touches, whatever it carries).
 *
 * @param linger how long a leader holds its next entry once one is answered, for the updates of
 *     that entry's callers to come back and join it (zero: it goes out at once)
 * @param gap the least time between two entries (or forwarded batches) a shard's writer on this
 *     node sends: what arrives meanwhile waits and goes out together (zero: no least time)
 */
public record Pacing(Duration linger, Duration gap) {

    /** Everything sent as soon as it may be. */
    public static final Pacing NONE = new Pacing(Duration.ZERO, Duration.ZERO);

    public Pacing {
        if (linger.isNegative() || gap.isNegative()) {
            throw new IllegalArgumentException("a negative pacing time: linger " + linger + ", gap " + gap);
        }
    }

    /** From the options' microseconds. */
    public static Pacing ofMicros(long linger, long gap) {
        return new Pacing(Duration.ofNanos(1000 * linger), Duration.ofNanos(1000 * gap));
    }
}
