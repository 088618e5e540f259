package dev.sambasidecars.store.raft;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import dev.sambasidecars.store.v1.Batch;
import dev.sambasidecars.store.v1.BatchResult;
import dev.sambasidecars.store.v1.Command;
import dev.sambasidecars.store.v1.ExpireResult;
import dev.sambasidecars.store.v1.Update;
import dev.sambasidecars.store.v1.UpdateResult;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientAsynchronousProtocol;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.LeaderSteppingDownException;
import org.apache.ratis.server.RaftServer;

/**
 * A node's write path: a group-committing {@link ShardWriter} per shard, and where each of its
 * log entries goes: straight into this node's replica where it leads the shard, to the leading
 * node where another does ({@link StoreNode.Forwarder}), else through the shard's Raft client.
 * Every write is bounded by the node's write timeout.
 */
final class ShardWrites {

    private final StoreNode node;
    private final StoreConfig config;
    private final ShardClients clients;
    private final Deadlines deadlines;
    private final List<ShardWriter> writers = new ArrayList<>();
    private final AtomicLong forwarded = new AtomicLong();
    private volatile StoreNode.Forwarder forwarder;

    ShardWrites(StoreNode node, StoreConfig config, ShardClients clients, Deadlines deadlines) {
        this.node = node;
        this.config = config;
        this.clients = clients;
        this.deadlines = deadlines;
    }

    /** Adds the next shard's writer (shards are added in order, once their clients exist). */
    void addShard(ScheduledExecutorService timers) {
        int shard = writers.size();
        writers.add(new ShardWriter((cmd, taken) -> bounded(shard, proposeBatch(shard, cmd, taken)), config.batchMax(),
                config.inFlightMax(), config.writeTimeout(), () -> new StoreUnavailableException(shard, "shard " + shard
                        + " is unavailable: no answer within " + config.writeTimeout().toMillis() + " ms", null),
                config.pacing(), timers));
    }

    void forwarder(StoreNode.Forwarder f) {
        forwarder = f;
    }

    /** Commits one update through the shard's writer (group commit). */
    CompletableFuture<UpdateResult> update(int shard, Update update) {
        return writers.get(shard).submit(update);
    }

    /**
     * Sends one log entry to the shard. Where this node's replica leads, the entry goes straight
     * to it (no RPC, no TLS to itself). Where another node leads, a batch goes to that node
     * ({@link StoreNode.Forwarder}), whose own writer commits it together with everything else it
     * has for the shard; {@code taken} runs once that node has queued it. A replica that turns out
     * not to lead, not yet or no longer ({@link #notLeading}), refuses before appending anything,
     * and the entry then goes through
     * the shard's Raft client, which finds the leader and retries under one call id (the retry
     * cache keeps it from applying twice). Completes with the entry's reply: this node's state
     * machine's own object where its replica applied the entry, else parsed with {@code parser}.
     */
    private <T extends MessageLite> CompletableFuture<T> propose(int shard, Command command, Runnable taken,
                                                               Class<T> type, Parser<T> parser) {
        Message m = new ProtoMessage<>(command);
        RaftServer.Division d = node.division(shard);
        if (d != null && d.getInfo().isLeaderReady()) {
            RaftClientRequest req = RaftClientRequest.newBuilder().setClientId(node.localClient())
                    .setServerId(d.getId()).setGroupId(d.getGroup().getGroupId())
                    .setCallId(node.nextCallId()).setMessage(m)
                    .setType(RaftClientRequest.writeRequestType()).build();
            CompletableFuture<RaftClientReply> local;
            try {
                // The division itself takes the request on this thread. Through the server, Ratis
                // hands it to a client-pool thread and blocks this one until that has appended it:
                // two thread wake-ups more per entry, on a machine where wake-ups are most of a
                // round's CPU.
                local = d instanceof RaftClientAsynchronousProtocol direct ? direct.submitClientRequestAsync(req)
                        : node.server().submitClientRequestAsync(req);
            } catch (IOException e) {
                local = CompletableFuture.failedFuture(e);
            }
            return local.thenCompose(r -> notLeading(r) ? clients.write(shard, m).thenApply(b -> parse(b, parser))
                    : CompletableFuture.completedFuture(reply(r, type, parser)));
        }
        StoreNode.Forwarder f = forwarder;
        RaftPeerId leader = d == null ? null : d.getInfo().getLeaderId();
        if (f != null && leader != null && command.hasBatch() && StoreNode.pnnOf(leader) != config.thisNode()) {
            forwarded.addAndGet(command.getBatch().getUpdatesCount());
            return f.forward(StoreNode.pnnOf(leader), shard, command.getBatch(), taken)
                    .thenCompose(r -> r == null ? clients.write(shard, m).thenApply(b -> parse(b, parser))
                            : CompletableFuture.completedFuture(type.cast(r)));
        }
        return clients.write(shard, m).thenApply(b -> parse(b, parser));
    }

