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
 * @param forwardGap the most a node that forwards to the shard's leader waits between two
 *     forwarded batches; it waits half the time its recent forwards took to be answered, up to
 *     this (zero: forwards go out as soon as the leader has queued the previous one)
 */
public record Pacing(Duration linger, Duration gap, Duration forwardGap) {

    /** Everything sent as soon as it may be. */
    public static final Pacing NONE = new Pacing(Duration.ZERO, Duration.ZERO, Duration.ZERO);

    public Pacing {
        for (Duration d : new Duration[] {linger, gap, forwardGap}) {
            if (d.isNegative()) {
                throw new IllegalArgumentException("a negative pacing time: " + d);
            }
        }
    }

    /** From the options' microseconds. */
    public static Pacing ofMicros(long linger, long gap, long forwardGap) {
        return new Pacing(Duration.ofNanos(1000 * linger), Duration.ofNanos(1000 * gap), Duration.ofNanos(1000 * forwardGap));
    }
}
