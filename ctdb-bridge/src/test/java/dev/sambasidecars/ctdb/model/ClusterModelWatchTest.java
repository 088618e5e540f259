package dev.sambasidecars.ctdb.model;

import static dev.sambasidecars.ctdb.model.Fixtures.POLL;
import static dev.sambasidecars.ctdb.model.Fixtures.connected;
import static dev.sambasidecars.ctdb.model.Fixtures.ip;
import static dev.sambasidecars.ctdb.model.Fixtures.node;
import static dev.sambasidecars.ctdb.model.Fixtures.timeless;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.sambasidecars.ctdb.api.ClusterView;
import dev.sambasidecars.ctdb.api.v1.ClusterEvent;
import dev.sambasidecars.ctdb.api.v1.ClusterSnapshot;
import dev.sambasidecars.ctdb.api.v1.ClusterUpdate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Watchers: what a new or resuming watcher is sent first, and what one that falls behind gets. */
class ClusterModelWatchTest {

    private static final int HISTORY = 5;

    private final List<ClusterEvent> all = new ArrayList<>();
    private ClusterModel model = new ClusterModel(HISTORY, (e, c) -> all.add(e));
    private ClusterSnapshot initial = model.snapshot();
    private int owner;

    /** One observation that changes exactly one thing: the owner of 10.0.0.5. */
    private void bump() {
        owner = (owner + 1) % 3;
        List<ClusterEvent> events = model.observe(connected(0, List.of(node(0, 0), node(1, 0), node(2, 0)),
                List.of(ip("10.0.0.5", owner))), POLL);
        assertEquals(1, events.size(), "a bump is one event");
    }

    /** The first look at the cluster: several events at once. */
    private void start() {
        model.observe(connected(0, List.of(node(0, 0), node(1, 0), node(2, 0)),
                List.of(ip("10.0.0.5", 0))), POLL);
        assertTrue(all.size() > 1);
    }

    private static List<ClusterUpdate> drain(Watcher w) throws InterruptedException {
        List<ClusterUpdate> out = new ArrayList<>();
        for (ClusterUpdate u; (u = w.take(0)) != null; ) {
            out.add(u);
        }
        return out;
    }

    private static List<Long> sequences(List<ClusterUpdate> updates) {
        return updates.stream().map(u -> u.hasEvent() ? u.getEvent().getSequence() : -1L).toList();
    }

    /** The state a watcher holds after event {@code seq}, rebuilt from the start. */
    private ClusterSnapshot stateAt(long seq) {
        ClusterView v = new ClusterView(initial);
        all.stream().filter(e -> e.getSequence() <= seq).forEach(v::apply);
        return v.snapshot();
    }

    @Test
    void newWatcherGetsTheCurrentSnapshot() throws Exception {
        start();
        Watcher w = new Watcher(100, () -> {});

        model.watch(w, 0, model.snapshot().getStreamId());

        List<ClusterUpdate> got = drain(w);
        assertEquals(1, got.size());
        assertTrue(got.getFirst().hasSnapshot());
        assertFalse(got.getFirst().getResync());
        assertEquals(timeless(model.snapshot()), timeless(got.getFirst().getSnapshot()));
        assertEquals(1, model.watcherCount());
    }

    @Test
    void resumingWatcherGetsExactlyTheMissedEvents() throws Exception {
        start();
        for (int i = 0; i < 6; i++) {
            bump();
        }
        long current = model.snapshot().getSequence();
        Watcher w = new Watcher(100, () -> {});

        model.watch(w, current - 3, model.snapshot().getStreamId());

        assertEquals(List.of(current - 2, current - 1, current), sequences(drain(w)));
    }

    @Test
    void resumingFromAnotherBridgeProcessGetsASnapshotNotItsEvents() throws Exception {
        // A restarted bridge numbers from scratch: sequence 3 of the old process means nothing here.
        start();
        for (int i = 0; i < 6; i++) {
            bump();
        }
        long current = model.snapshot().getSequence();
        Watcher w = new Watcher(100, () -> {});

        model.watch(w, current - 3, "some-other-bridge-process");

        List<ClusterUpdate> got = drain(w);
        assertEquals(1, got.size());
        assertTrue(got.getFirst().hasSnapshot() && got.getFirst().getResync(), got.toString());
        assertEquals(current, got.getFirst().getSnapshot().getSequence());
    }

