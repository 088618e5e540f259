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
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.util.TimeDuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What a starting node asks the other nodes: which of the store's shards already run there. */
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
        RaftProperties quick = new RaftProperties(props);
        RaftClientConfigKeys.Rpc.setRequestTimeout(quick, TimeDuration.valueOf(1, TimeUnit.SECONDS));
        try (RaftClient probe = RaftClient.newBuilder().setProperties(quick).setParameters(params)
                .setRaftGroup(RaftGroup.valueOf(anyGroup, others))
                .setRetryPolicy(RetryPolicies.noRetry()).build()) {
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
}
