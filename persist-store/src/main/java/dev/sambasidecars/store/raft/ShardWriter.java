package dev.sambasidecars.store.raft;

import dev.sambasidecars.store.v1.Batch;
import dev.sambasidecars.store.v1.BatchResult;
import dev.sambasidecars.store.v1.Command;
import dev.sambasidecars.store.v1.Update;
import dev.sambasidecars.store.v1.UpdateResult;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Group commit for one shard: updates submitted while the shard's outstanding log entries are
 * in flight wait in a queue and go out together as the next entry, so many concurrent writers
 * share one Raft round and one fsync per replica. Each update still gets its own result, in
 * submission order.
 */
final class ShardWriter {

    /**
     * Sends one entry. It completes with the state machine's reply, or fails within a bounded
     * time (the one timer per entry, not per update). Where the entry goes to another node's
     * queue rather than to a log, it calls {@code taken} once that node has it: the entry no
     * longer counts as in flight here, so the next one goes out without waiting for the reply.
     */
    @FunctionalInterface
    interface Proposer {
        CompletableFuture<BatchResult> propose(Command command, Runnable taken);
    }

    private record Pending(Update update, CompletableFuture<UpdateResult> result, long queuedNanos) { }

    private final Proposer propose;
    private final int batchMax;
    private final int inFlightMax;
    private final long maxWaitNanos;
    private final Supplier<Throwable> late;
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private int inFlight;
    private final long lingerNanos;
    private final ScheduledExecutorService timer;
    /** While lingering, the queue length at which the next entry goes out anyway (0: not lingering). */
    private int lingerFor;
    private long lingers;
    private final long gapNanos;
    /** When the last entry went out (nanoTime; 0: none yet), and whether a timer will drain once the gap is over. */
    private long lastSent;
    private boolean gapTimed;
    private volatile GroupCommitObserver observer = GroupCommitObserver.NONE;

    /**
     * @param inFlightMax entries sent and neither answered nor taken (see {@link Proposer})
     * @param maxWait how long an update may wait in the queue; past it, it fails with {@code late}
     *     rather than go out (its caller has been told it timed out, or is about to be)
     */
    ShardWriter(Proposer propose, int batchMax, int inFlightMax, Duration maxWait,
                Supplier<Throwable> late) {
        this(propose, batchMax, inFlightMax, maxWait, late, Pacing.NONE, null);
    }

    /**
     * @param pacing its linger: how long the next entry is held once an entry is answered (not
     *     merely taken), unless as many updates as that entry carried are queued sooner: its
     *     callers get their results first, and what they send next can join the entry instead of
     *     waiting a round for the one after; its gap: the least time from one entry going out to
     *     the next, updates queued meanwhile going out together
     * @param timer ends a linger or a gap; unused without either
     */
    ShardWriter(Proposer propose, int batchMax, int inFlightMax, Duration maxWait,
                Supplier<Throwable> late, Pacing pacing, ScheduledExecutorService timer) {
        this.propose = propose;
        this.batchMax = batchMax;
        this.inFlightMax = inFlightMax;
        this.maxWaitNanos = maxWait.toNanos();
        this.late = late;
        this.lingerNanos = pacing.linger().toNanos();
        this.gapNanos = pacing.gap().toNanos();
        this.timer = timer;
    }

    CompletableFuture<UpdateResult> submit(Update update) {
        return submitAll(List.of(update)).getFirst();
    }

    /**
     * Queues {@code updates} together, so that an idle writer does not send the first alone and
     * leave the rest for the next entry (a batch another node forwarded is one arrival).
     */
    List<CompletableFuture<UpdateResult>> submitAll(List<Update> updates) {
        List<CompletableFuture<UpdateResult>> out = new ArrayList<>(updates.size());
        long now = System.nanoTime();
        synchronized (this) {
            for (Update u : updates) {
                CompletableFuture<UpdateResult> f = new CompletableFuture<>();
                queue.add(new Pending(u, f, now));
                out.add(f);
            }
        }
        drain();
        return out;
    }