    @Test
    void resumingFromTheOldestReplayableSequence() throws Exception {
        start();
        for (int i = 0; i < 8; i++) {
            bump();
        }
        long current = model.snapshot().getSequence();
        Watcher w = new Watcher(100, () -> {});

        // The history holds the last 5 events: current-4 .. current, so "after current-5" still replays.
        model.watch(w, current - HISTORY, model.snapshot().getStreamId());

        assertEquals(List.of(current - 4, current - 3, current - 2, current - 1, current), sequences(drain(w)));
    }

    @Test
    void watcherTooFarBehindGetsAResyncSnapshot() throws Exception {
        start();
        for (int i = 0; i < 8; i++) {
            bump();
        }
        long current = model.snapshot().getSequence();
        Watcher w = new Watcher(100, () -> {});

        model.watch(w, current - HISTORY - 1, model.snapshot().getStreamId());

        List<ClusterUpdate> got = drain(w);
        assertEquals(1, got.size());
        assertTrue(got.getFirst().hasSnapshot());
        assertTrue(got.getFirst().getResync());
        assertEquals(current, got.getFirst().getSnapshot().getSequence());
    }

    @Test
    void watcherAtTheCurrentSequenceGetsNothingUntilTheNextEvent() throws Exception {
        start();
        bump();
        long current = model.snapshot().getSequence();
        Watcher w = new Watcher(100, () -> {});

        model.watch(w, current, model.snapshot().getStreamId());
        assertEquals(List.of(), drain(w));

        bump();
        assertEquals(List.of(current + 1), sequences(drain(w)));
    }

    @Test
    void watcherAheadOfTheBridgeGetsAResyncSnapshot() throws Exception {
        // e.g. the bridge restarted and its sequence began again.
        start();
        Watcher w = new Watcher(100, () -> {});

        model.watch(w, model.snapshot().getSequence() + 10, model.snapshot().getStreamId());

        List<ClusterUpdate> got = drain(w);
        assertEquals(1, got.size());
        assertTrue(got.getFirst().getResync());
        assertEquals(timeless(model.snapshot()), timeless(got.getFirst().getSnapshot()));
    }

    @Test
    void liveEventsFollowTheSnapshot() throws Exception {
        start();
        Watcher w = new Watcher(100, () -> {});
        model.watch(w, 0, model.snapshot().getStreamId());
        long current = model.snapshot().getSequence();

        bump();
        bump();

        List<ClusterUpdate> got = drain(w);
        assertEquals(3, got.size());
        ClusterView v = new ClusterView(got.getFirst().getSnapshot());
        got.subList(1, 3).forEach(v::apply);
        assertEquals(current + 2, v.snapshot().getSequence());
        assertEquals(timeless(model.snapshot()), timeless(v.snapshot()));
    }

    @Test
    void overflowReplacesTheQueueWithOneResyncSnapshotOfTheLatestState() throws Exception {
        start();
        AtomicInteger resyncs = new AtomicInteger();
        Watcher w = new Watcher(2, resyncs::incrementAndGet);
        model.watch(w, 0, model.snapshot().getStreamId()); // queue: snapshot
        bump(); // queue: snapshot, event (full)
        assertEquals(0, resyncs.get());

        bump(); // overflow

        assertEquals(1, resyncs.get());
        ClusterUpdate u = w.take(0);
        assertNotNull(u);
        assertTrue(u.hasSnapshot());
        assertTrue(u.getResync());
        // It includes the very event that overflowed the queue.
        assertEquals(timeless(model.snapshot()), timeless(u.getSnapshot()));
        assertEquals(owner, u.getSnapshot().getPublicIps(0).getOwner());
        assertNull(w.take(0), "nothing but the snapshot is left");

        // The stream goes on from the snapshot without a gap.
        bump();
        ClusterView v = new ClusterView(u.getSnapshot());
        v.apply(w.take(0));
        assertEquals(timeless(model.snapshot()), timeless(v.snapshot()));
    }

