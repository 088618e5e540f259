package dev.sambasidecars.store.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.sambasidecars.store.v1.BatchResult;
import dev.sambasidecars.store.v1.Command;
import dev.sambasidecars.store.v1.Update;
import dev.sambasidecars.store.v1.UpdateResult;
import dev.sambasidecars.store.v1.Write;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** Group commit: what waits goes out together, each update gets its own result, failures reach every waiter. */
class ShardWriterTest {

    /** A log that holds every proposed entry until the test completes it; results echo versions. */
    private final List<Command> proposed = Collections.synchronizedList(new ArrayList<>());
    private final List<CompletableFuture<BatchResult>> pending = Collections.synchronizedList(new ArrayList<>());

    private final List<Runnable> taken = Collections.synchronizedList(new ArrayList<>());

    private CompletableFuture<BatchResult> propose(Command c, Runnable t) {
        proposed.add(c);
        taken.add(t);
        CompletableFuture<BatchResult> f = new CompletableFuture<>();
        pending.add(f);
        return f;
    }

    private static Update update(int i) {
        return Update.newBuilder().addWrites(Write.newBuilder().setKey(ByteString.copyFromUtf8("k" + i))).build();
    }

    /** Answers entry {@code n}: update j of it gets version 1000 * n + j. */
    private void commit(int n) {
        BatchResult.Builder b = BatchResult.newBuilder();
        for (int j = 0; j < proposed.get(n).getBatch().getUpdatesCount(); j++) {
            b.addResults(UpdateResult.newBuilder().setVersion(1000L * n + j));
        }
        pending.get(n).complete(b.build());
    }

    /** Waits (30 s at most) until {@code n} entries have been proposed; a timer sends them. */
    private void awaitProposed(int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (proposed.size() < n && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
    }

    private ShardWriter writer(int batchMax, int inFlightMax) {
        return new ShardWriter(this::propose, batchMax, inFlightMax, Duration.ofMinutes(5), () -> new TimeoutException("late"));
    }

    @Test
    void updatesArrivingWhileAnEntryIsInFlightGoOutTogetherInOrder() throws Exception {
        ShardWriter w = writer(3, 1);
        List<CompletableFuture<UpdateResult>> results = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            results.add(w.submit(update(i)));
        }
        // The first went alone; the next five wait (one entry in flight).
        assertEquals(1, proposed.size());
        assertEquals(5, w.queued());
        commit(0);
        // Then at most batchMax (3) per entry, still one in flight.
        assertEquals(2, proposed.size());
        assertEquals(List.of(update(1), update(2), update(3)), proposed.get(1).getBatch().getUpdatesList());
        commit(1);
        assertEquals(List.of(update(4), update(5)), proposed.get(2).getBatch().getUpdatesList());
        commit(2);
        List<Long> versions = new ArrayList<>();
        for (CompletableFuture<UpdateResult> r : results) {
            versions.add(r.get().getVersion());
        }
        assertEquals(List.of(0L, 1000L, 1001L, 1002L, 2000L, 2001L), versions);
        assertEquals(0, w.queued());
    }

    /** The observer sees each entry's size and its oldest update's wait as it goes out, and its round once answered. */
    @Test
    void theObserverSeesEachEntrysSizeWaitAndRound() throws Exception {
        ShardWriter w = writer(10, 1);
        List<Integer> sizes = new ArrayList<>();
        List<Long> waits = new ArrayList<>();
        List<Long> rounds = new ArrayList<>();
        w.observer(new GroupCommitObserver() {
            @Override
            public void sent(int updates, long waitedNanos) {
                sizes.add(updates);
                waits.add(waitedNanos);
            }

            @Override
            public void answered(long roundNanos) {
                rounds.add(roundNanos);
            }
        });
        w.submit(update(0));
        w.submit(update(1));
        w.submit(update(2));
        assertEquals(List.of(1), sizes);
        assertEquals(List.of(), rounds, "nothing answered yet");
        Thread.sleep(20);
        commit(0);
        assertEquals(List.of(1, 2), sizes);
        assertEquals(1, rounds.size());
        assertTrue(rounds.get(0) >= 20_000_000L, "the first entry's round spans the 20 ms it was held: " + rounds);
        assertTrue(waits.get(1) >= 20_000_000L, "the second entry's oldest update waited the first's round: " + waits);
        assertTrue(waits.get(0) < waits.get(1));
        pending.get(1).completeExceptionally(new IOException("no majority"));
        assertEquals(2, rounds.size(), "a failed entry is answered too");
    }

