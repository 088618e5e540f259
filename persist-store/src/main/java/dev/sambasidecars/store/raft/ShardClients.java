package dev.sambasidecars.store.raft;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.exceptions.AlreadyClosedException;
import org.apache.ratis.protocol.exceptions.GroupMismatchException;
import org.apache.ratis.protocol.exceptions.LeaderSteppingDownException;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.util.TimeDuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Ratis client per shard, the way to a shard's leader wherever it is: it finds the leader and
 * retries under one call id (the retry cache keeps an entry from applying twice). A client that
 * reached a node no longer holding the shard is closed by Ratis; it is then replaced by one
 * addressed to the shard's members as now known.
 */
final class ShardClients implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ShardClients.class);
    private static final long RETRY_PAUSE_MS = 100;

    private final StoreNode node;
    private final StoreConfig config;
    private final RaftProperties props;
    private final Parameters params;
    private final List<RaftClient> clients = new CopyOnWriteArrayList<>();

    ShardClients(StoreNode node, StoreConfig config, RaftProperties props, Parameters params) {
        this.node = node;
        this.config = config;
        this.props = props;
        this.params = params;
    }

    /** The next shard's client, addressed to {@code group}'s members. */
    void add(RaftGroup group) {
        clients.add(newClient(group));
    }

    /**
     * Sends one log entry. A node that does not hold the shard (any more) refuses with a group
     * mismatch before appending anything: the entry is sent once more with a renewed client. A
     * leader handing the shard over refuses it as stepping down, also before appending, and
     * Ratis's client does not retry that: it is sent again after a pause until the shard has its
     * new leader or the write timeout has passed.
     */
    CompletableFuture<byte[]> write(int shard, Message m) {
        return write(shard, m, true, System.nanoTime() + config.writeTimeout().toNanos());
    }

    private CompletableFuture<byte[]> write(int shard, Message m, boolean again, long deadline) {
        RaftClient c = clients.get(shard);
        return c.async().send(m).handle((r, e) -> {
            Throwable refused = e != null ? e : r.getException();
            if (causedBy(refused, LeaderSteppingDownException.class) && System.nanoTime() < deadline) {
                return paused(() -> write(shard, m, again, deadline));
            }
            if (e == null) {
                return CompletableFuture.completedFuture(content(r));
            }
            if (renewIfStale(shard, c, e) && again) {
                return write(shard, m, false, deadline);
            }
            return CompletableFuture.<byte[]>failedFuture(e);
        }).thenCompose(f -> f);
    }

    /** {@code next}, started after a pause of {@link #RETRY_PAUSE_MS} (on the JDK's delay scheduler, not this thread). */
    private static <T> CompletableFuture<T> paused(java.util.function.Supplier<CompletableFuture<T>> next) {
        return CompletableFuture.supplyAsync(() -> null, CompletableFuture.delayedExecutor(RETRY_PAUSE_MS, TimeUnit.MILLISECONDS))
                .thenCompose(v -> next.get());
    }

    /**
     * A read-only request, again after a pause while the shard has no leader or its read index
     * cannot be had (an election, a restart): Ratis's client does not retry those itself.
     */
    CompletableFuture<ByteString> read(int shard, Message m, long deadline) {
        RaftClient client = clients.get(shard);
        return client.async().sendReadOnly(m).handle((r, e) -> {
            if (e == null && r.isSuccess()) {
                return CompletableFuture.completedFuture(ByteString.copyFrom(r.getMessage().getContent().asReadOnlyByteBuffer()));
            }
            Throwable why = e != null ? e : r.getException();
            renewIfStale(shard, client, why);
            boolean answered = e == null && r.getStateMachineException() != null;
            if (!answered && System.nanoTime() < deadline) {
                return paused(() -> read(shard, m, deadline));
            }
            return CompletableFuture.<ByteString>failedFuture(why);
        }).thenCompose(f -> f);
    }

    /**
     * Replaces the client when {@code error} says it reached a node no longer holding the shard
     * (a group mismatch) or Ratis closed it; true for a group mismatch, which appended nothing.
     */
    private boolean renewIfStale(int shard, RaftClient client, Throwable error) {
        boolean mismatch = causedBy(error, GroupMismatchException.class);
        if (mismatch || causedBy(error, AlreadyClosedException.class)) {
            renew(shard, client);
        }
        return mismatch;
    }

    private RaftClient newClient(RaftGroup group) {
        return RaftClient.newBuilder().setProperties(props).setParameters(params).setRaftGroup(group)
                .setClientId(ClientId.randomId())
                .setRetryPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep(
                        (int) Math.max(3, config.writeTimeout().toMillis() / 100), TimeDuration.valueOf(100, TimeUnit.MILLISECONDS)))
                .build();
    }

    private synchronized void renew(int shard, RaftClient stale) {
        if (clients.get(shard) != stale) {
            return;
        }
        RaftGroup g = node.knownMembers(shard);
        clients.set(shard, newClient(g));
        try {
            stale.close();
        } catch (IOException | RuntimeException e) {
            LOG.debug("closing a stale client: {}", e.toString());
        }
        LOG.info("shard {}: client renewed for members {}", shard, g.getPeers().stream().map(RaftPeer::getId).toList());
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() throws IOException {
        for (RaftClient c : clients) {
            c.close();
        }
    }

    /** A reply's content; a failed reply's exception, thrown. */
    static byte[] content(RaftClientReply reply) {
        if (!reply.isSuccess()) {
            throw new CompletionException(reply.getException());
        }
        return reply.getMessage().getContent().toByteArray();
    }
}
