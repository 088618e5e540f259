package dev.sambasidecars.store.raft;

import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.TransferLeadershipRequest;
import org.apache.ratis.server.RaftServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a leading replica here gives its leadership away to the shard's preferred replica once
 * {@link ShardPlacement} has named it: a Ratis leadership transfer, one at a time per shard (the
 * placement's set of shards with a change under way is shared).
 */
final class LeaderHandover {

    private static final Logger LOG = LoggerFactory.getLogger(LeaderHandover.class);
    /** How long a leadership hand-over may hold a shard's writes while its new leader catches up. */
    private static final long HANDOVER_TIMEOUT_MS = 2_000;
    /** A replica that has not answered its leader for this long is not handed the leadership. */
    private static final long ANSWERED_WITHIN_MS = 1_000;
    /** How soon a leader that still leads a shard it should not asks again. */
    private static final java.time.Duration HANDOVER_RETRY = java.time.Duration.ofSeconds(5);

    private final StoreNode node;
    /** Shards with a change under way on this node (shared with {@link ShardPlacement}). */
    private final Set<Integer> changing;
    /** When this node last asked each shard's replica here to hand its leadership over (nanoTime). */
    private final Map<Integer, Long> transferAsked = new ConcurrentHashMap<>();
    private final AtomicLong leadershipMoves = new AtomicLong();

    LeaderHandover(StoreNode node, Set<Integer> changing) {
        this.node = node;
        this.changing = changing;
    }

    /** Leaderships this node handed to a shard's preferred leader. */
    long leadershipMoves() {
        return leadershipMoves.get();
    }

    /**
     * Asks this node's leading replica of a shard to hand the leadership to {@code to}, unless it
     * asked less than {@link #HANDOVER_RETRY} ago, a change of the shard is under way here, or
     * that replica has not answered lately. Ratis sends it a request to stand for election once
     * its log is up to date.
     */
    void handOver(RaftServer.Division d, int shard, int to) {
        if (!answering(d, to)) {
            // A transfer holds the shard's writes until it times out when the replica is gone
            // (its process killed while ctdb still reports the node fit): wait until it answers.
            return;
        }
        long now = System.nanoTime();
        Long last = transferAsked.get(shard);
        if (last != null && now - last < HANDOVER_RETRY.toNanos() || !changing.add(shard)) {
            return;
        }
        transferAsked.put(shard, now);
        transfer(d, StoreNode.peerId(to)).whenComplete((reply, e) -> {
            changing.remove(shard);
            // Counted once the leadership has left, also where Ratis's own priority check moved it
            // first and so failed the request.
            if (e == null && reply.isSuccess() || !d.getInfo().isLeader()) {
                leadershipMoves.incrementAndGet();
                LOG.info("shard {}: leadership handed to node {}", shard, to);
            } else {
                LOG.warn("shard {}: cannot hand the leadership to node {} yet (trying again in {} s): {}", shard, to,
                        HANDOVER_RETRY.toSeconds(), e != null ? e.getMessage() : String.valueOf(reply.getException()));
            }
        });
    }

    /**
     * Asks this node's leading replica to hand its leadership to {@code to}; Ratis holds the
     * shard's writes meanwhile, for at most {@link #HANDOVER_TIMEOUT_MS}.
     */
    private CompletableFuture<RaftClientReply> transfer(RaftServer.Division d, RaftPeerId to) {
        try {
            return node.server().transferLeadershipAsync(new TransferLeadershipRequest(node.localClient(), d.getId(),
                    d.getGroup().getGroupId(), node.nextCallId(), to, HANDOVER_TIMEOUT_MS));
        } catch (IOException | RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Whether the replica on node {@code pnn} answered this leading replica's last append within a second. */
    private static boolean answering(RaftServer.Division d, int pnn) {
        RoleInfoProto role = d.getInfo().getRoleInfoProto();
        if (!role.hasLeaderInfo()) {
            return false;
        }
        String id = StoreNode.peerId(pnn).toString();
        return role.getLeaderInfo().getFollowerInfoList().stream().anyMatch(f -> f.getId().getId().toStringUtf8().equals(id)
                && f.getLastRpcElapsedTimeMs() < ANSWERED_WITHIN_MS);
    }
}
