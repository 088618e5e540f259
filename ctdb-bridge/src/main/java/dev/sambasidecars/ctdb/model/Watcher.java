package dev.sambasidecars.ctdb.model;

import dev.sambasidecars.ctdb.api.v1.ClusterSnapshot;
import dev.sambasidecars.ctdb.api.v1.ClusterUpdate;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Supplier;

/**
 * One watcher's queue of updates, bounded: when it is full the watcher has fallen behind, so
 * its queue is replaced by a fresh snapshot marked {@code resync} — it skips ahead, it never
 * sees a gap. The model offers under its lock; the sender takes on its own thread.
 */
public final class Watcher {
    private final int capacity;
    private final Deque<ClusterUpdate> queue = new ArrayDeque<>();
    private final Runnable onResync;
    private boolean closed;
    /** The sequence of the last resync snapshot queued: events up to it must not follow it. */
    private long resyncedThrough = -1;

    /**
     * @param capacity updates held before the watcher counts as fallen behind
     * @param onResync called (under the model's lock) each time this watcher is resynced
     */
    public Watcher(int capacity, Runnable onResync) {
        this.capacity = capacity;
        this.onResync = onResync;
    }

    synchronized void offer(ClusterUpdate update, Supplier<ClusterSnapshot> snapshot) {
        if (closed) {
            return;
        }
        if (update.hasEvent() && update.getEvent().getSequence() <= resyncedThrough) {
            // Already in the resync snapshot (a replay longer than the queue overflowed it).
            return;
        }
        if (queue.size() >= capacity) {
            queue.clear();
            ClusterSnapshot s = snapshot.get();
            resyncedThrough = s.getSequence();
            queue.add(ClusterUpdate.newBuilder().setSnapshot(s).setResync(true).build());
            onResync.run();
            // The snapshot already includes the update that overflowed the queue.
            notifyAll();
            return;
        }
        queue.add(update);
        notifyAll();
    }

    /** The next update, waiting up to {@code millis}; null on timeout or when closed. */
    public synchronized ClusterUpdate take(long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        while (queue.isEmpty() && !closed) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                return null;
            }
            wait(left);
        }
        return queue.pollFirst();
    }

    public synchronized void close() {
        closed = true;
        queue.clear();
        notifyAll();
    }

    public synchronized boolean isClosed() {
        return closed;
    }

    synchronized int queued() {
        return queue.size();
    }
}
