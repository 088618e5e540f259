package dev.sambasidecars.ctdb.model;

import dev.sambasidecars.ctdb.api.ClusterView;
import dev.sambasidecars.ctdb.api.v1.ClusterEvent;
import dev.sambasidecars.ctdb.api.v1.ClusterSnapshot;
import dev.sambasidecars.ctdb.api.v1.ClusterUpdate;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The cluster as the bridge last saw it, and the ordered history of how it got there. Each
 * {@link #observe} turns the difference from the last state into events with consecutive
 * sequence numbers, keeps the last {@code historySize} of them for watchers that resume, and
 * hands them to every {@link Watcher}. Thread-safe; events leave in sequence order.
 */
public final class ClusterModel {

    /** Told about each event as it leaves (for metrics). */
    public interface EventSink {
        void emitted(ClusterEvent event, Cause cause);
    }

    private final int historySize;
    private final ClusterView view;
    private final Deque<ClusterEvent> history = new ArrayDeque<>();
    private final List<Watcher> watchers = new CopyOnWriteArrayList<>();
    private final EventSink sink;

    public ClusterModel(int historySize, EventSink sink) {
        this.historySize = historySize;
        this.sink = sink;
        this.view = new ClusterView(ClusterSnapshot.newBuilder().setThisPnn(-1)
                .setStreamId(java.util.UUID.randomUUID().toString())
                .setTakenUnixNanos(Cause.Clock.unixNanos()).build());
    }

    /** The current snapshot. */
    public synchronized ClusterSnapshot snapshot() {
        return view.snapshot().toBuilder().setTakenUnixNanos(Cause.Clock.unixNanos()).build();
    }

    /** Records a new observation; returns the events it produced (possibly none). */
    public synchronized List<ClusterEvent> observe(Observation observation, Cause cause) {
        List<ClusterEvent> emitted = new ArrayList<>();
        for (ClusterEvent.Builder b : ClusterDiff.between(view.snapshot(), observation)) {
            ClusterEvent e = b.setSequence(view.snapshot().getSequence() + 1)
                    .setTimestampUnixNanos(Cause.Clock.unixNanos())
                    .setTrigger(cause.kind())
                    .setTriggerDetail(cause.detail())
                    .setTriggerUnixNanos(cause.receivedUnixNanos())
                    .build();
            view.apply(e);
            history.addLast(e);
            if (history.size() > historySize) {
                history.removeFirst();
            }
            emitted.add(e);
            ClusterUpdate update = ClusterUpdate.newBuilder().setEvent(e).build();
            for (Watcher w : watchers) {
                w.offer(update, this::snapshot);
            }
            sink.emitted(e, cause);
        }
        return emitted;
    }

    /** Marks something the snapshot carries outside observations (e.g. IPREALLOCATED seen). */
    public synchronized void setIpreallocatedMessages(boolean seen) {
        view.apply(ClusterUpdate.newBuilder().setSnapshot(
                view.snapshot().toBuilder().setIpreallocatedMessages(seen)).build());
    }

    /**
     * Registers {@code watcher} and queues what it must see first: a snapshot, or — when
     * {@code afterSequence} is non-zero, belongs to this model's {@code streamId} and every
     * later event is still in the history — those events. Both happen under the model's lock, so nothing falls between them.
     */
    public synchronized void watch(Watcher watcher, long afterSequence, String streamId) {
        long current = view.snapshot().getSequence();
        boolean sameStream = streamId.equals(view.snapshot().getStreamId());
        boolean replay = sameStream && afterSequence > 0 && afterSequence <= current
                && (afterSequence == current || (!history.isEmpty() && history.peekFirst().getSequence() <= afterSequence + 1));
        if (replay) {
            for (ClusterEvent e : history) {
                if (e.getSequence() > afterSequence) {
                    watcher.offer(ClusterUpdate.newBuilder().setEvent(e).build(), this::snapshot);
                }
            }
        } else {
            watcher.offer(ClusterUpdate.newBuilder().setSnapshot(snapshot()).setResync(afterSequence > 0).build(),
                    this::snapshot);
        }
        watchers.add(watcher);
    }

    public void unwatch(Watcher watcher) {
        watchers.remove(watcher);
    }

    public int watcherCount() {
        return watchers.size();
    }
}
