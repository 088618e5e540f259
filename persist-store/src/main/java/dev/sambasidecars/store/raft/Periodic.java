package dev.sambasidecars.store.raft;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's periodic tasks, each round guarded: an exception escaping a task scheduled at a fixed
 * delay cancels all its later rounds, silently (a division closing under a placement round, say,
 * would have stopped that node's placement for good), so a failed round is logged and the next
 * runs as usual.
 */
final class Periodic {

    private static final Logger LOG = LoggerFactory.getLogger(Periodic.class);

    private Periodic() {
    }

    /** Runs {@code round} every {@code every} {@code unit}s on {@code timers}, first after one period. */
    static ScheduledFuture<?> every(ScheduledExecutorService timers, long every, TimeUnit unit, String what, Runnable round) {
        return timers.scheduleWithFixedDelay(() -> {
            try {
                round.run();
            } catch (RuntimeException e) {
                LOG.warn("{}: this round failed, the next runs as usual: {}", what, e.toString(), e);
            }
        }, every, every, unit);
    }
}
