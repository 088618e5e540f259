package dev.sambasidecars.store.raft;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One timeout for many futures, all with the same duration: each is failed with a
 * {@link TimeoutException} once it has been pending that long, checked every {@code tick}.
 *
 * <p>Cheaper than {@link CompletableFuture#orTimeout} on a hot path: that schedules a task per
 * future and cancels it on completion, and each cancel wakes the JDK's delay-scheduler thread.
 * Here a future costs one queue insertion; completed ones are dropped as the sweep reaches them.
 * Futures leave the queue in the order they entered it, which is deadline order since every
 * deadline is the same duration after entry.
 */
public final class Deadlines implements AutoCloseable {

    private record Entry(CompletableFuture<?> future, long deadlineNanos) { }

    private final long timeoutNanos;
    private final ConcurrentLinkedQueue<Entry> pending = new ConcurrentLinkedQueue<>();
    private final ScheduledFuture<?> sweeper;

    public Deadlines(Duration timeout, Duration tick, ScheduledExecutorService timers) {
        this.timeoutNanos = timeout.toNanos();
        long every = Math.max(1, tick.toMillis());
        this.sweeper = Periodic.every(timers, every, TimeUnit.MILLISECONDS, "write timeouts", this::sweep);
    }

    /** Fails {@code f} with a TimeoutException if it is still pending after the timeout; returns {@code f}. */
    public <T> CompletableFuture<T> bound(CompletableFuture<T> f) {
        if (!f.isDone()) {
            pending.add(new Entry(f, System.nanoTime() + timeoutNanos));
        }
        return f;
    }

    /** Futures the sweep still holds (completed ones included until it reaches them). */
    int held() {
        return pending.size();
    }

    void sweep() {
        long now = System.nanoTime();
        for (Entry e = pending.peek(); e != null; e = pending.peek()) {
            if (!e.future().isDone() && now - e.deadlineNanos() < 0) {
                return;
            }
            pending.poll();
            if (!e.future().isDone()) {
                e.future().completeExceptionally(new TimeoutException());
            }
        }
    }

    @Override
    public void close() {
        sweeper.cancel(false);
    }
}