    /** Sends a batch of updates (see {@link #propose(int, Command, Runnable, Class, Parser)}). */
    CompletableFuture<BatchResult> proposeBatch(int shard, Command batch, Runnable taken) {
        return propose(shard, batch, taken, BatchResult.class, BatchResult.parser());
    }

    /** Sends an expiry sweep; only where this node leads the shard, or through the shard's client. */
    CompletableFuture<ExpireResult> proposeExpire(int shard, Command expire) {
        return propose(shard, expire, () -> { }, ExpireResult.class, ExpireResult.parser());
    }

    /** An entry's reply from this node's own replica: the state machine's object, not parsed again. */
    private static <T extends MessageLite> T reply(RaftClientReply r, Class<T> type, Parser<T> parser) {
        if (r.isSuccess()) {
            T own = ProtoMessage.take(r.getMessage(), type);
            if (own != null) {
                return own;
            }
        }
        return parse(ShardClients.content(r), parser);
    }

    private static <T extends MessageLite> T parse(byte[] bytes, Parser<T> parser) {
        try {
            return parser.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new CompletionException(e);
        }
    }

    /**
     * Whether this node's replica refused a write, before appending it, because it does not lead
     * the shard after all: it lost the leadership, has not yet committed an entry of its term, or
     * is handing the leadership over (Ratis refuses writes while a transfer is under way).
     */
    private static boolean notLeading(RaftClientReply r) {
        return r.getNotLeaderException() != null || r.getLeaderNotReadyException() != null
                || r.getException() instanceof LeaderSteppingDownException;
    }

    /**
     * A batch another node forwarded: its updates join this node's queue for the shard, and the
     * future completes with their results. Null, and nothing queued, when this node does not lead
     * the shard.
     */
    CompletableFuture<BatchResult> acceptForwarded(int shard, Batch batch) {
        RaftServer.Division d = shard >= 0 && shard < writers.size() ? node.division(shard) : null;
        if (d == null || !d.getInfo().isLeaderReady()) {
            return null;
        }
        List<CompletableFuture<UpdateResult>> parts = writers.get(shard).submitAll(batch.getUpdatesList());
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).thenApply(v -> {
            BatchResult.Builder b = BatchResult.newBuilder();
            parts.forEach(p -> b.addResults(p.join()));
            return b.build();
        });
    }

    /** Fails {@code f} as the shard being unavailable when it times out or fails. */
    <T> CompletableFuture<T> bounded(int shard, CompletableFuture<T> f) {
        return deadlines.bound(f).exceptionallyCompose(e -> {
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            String why = cause instanceof TimeoutException ? "no answer within " + config.writeTimeout().toMillis() + " ms"
                    : String.valueOf(cause.getMessage());
            return CompletableFuture.failedFuture(new StoreUnavailableException(shard,
                    "shard " + shard + " is unavailable: " + why, cause));
        });
    }

    void observer(GroupCommitObserver o) {
        writers.forEach(w -> w.observer(o));
    }

    long forwarded() {
        return forwarded.get();
    }

    int queued() {
        return writers.stream().mapToInt(ShardWriter::queued).sum();
    }
}