    @Test
    void replayLongerThanTheQueueBecomesOneResyncSnapshot() throws Exception {
        // Regression: the replay overflowed the queue, the resync snapshot (at the current
        // sequence) was queued, and the rest of the replay (older events) was queued after it.
        start();
        for (int i = 0; i < 4; i++) {
            bump();
        }
        long current = model.snapshot().getSequence();
        AtomicInteger resyncs = new AtomicInteger();
        Watcher w = new Watcher(2, resyncs::incrementAndGet);

        model.watch(w, current - 4, model.snapshot().getStreamId());

        List<ClusterUpdate> got = drain(w);
        assertEquals(1, got.size(), "updates: " + sequences(got));
        assertTrue(got.getFirst().getResync());
        assertEquals(current, got.getFirst().getSnapshot().getSequence());
        assertEquals(1, resyncs.get());
    }

    @Test
    void closedWatcherGetsNothingAndUnwatchStopsDelivery() throws Exception {
        start();
        Watcher closed = new Watcher(100, () -> {});
        Watcher gone = new Watcher(100, () -> {});
        model.watch(closed, 0, model.snapshot().getStreamId());
        model.watch(gone, 0, model.snapshot().getStreamId());
        drain(gone);
        closed.close();
        model.unwatch(gone);

        bump();

        assertTrue(closed.isClosed());
        assertNull(closed.take(0));
        assertNull(gone.take(0));
        assertEquals(1, model.watcherCount());
    }

    @Test
    void takeWaitsForAnEventFromAnotherThread() throws Exception {
        start();
        Watcher w = new Watcher(100, () -> {});
        model.watch(w, model.snapshot().getSequence(), model.snapshot().getStreamId());
        Thread t = Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
            bump();
        });

        ClusterUpdate u = w.take(10_000);

        t.join();
        assertNotNull(u);
        assertTrue(u.hasEvent());
    }

    /**
     * Whatever the queue size, the resume point and the events that follow, a watcher's queue
     * must be something a client can apply in order (what BridgeClient does): a snapshot, or
     * events each following the last, ending at the model's state. This covers a replay longer
     * than the watcher's queue.
     */
    @Test
    void aWatchersQueueIsAlwaysApplicableInOrder() throws Exception {
        for (int capacity : new int[] {1, 2, 3, 4, 8}) {
            for (int events = 0; events <= 12; events++) {
                for (int later = 0; later <= 3; later++) {
                    all.clear();
                    model = new ClusterModel(100, (e, c) -> all.add(e));
                    initial = model.snapshot();
                    owner = 0;
                    start();
                    for (int i = 0; i < events; i++) {
                        bump();
                    }
                    long current = model.snapshot().getSequence();
                    for (long after = 0; after <= current; after++) {
                        checkApplicable(capacity, after, later,
                                "capacity " + capacity + ", " + events + " events, after " + after + ", " + later
                                        + " later");
                    }
                }
            }
        }
    }

    private void checkApplicable(int capacity, long after, int later, String what) throws Exception {
        Watcher w = new Watcher(capacity, () -> {});
        model.watch(w, after, model.snapshot().getStreamId());
        for (int i = 0; i < later; i++) {
            bump();
        }
        ClusterView view = after == 0 ? null : new ClusterView(stateAt(after));
        for (ClusterUpdate u : drain(w)) {
            if (u.hasSnapshot()) {
                view = new ClusterView(u.getSnapshot());
            } else if (view == null) {
                fail(what + ": event " + u.getEvent().getSequence() + " before any snapshot");
            } else {
                try {
                    view.apply(u);
                } catch (IllegalStateException gap) {
                    fail(what + ": " + gap.getMessage());
                }
            }
        }
        assertNotNull(view, what);
        assertEquals(timeless(model.snapshot()), timeless(view.snapshot()), what);
        model.unwatch(w);
    }
}
