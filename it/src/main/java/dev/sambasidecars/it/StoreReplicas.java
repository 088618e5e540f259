package dev.sambasidecars.it;

import dev.sambasidecars.store.v1.ShardStat;
import dev.sambasidecars.store.v1.StatReply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/** Checks on where persist-store's shard replicas are and whether they agree, as the nodes' stat shows them. */
public final class StoreReplicas {
    private StoreReplicas() {}

    /**
     * Waits until, on every node in {@code nodes}, every shard's replicas end at the same log
     * position with the same records (the digest each replica reports).
     */
    public static void awaitEqual(SambaCluster cluster, List<Integer> nodes) throws InterruptedException {
        awaitStats(cluster, nodes, "every shard's replicas equal", stats -> {
            StringBuilder diff = new StringBuilder();
            for (int shard = 0; shard < stats.getFirst().getShardsCount(); shard++) {
                int sh = shard;
                List<ShardStat> replicas = stats.stream().map(st -> st.getShards(sh)).filter(x -> !x.getRole().equals("NONE"))
                        .toList();
                if (replicas.stream().map(x -> x.getDigestIndex() + "/" + x.getDigest().toStringUtf8()).distinct().count() != 1) {
                    diff.append(" shard ").append(shard).append(": ").append(replicas.stream()
                            .map(x -> x.getRole() + " applied " + x.getAppliedIndex() + " committed " + x.getCommitIndex()
                                    + " digest@" + x.getDigestIndex()).toList());
                }
            }
            return diff.toString();
        });
    }

    /**
     * Waits until each shard has {@code replicas} replicas, all on {@code nodes}: every node
     * holding one lists the same replicas and knows a leader among them, and the nodes holding
     * one are exactly those listed. Returns the last stats, in the order of {@code nodes}.
     */
    public static List<StatReply> awaitPlacedOn(SambaCluster cluster, List<Integer> nodes, int replicas)
            throws InterruptedException {
        AtomicReference<List<StatReply>> seen = new AtomicReference<>();
        awaitStats(cluster, nodes, "every shard with " + replicas + " replicas on nodes " + nodes, stats -> {
            StringBuilder wrong = new StringBuilder();
            for (int shard = 0; shard < stats.getFirst().getShardsCount(); shard++) {
                List<Integer> holders = new ArrayList<>();
                for (int i = 0; i < stats.size(); i++) {
                    if (!stats.get(i).getShards(shard).getRole().equals("NONE")) {
                        holders.add(nodes.get(i));
                    }
                }
                holders.sort(null);
                if (holders.size() != replicas) {
                    wrong.append(" shard ").append(shard).append(" held by ").append(holders).append(';');
                }
                for (int i = 0; i < stats.size(); i++) {
                    ShardStat sh = stats.get(i).getShards(shard);
                    List<Integer> on = sh.getReplicasList().stream().map(StoreReplicas::pnn).sorted().toList();
                    if (holders.contains(nodes.get(i)) && (!on.equals(holders) || sh.getLeader().isEmpty()
                            || !on.contains(pnn(sh.getLeader())))) {
                        wrong.append(" shard ").append(shard).append(" on node ").append(nodes.get(i)).append(": replicas ")
                                .append(on).append(" leader '").append(sh.getLeader()).append("';");
                    }
                }
            }
            seen.set(stats);
            return wrong.toString();
        });
        return seen.get();
    }

    /** The pnn in a replica's or leader's name as stat shows it: {@code n3} or {@code n3@addr:port}. */
    public static int pnn(String replica) {
        int at = replica.indexOf('@');
        return Integer.parseInt(replica.substring(1, at < 0 ? replica.length() : at));
    }

    private interface Mismatch {
        /** What is not yet as wanted, or empty when all is. */
        String in(List<StatReply> stats);
    }

    private static void awaitStats(SambaCluster cluster, List<Integer> nodes, String what, Mismatch mismatch)
            throws InterruptedException {
        AtomicReference<String> last = new AtomicReference<>("");
        try {
            SambaCluster.awaitCondition(what, Duration.ofSeconds(90), () -> {
                List<StatReply> stats = new ArrayList<>();
                for (int node : nodes) {
                    StatReply s = Sidecars.storeStat(cluster, node);
                    if (s == null || s.getShardsCount() == 0) {
                        last.set("node " + node + " does not answer stat");
                        return false;
                    }
                    stats.add(s);
                }
                last.set(mismatch.in(stats));
                return last.get().isEmpty();
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + ":" + last.get(), e);
        }
    }
}
