package dev.sambasidecars.store.raft;

import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.GroupInfoReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.util.TimeDuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a node asks the other nodes about shards: which already run there (at start), whether
 * a shard's leader has left this node's replica out, and how far a leader has committed.
 */
final class RunningShards {

    private static final Logger LOG = LoggerFactory.getLogger(RunningShards.class);

    private RunningShards() {
    }

    /**
     * The shards among {@code ours} that one of {@code others} holds a replica of with a log
     * (entries or a snapshot): they are running, and a replica new here must be added by their
     * leader. A node that cannot be reached within a second counts as holding nothing (on a
     * cluster's first start, the others are not up yet, or have empty logs).
     */
    static Set<RaftGroupId> probe(RaftProperties props, Parameters params, List<RaftPeer> others, RaftGroupId anyGroup,
                                  Set<RaftGroupId> ours) {
        Set<RaftGroupId> running = new HashSet<>();
        if (others.isEmpty()) {
            return running;
        }
        try (RaftClient probe = probe(props, params, anyGroup, others)) {
            for (RaftPeer other : others) {
                try {
                    for (RaftGroupId gid : probe.getGroupManagementApi(other.getId()).list().getGroupIds()) {
                        if (ours.contains(gid) && !running.contains(gid)) {
                            var log = probe.getGroupManagementApi(other.getId()).info(gid).getLogInfoProto();
                            if (log.hasLastEntry() && log.getLastEntry().getIndex() >= 0 || log.hasLastSnapshot()) {
                                running.add(gid);
                            }
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    LOG.debug("node {} not asked about its shards: {}", other.getId(), e.toString());
                }
            }
        } catch (IOException e) {
            LOG.debug("closing the probe client: {}", e.toString());
        }
        return running;
    }

    /**
     * Whether one of {@code others} leads the shard with a settled membership that leaves
     * {@code me} out: this node's replica was removed while it could not hear of it (the removal
     * reached the other members but not this one), and, asking only the members it still knows,
     * it would never meet the leader that tells a removed replica to shut down. False where
     * nobody answers as the shard's leader within a second.
     */
    static boolean removedFrom(RaftProperties props, Parameters params, List<RaftPeer> others, RaftGroupId gid,
                               RaftPeerId me) {
        if (others.isEmpty()) {
            return false;
        }
        try (RaftClient probe = probe(props, params, gid, others)) {
            for (RaftPeer other : others) {
                try {
                    GroupInfoReply info = probe.getGroupManagementApi(other.getId()).info(gid);
                    if (info.getRoleInfoProto().getRole() != RaftPeerRole.LEADER) {
                        continue;
                    }
                    return info.getConf().map(c -> c.getOldPeersCount() == 0
                            && c.getPeersList().stream().noneMatch(p -> RaftPeerId.valueOf(p.getId()).equals(me)))
                            .orElse(false);
                } catch (IOException | RuntimeException e) {
                    LOG.debug("node {} not asked about group {}: {}", other.getId(), gid, e.toString());
                }
            }
        } catch (IOException e) {
            LOG.debug("closing the probe client: {}", e.toString());
        }
        return false;
    }

    /**
     * How far {@code leader}'s replica of the shard has committed, where it answers within a
     * second as the shard's leader; -1 where it does not.
     */
    static long committedByLeader(RaftProperties props, Parameters params, RaftPeer leader, RaftGroupId gid) {
        try (RaftClient probe = probe(props, params, gid, List.of(leader))) {
            GroupInfoReply info = probe.getGroupManagementApi(leader.getId()).info(gid);
            if (info.getRoleInfoProto().getRole() == RaftPeerRole.LEADER && info.getLogInfoProto().hasCommitted()) {
                return info.getLogInfoProto().getCommitted().getIndex();
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("node {} not asked how far it committed group {}: {}", leader.getId(), gid, e.toString());
        }
        return -1;
    }

    /** A client that asks each peer once, waiting a second at most. */
    private static RaftClient probe(RaftProperties props, Parameters params, RaftGroupId gid, List<RaftPeer> peers) {
        RaftProperties quick = new RaftProperties(props);
        RaftClientConfigKeys.Rpc.setRequestTimeout(quick, TimeDuration.valueOf(1, TimeUnit.SECONDS));
        return RaftClient.newBuilder().setProperties(quick).setParameters(params).setRaftGroup(RaftGroup.valueOf(gid, peers))
                .setRetryPolicy(RetryPolicies.noRetry()).build();
    }
}