    void observer(GroupCommitObserver o) {
        observer = o;
    }

    synchronized int queued() {
        return queue.size();
    }

    private void drain() {
        while (true) {
            List<Pending> batch;
            List<Pending> stale = new ArrayList<>(0);
            synchronized (this) {
                if (inFlight >= inFlightMax || queue.isEmpty() || queue.size() < lingerFor) {
                    return;
                }
                long now = System.nanoTime();
                if (gapNanos > 0 && inGap(now)) {
                    return;
                }
                lingerFor = 0;
                lastSent = now;
                batch = new ArrayList<>(Math.min(queue.size(), batchMax));
                while (!queue.isEmpty() && batch.size() < batchMax) {
                    Pending p = queue.poll();
                    (now - p.queuedNanos() > maxWaitNanos ? stale : batch).add(p);
                }
                if (!batch.isEmpty()) {
                    inFlight++;
                }
            }
            stale.forEach(p -> p.result().completeExceptionally(late.get()));
            if (!batch.isEmpty()) {
                send(batch);
            }
        }
    }

    /**
     * Whether the gap since the last entry is not over yet at {@code now}; if so, a timer drains
     * once it is (one at a time). Called holding the lock.
     */
    private boolean inGap(long now) {
        long wait = lastSent + gapNanos - now;
        if (lastSent == 0 || wait <= 0) {
            return false;
        }
        if (!gapTimed) {
            gapTimed = true;
            timer.schedule(() -> {
                synchronized (this) {
                    gapTimed = false;
                }
                drain();
            }, wait, TimeUnit.NANOSECONDS);
        }
        return true;
    }

    private void send(List<Pending> batch) {
        long sent = System.nanoTime();
        GroupCommitObserver seen = observer;
        seen.sent(batch.size(), sent - batch.get(0).queuedNanos());
        Batch.Builder b = Batch.newBuilder();
        batch.forEach(p -> b.addUpdates(p.update()));
        AtomicBoolean out = new AtomicBoolean();
        Runnable taken = () -> {
            if (out.compareAndSet(false, true)) {
                synchronized (this) {
                    inFlight--;
                }
                drain();
            }
        };
        CompletableFuture<BatchResult> reply;
        try {
            reply = propose.propose(Command.newBuilder().setBatch(b).build(), taken);
        } catch (RuntimeException e) {
            reply = CompletableFuture.failedFuture(e);
        }
        // Without a linger, the next entry goes out before this one's results are handed back:
        // those callers' replies then overlap the next round instead of delaying it. With one,
        // an answered entry's results go first and the next entry waits for its callers.
        reply.whenComplete((results, error) -> {
            long round = System.nanoTime() - sent;
            if (lingerNanos > 0 && error == null && out.compareAndSet(false, true)) {
                seen.answered(round);
                lingerAfter(batch, results);
                return;
            }
            taken.run();
            seen.answered(round);
            complete(batch, results, error);
        });
    }

    /** Hands an answered entry's results back, then holds the next entry for its callers (see the constructor). */
    private void lingerAfter(List<Pending> batch, BatchResult results) {
        long linger;
        synchronized (this) {
            inFlight--;
            lingerFor = batch.size();
            linger = ++lingers;
        }
        complete(batch, results, null);
        timer.schedule(() -> lingerOver(linger), lingerNanos, TimeUnit.NANOSECONDS);
        drain();
    }

    private void lingerOver(long linger) {
        synchronized (this) {
            if (linger != lingers) {
                return;
            }
            lingerFor = 0;
        }
        drain();
    }

    private static void complete(List<Pending> batch, BatchResult answer, Throwable error) {
        if (error == null) {
            List<UpdateResult> results = answer.getResultsList();
            if (results.size() != batch.size()) {
                error = new IllegalStateException(results.size() + " results for " + batch.size() + " updates");
            } else {
                for (int i = 0; i < batch.size(); i++) {
                    batch.get(i).result().complete(results.get(i));
                }
                return;
            }
        }
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        batch.forEach(p -> p.result().completeExceptionally(cause));
    }
}
