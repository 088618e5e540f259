package dev.sambasidecars.store.raft;

import dev.sambasidecars.store.v1.Batch;
import dev.sambasidecars.store.v1.Command;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gets a follower replica here going again when its log stands still behind what its leader
 * has committed. Ratis 3.3.0's leader keeps, for each follower, the last index the follower
 * acknowledged, and never lets its idea of where to resume fall below it. A follower that lost
 * entries it had acknowledged (its log's tail torn by a crash, its replica wiped or set aside
 * and joined again empty) answers every heartbeat that it lacks the entry before; the leader
 * resends the same heartbeat; on an idle shard nothing else reaches the follower, for good. A
 * new entry does: the leader then falls back to where the follower says its log ends. So once
 * a replica's log has not moved for {@link #STILL_FOR} while it follows a leader, it asks that
 * leader how far it has committed, and, where that is beyond its own log, writes an empty batch
 * (a log entry that changes no record) to the shard.
 */
final class StalledReplicas {

    private static final Logger LOG = LoggerFactory.getLogger(StalledReplicas.class);
    /** How long a following replica's log may stand still before it asks its leader. */
    static final Duration STILL_FOR = Duration.ofSeconds(10);
    /** How long a replica whose leader had committed no further waits before it asks again, its log still unmoved. */
    private static final Duration AGAIN_AFTER = Duration.ofSeconds(60);
    private static final Message EMPTY = Message.valueOf(
            Command.newBuilder().setBatch(Batch.getDefaultInstance()).build().toByteString().asReadOnlyByteBuffer());

    private final StoreNode node;
    /** Shards with a change or a question under way on this node (shared with {@link ShardPlacement}). */
    private final Set<Integer> changing;
    /** Per shard: where the replica's log ended when last seen and since when (nanoTime), or when it last asked. */
    private final Map<Integer, long[]> still = new ConcurrentHashMap<>();
    private final AtomicLong restarted = new AtomicLong();

    StalledReplicas(StoreNode node, Set<Integer> changing) {
        this.node = node;
        this.changing = changing;
    }

    /**
     * Looks at the replica of {@code shard} here (each placement round); true when it asks its
     * leader now, off the caller's thread, which takes up to a second.
     */
    boolean asked(RaftServer.Division d, int shard) {
        RaftPeerId leader = d.getInfo().getLeaderId();
        if (!d.getInfo().isFollower() || leader == null) {
            still.remove(shard);
            return false;
        }
        long now = System.nanoTime();
        long last = lastIndex(d);
        long[] seen = still.get(shard);
        if (seen == null || seen[0] != last) {
            still.put(shard, new long[] {last, now});
            return false;
        }
        if (now - seen[1] < STILL_FOR.toNanos() || !changing.add(shard)) {
            return false;
        }
        seen[1] = now;
        Thread.ofVirtual().name("store-stalled-" + shard).start(() -> {
            try {
                long committed = node.committedByLeader(shard, leader);
                if (committed > last) {
                    restarted.incrementAndGet();
                    LOG.warn("shard {}: the replica here ends at log index {} and has not moved for {} s, while its "
                            + "leader {} has committed up to {}; writing an empty entry to the shard so that its "
                            + "replication resumes", shard, last, STILL_FOR.toSeconds(), leader, committed);
                    node.clients().write(shard, EMPTY).whenComplete((r, e) -> {
                        if (e != null) {
                            LOG.warn("shard {}: the empty entry was not committed: {}", shard, e.toString());
                        }
                    });
                } else {
                    // An idle shard in step: no need to ask (a new connection each time) every round.
                    seen[1] = System.nanoTime() + AGAIN_AFTER.minus(STILL_FOR).toNanos();
                }
            } finally {
                changing.remove(shard);
            }
        });
        return true;
    }

    /** Times a replica here found its log stalled behind its leader's commit and wrote an empty entry. */
    long restarted() {
        return restarted.get();
    }

    private static long lastIndex(RaftServer.Division d) {
        TermIndex last = d.getRaftLog().getLastEntryTermIndex();
        return last == null ? -1 : last.getIndex();
    }
}
