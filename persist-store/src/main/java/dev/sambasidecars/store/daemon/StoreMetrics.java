package dev.sambasidecars.store.daemon;

import dev.sambasidecars.common.metrics.Metrics;
import dev.sambasidecars.store.raft.GroupCommitObserver;
import dev.sambasidecars.store.raft.StoreNode;
import dev.sambasidecars.store.v1.Status;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** The store's metrics: operations, commit latency, leaderships, log size, snapshot age. */
final class StoreMetrics {

    private final Metrics metrics;
    private final MeterRegistry registry;
    private final Timer commit;
    private final Map<String, Counter> ops = new ConcurrentHashMap<>();

    StoreMetrics(Metrics metrics) {
        this.metrics = metrics;
        this.registry = metrics.registry();
        this.commit = Timer.builder(metrics.name("commit"))
                .description("from a write reaching this node to its shard's majority having it on disk and applied")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry);
    }

    Timer commit() {
        return commit;
    }

    /** Counts one operation by type and outcome (a record status, or unavailable / error). */
    void op(String type, String outcome) {
        ops.computeIfAbsent(type + "/" + outcome, k -> Counter.builder(metrics.name("ops"))
                .description("operations by type and outcome").tag("type", type).tag("outcome", outcome)
                .register(registry)).increment();
    }

    static String outcome(Status s) {
        return s.name().substring("STATUS_".length()).toLowerCase(java.util.Locale.ROOT);
    }

    void bind(StoreNode node) {
        DistributionSummary entryUpdates = DistributionSummary.builder(metrics.name("entry.updates"))
                .description("updates per log entry this node's writers sent (to its own replica as leader, or on "
                        + "to the leading node): group commit's batch size; its count is the entries sent")
                .publishPercentileHistogram().minimumExpectedValue(1.0).maximumExpectedValue(4096.0)
                .register(registry);
        Timer entryWait = Timer.builder(metrics.name("entry.wait"))
                .description("how long the oldest update of each entry waited for the entry in flight before it")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(10)).register(registry);
        Timer entryRound = Timer.builder(metrics.name("entry.round"))
                .description("from an entry going out to its answer: one Raft round with fsync on a majority, "
                        + "plus the forwarding where another node leads")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(10)).register(registry);
        node.observer(new GroupCommitObserver() {
            @Override
            public void sent(int updates, long waitedNanos) {
                entryUpdates.record(updates);
                entryWait.record(waitedNanos, TimeUnit.NANOSECONDS);
            }

            @Override
            public void answered(long roundNanos) {
                entryRound.record(roundNanos, TimeUnit.NANOSECONDS);
            }
        });
        Gauge.builder(metrics.name("leaders"), () -> node.localShards().stream()
                        .filter(s -> node.division(s) != null && node.division(s).getInfo().isLeader()).count())
                .description("shards whose Raft leader is this node").register(registry);
        Gauge.builder(metrics.name("replicas"), () -> node.localShards().size())
                .description("shards this node holds a replica of").register(registry);
        Gauge.builder(metrics.name("records"), () -> node.localShards().stream()
                        .mapToLong(s -> node.machine(s) == null ? 0 : node.machine(s).records()).sum())
                .description("records in this node's replicas").register(registry);
        Gauge.builder(metrics.name("log.bytes"), () -> node.localShards().stream().mapToLong(node::logBytes).sum())
                .description("disk space of this node's Raft log segments, all shards (segments are preallocated)").baseUnit("bytes").register(registry);
        Gauge.builder(metrics.name("snapshot.age"), () -> node.localShards().stream()
                        .mapToDouble(s -> {
                            var m = node.machine(s);
                            return m == null || m.snapshotMillis() == 0 ? 0
                                    : (System.currentTimeMillis() - m.snapshotMillis()) / 1000.0;
                        }).max().orElse(0))
                .description("age of the oldest latest snapshot among this node's replicas (0: none taken yet)")
                .baseUnit("seconds").register(registry);
        Gauge.builder(metrics.name("queued"), () -> node.localShards().isEmpty() ? 0 : node.queued())
                .description("updates waiting for the next log entry of their shard (group commit)").register(registry);
        io.micrometer.core.instrument.FunctionCounter.builder(metrics.name("leadership.moves"), node, StoreNode::leadershipMoves)
                .description("leaderships this node handed to another replica because it is not fit to lead "
                        + "(disabled, stopped, banned, unhealthy) or the preferred one is back")
                .register(registry);
        io.micrometer.core.instrument.FunctionCounter.builder(metrics.name("stuck.followers"), node, StoreNode::stuckFollowers)
                .description("times a follower replica here, its log still for 10 s behind its leader's commit, wrote "
                        + "an empty entry to its shard (Ratis 3.3.0's replication to it had stalled; a new entry restarts it)")
                .register(registry);
        io.micrometer.core.instrument.FunctionCounter.builder(metrics.name("forwarded"), node, StoreNode::forwarded)
                .description("updates this node sent on to the node leading their shard (committed there with its own)")
                .register(registry);
        io.micrometer.core.instrument.FunctionCounter.builder(metrics.name("replica.moves"), node, StoreNode::replicaMoves)
                .description("shard membership changes this node committed as leader: replicas placed on a new node "
                        + "or moved off a node deleted from the cluster")
                .register(registry);
        Gauge.builder(metrics.name("replicas.set.aside"), node::quarantined)
                .description("replicas found at start with a corrupt log segment or unloadable, moved to "
                        + "DIRECTORY.quarantine and rebuilt from their peers (each logged at ERROR with the file and byte)")
                .register(registry);
        Gauge.builder(metrics.name("expired"), node::expired)
                .description("disconnected opens removed after their durable timeout by sweeps this node proposed")
                .register(registry);
    }
}
