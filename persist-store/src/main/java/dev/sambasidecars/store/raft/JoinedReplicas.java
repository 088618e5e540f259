package dev.sambasidecars.store.raft;

import dev.sambasidecars.store.v1.Batch;
import dev.sambasidecars.store.v1.Command;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.server.RaftServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gets replicas that joined their shard empty filled. A node that was still a member of the
 * shard when it lost its replica (a wiped or replaced disk, a replica set aside) is still tracked
 * by the leader as holding what it last acknowledged, and Ratis's leader corrects that only when
 * it sends the follower new entries: heartbeats alone leave it where it was, however often the
 * follower answers that its log is empty. So while a joined replica has applied nothing, an empty
 * batch (a log entry that changes no record) goes to the shard every 2 s.
 */
final class JoinedReplicas {

    private static final Logger LOG = LoggerFactory.getLogger(JoinedReplicas.class);
    private static final Message EMPTY = Message.valueOf(
            Command.newBuilder().setBatch(Batch.getDefaultInstance()).build().toByteString().asReadOnlyByteBuffer());

    private final IntFunction<RaftServer.Division> division;
    private final ShardClients clients;
    private final ScheduledExecutorService timers;

    JoinedReplicas(IntFunction<RaftServer.Division> division, ShardClients clients, ScheduledExecutorService timers) {
        this.division = division;
        this.clients = clients;
        this.timers = timers;
    }

    /** Nudges each of {@code shards} whose replica here has applied nothing, {@code tries} times at most, the first now. */
    void fill(Set<Integer> shards, int tries) {
        Set<Integer> left = new HashSet<>();
        for (int shard : shards) {
            RaftServer.Division d = division.apply(shard);
            if (d != null && d.getInfo().getLastAppliedIndex() < 0) {
                left.add(shard);
            }
        }
        if (left.isEmpty()) {
            return;
        }
        if (tries == 0) {
            LOG.warn("shards {}: this node's replicas joined empty and have still received nothing from their leaders", left);
            return;
        }
        for (int shard : left) {
            clients.write(shard, EMPTY).whenComplete((r, e) -> {
                if (e != null) {
                    LOG.debug("shard {}: the empty entry to fill this replica was not committed: {}", shard, e.toString());
                }
            });
        }
        try {
            timers.schedule(() -> fill(left, tries - 1), 2, TimeUnit.SECONDS);
        } catch (RejectedExecutionException closed) {
            LOG.debug("closed while filling the replicas of shards {}", left);
        }
    }
}