    /**
     * With a linger, an answered entry's callers get their results before the next entry goes
     * out, and it waits for as many updates as the answered one carried, or for the linger.
     */
    @Test
    void aLingeringWriterHoldsTheNextEntryForTheAnsweredCallers() throws Exception {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        try {
            ShardWriter w = new ShardWriter(this::propose, 10, 1, Duration.ofMinutes(5),
                    () -> new TimeoutException("late"), new Pacing(Duration.ofMillis(200), Duration.ZERO), timer);
            CompletableFuture<UpdateResult> a = w.submit(update(0));
            w.submit(update(1));
            w.submit(update(2));
            commit(0);
            assertEquals(2, proposed.size(), "an answer with 2 queued and 1 answered sends at once");
            assertTrue(a.isDone());
            commit(1);
            assertEquals(2, proposed.size(), "the entry of 2 was answered and nothing is queued");
            w.submit(update(3));
            assertEquals(2, proposed.size(), "1 of the 2 answered callers is back: still held");
            w.submit(update(4));
            assertEquals(3, proposed.size(), "both are back: it goes out");
            assertEquals(List.of(update(3), update(4)), proposed.get(2).getBatch().getUpdatesList());
            commit(2);
            long t0 = System.nanoTime();
            w.submit(update(5));
            assertEquals(3, proposed.size(), "held for the second caller");
            awaitProposed(4);
            assertEquals(4, proposed.size(), "the linger ended and the one update went out");
            assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(200), "not before the linger");
            pending.get(3).completeExceptionally(new IOException("no majority"));
            w.submit(update(6));
            assertEquals(5, proposed.size(), "no linger after a failed entry");
        } finally {
            timer.shutdownNow();
        }
    }

    /**
     * With a gap, an entry answered sooner than the gap holds the next one until the gap is over,
     * and everything queued by then goes out together; after a quiet spell a write goes at once.
     */
    @Test
    void aWriterWithAGapSendsNoTwoEntriesCloserThanIt() throws Exception {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        try {
            ShardWriter w = new ShardWriter(this::propose, 10, 1, Duration.ofMinutes(5),
                    () -> new TimeoutException("late"), new Pacing(Duration.ZERO, Duration.ofMillis(200)), timer);
            long t0 = System.nanoTime();
            w.submit(update(0));
            assertEquals(1, proposed.size(), "the first entry goes at once");
            w.submit(update(1));
            w.submit(update(2));
            commit(0);
            assertEquals(1, proposed.size(), "answered within the gap: the next is held");
            w.submit(update(3));
            awaitProposed(2);
            assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(200), "not before the gap is over");
            assertEquals(List.of(update(1), update(2), update(3)), proposed.get(1).getBatch().getUpdatesList());
            commit(1);
            Thread.sleep(250);
            w.submit(update(4));
            assertEquals(3, proposed.size(), "the gap was over: at once");
        } finally {
            timer.shutdownNow();
        }
    }

    /** Updates submitted together go out in one entry even when the writer was idle. */
    @Test
    void updatesSubmittedTogetherShareAnEntry() throws Exception {
        ShardWriter w = writer(10, 1);
        List<CompletableFuture<UpdateResult>> results = w.submitAll(List.of(update(0), update(1), update(2)));
        assertEquals(1, proposed.size());
        assertEquals(3, proposed.get(0).getBatch().getUpdatesCount());
        commit(0);
        assertEquals(List.of(0L, 1L, 2L), results.stream().map(f -> f.join().getVersion()).toList());
    }

    @Test
    void severalEntriesMayBeInFlight() {
        ShardWriter w = writer(100, 2);
        for (int i = 0; i < 5; i++) {
            w.submit(update(i));
        }
        assertEquals(2, proposed.size(), "two entries in flight");
        assertEquals(3, w.queued());
        commit(1);
        assertEquals(3, proposed.size());
        assertEquals(3, proposed.get(2).getBatch().getUpdatesCount());
    }

    /**
     * An entry another node has taken into its queue no longer holds this writer back: the next
     * goes out before the first is answered, and each still gets its own result.
     */
    @Test
    void anEntryTakenByTheLeadingNodeLetsTheNextGoOutBeforeItsReply() throws Exception {
        ShardWriter w = writer(10, 1);
        CompletableFuture<UpdateResult> a = w.submit(update(0));
        CompletableFuture<UpdateResult> b = w.submit(update(1));
        CompletableFuture<UpdateResult> c = w.submit(update(2));
        assertEquals(1, proposed.size());
        taken.get(0).run();
        assertEquals(2, proposed.size(), "the waiting two went out once the first was taken");
        assertEquals(List.of(update(1), update(2)), proposed.get(1).getBatch().getUpdatesList());
        CompletableFuture<UpdateResult> d = w.submit(update(3));
        assertEquals(2, proposed.size(), "the second is neither answered nor taken");
        commit(0);
        // The reply frees nothing more: the first's slot was given back when it was taken.
        assertEquals(2, proposed.size());
        assertEquals(0L, a.get().getVersion());
        commit(1);
        assertEquals(List.of(1000L, 1001L), List.of(b.get().getVersion(), c.get().getVersion()));
        assertEquals(3, proposed.size());
        assertEquals(List.of(update(3)), proposed.get(2).getBatch().getUpdatesList());
        taken.get(2).run();
        taken.get(2).run();
        w.submit(update(4));
        w.submit(update(5));
        assertEquals(4, proposed.size(), "taken twice frees one slot, not two");
    }

    @Test
    void aFailedEntryFailsEachOfItsUpdatesAndTheNextGoesOut() {
        ShardWriter w = writer(10, 1);
        CompletableFuture<UpdateResult> a = w.submit(update(0));
        CompletableFuture<UpdateResult> b = w.submit(update(1));
        CompletableFuture<UpdateResult> c = w.submit(update(2));
        pending.get(0).completeExceptionally(new IOException("no majority"));
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, a::get);
        assertInstanceOf(IOException.class, e.getCause());
        assertEquals(2, proposed.size());
        pending.get(1).completeExceptionally(new IOException("still none"));
        assertTrue(b.isCompletedExceptionally() && c.isCompletedExceptionally());
        // A reply with the wrong number of results fails its updates rather than misattributing them.
        CompletableFuture<UpdateResult> d = w.submit(update(3));
        pending.get(2).complete(BatchResult.getDefaultInstance());
        assertTrue(d.isCompletedExceptionally());
    }

    @Test
    void anUpdateThatWaitedPastItsTimeFailsAndDoesNotGoOut() throws Exception {
        ShardWriter w = new ShardWriter(this::propose, 10, 1, Duration.ofMillis(50), () -> new TimeoutException("late"));
        CompletableFuture<UpdateResult> first = w.submit(update(0));
        CompletableFuture<UpdateResult> stale = w.submit(update(1));
        Thread.sleep(100);
        CompletableFuture<UpdateResult> fresh = w.submit(update(2));
        commit(0);
        assertEquals(0L, first.get().getVersion());
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, stale::get);
        assertInstanceOf(TimeoutException.class, e.getCause());
        assertEquals(List.of(update(2)), proposed.get(1).getBatch().getUpdatesList(), "only the fresh update goes out");
        commit(1);
        assertEquals(1000L, fresh.get().getVersion());
        assertEquals(2, proposed.size());
    }
}
