package dev.sambasidecars.it.bench;

import dev.sambasidecars.common.ipc.GrpcUnix;
import dev.sambasidecars.common.tls.NodeSpec;
import dev.sambasidecars.common.tls.TlsInit;
import dev.sambasidecars.it.PrometheusText;
import dev.sambasidecars.it.StoreReplicas;
import dev.sambasidecars.store.v1.StatReply;
import dev.sambasidecars.store.v1.StatRequest;
import dev.sambasidecars.store.v1.StoreGrpc;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Three persist-store daemons from one distribution on this machine's loopback (NETWORK.1, .2
 * and .3; one shard of three replicas, fsync, mutual TLS between them), each with its own
 * smb.conf, data, socket directory, metrics port and ports of its own: what the benchmark drives,
 * and what it reads of them per run (their group-commit meters, CPU and context switches).
 */
final class LoopbackCluster implements AutoCloseable {

    static final String GROUP_COMMIT_HEADER = String.format("%9s %7s %7s %8s", "entries/s", "upd/ent", "wait ms",
            "round ms");

    private final String name;
    private final List<Path> sockets = new ArrayList<>();
    private final List<String> metrics = new ArrayList<>();
    private final List<Process> stores = new ArrayList<>();
    private int leader = -1;

    private LoopbackCluster(String name) {
        this.name = name;
    }

    /**
     * Starts the daemons of {@code dist} on {@code network}.1-3 with their files under {@code root},
     * each {@code options} line ("name = value") added to their persist-store options, and {@code
     * javaOpts} (unless empty) as their launcher's {@code SIDECARS_JAVA_OPTS}.
     */
    static LoopbackCluster start(String name, Path dist, Path root, String network, List<String> options,
                                 String javaOpts) throws Exception {
        LoopbackCluster c = new LoopbackCluster(name);
        try {
            c.launch(dist, root, network, options, javaOpts);
        } catch (Exception e) {
            c.close();
            throw e;
        }
        return c;
    }

    String name() {
        return name;
    }

    List<Path> sockets() {
        return sockets;
    }

    Path leaderSocket() {
        return sockets.get(leader);
    }

    Path followerSocket() {
        return sockets.get((leader + 1) % sockets.size());
    }

    int leader() {
        return leader;
    }

    private void launch(Path dist, Path root, String network, List<String> options, String javaOpts) throws Exception {
        List<InetAddress> addresses = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            addresses.add(InetAddress.getByName(network + "." + i));
        }
        var pki = TlsInit.run(new TlsInit.Request(root.resolve("pki"), addresses.stream().map(NodeSpec::of).toList(),
                "store-loopback", Duration.ofDays(1), false), Clock.systemUTC());
        String nodes = String.join(", ", addresses.stream().map(InetAddress::getHostAddress).toList());
        // Ports of their own, not the defaults: a cluster of an earlier run may still hold those.
        int raftPort = freePort();
        int peerPort = freePort();
        for (int pnn = 0; pnn < addresses.size(); pnn++) {
            Path run = Files.createDirectories(root.resolve("run" + pnn));
            Path conf = root.resolve("smb" + pnn + ".conf");
            int metricsPort = freePort();
            metrics.add("http://127.0.0.1:" + metricsPort + "/metrics");
            StringBuilder extra = new StringBuilder();
            options.forEach(o -> extra.append("\tsidecar persist-store:").append(o).append('\n'));
            Files.writeString(conf, "[global]\n" + extra
                    + "\tsidecar persist-store:nodes = " + nodes + "\n"
                    + "\tsidecar persist-store:pnn = " + pnn + "\n"
                    + "\tsidecar persist-store:directory = " + root.resolve("data" + pnn) + "\n"
                    + "\tsidecar persist-store:shards = 1\n"
                    + "\tsidecar persist-store:raft port = " + raftPort + "\n"
                    + "\tsidecar persist-store:peer port = " + peerPort + "\n"
                    + "\tsidecar persist-store:metrics address = 127.0.0.1:" + metricsPort + "\n"
                    + "\tsidecar common:socket directory = " + run + "\n"
                    + "\tsidecar common:tls directory = " + pki.nodes().get(pnn).directory() + "\n");
            ProcessBuilder store = new ProcessBuilder(dist.resolve("bin/persist-store").toString(), "--config",
                    conf.toString()).redirectErrorStream(true).redirectOutput(root.resolve("store" + pnn + ".log").toFile());
            if (!javaOpts.isBlank()) {
                store.environment().put("SIDECARS_JAVA_OPTS", javaOpts);
            }
            stores.add(store.start());
            sockets.add(run.resolve("persist-store.sock"));
        }
    }

    /** Waits until every node names the same leader of shard 0. */
    void awaitLeader(Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        String why = "no answer yet";
        while (System.nanoTime() < deadline) {
            List<String> leaders = new ArrayList<>();
            for (Path s : sockets) {
                leaders.add(Files.exists(s) ? leaderSeenBy(s) : "");
            }
            if (!leaders.get(0).isEmpty() && leaders.stream().allMatch(leaders.get(0)::equals)) {
                leader = StoreReplicas.pnn(leaders.get(0));
                return;
            }
            why = "leaders seen: " + leaders;
            Thread.sleep(500);
        }
        throw new IllegalStateException("the loopback stores of " + name + " did not agree on a leader within " + within
                + " (" + why + "); see their logs");
    }

    private static String leaderSeenBy(Path socket) {
        ManagedChannel ch = GrpcUnix.channel(socket);
        try {
            StatReply r = StoreGrpc.newBlockingStub(ch).withDeadlineAfter(5, TimeUnit.SECONDS)
                    .stat(StatRequest.getDefaultInstance());
            return r.getShardsCount() == 0 ? "" : r.getShards(0).getLeader();
        } catch (StatusRuntimeException e) {
            return "";
        } finally {
            ch.shutdownNow();
        }
    }

    /** What is read of the daemons before and after a run. */
    record Reading(List<PrometheusText> meters, Duration cpu, long switches) { }

    Reading read() throws IOException, InterruptedException {
        List<PrometheusText> meters = new ArrayList<>();
        for (String url : metrics) {
            meters.add(PrometheusText.scrape(url));
        }
        return new Reading(meters, cpu(), contextSwitches());
    }

    /** CPU time the daemons (and their launchers' children) have used so far. */
    private Duration cpu() {
        Duration sum = Duration.ZERO;
        for (ProcessHandle h : processes()) {
            sum = sum.plus(h.info().totalCpuDuration().orElse(Duration.ZERO));
        }
        return sum;
    }

    private List<ProcessHandle> processes() {
        List<ProcessHandle> all = new ArrayList<>();
        for (Process p : stores) {
            all.add(p.toHandle());
            all.addAll(p.toHandle().descendants().toList());
        }
        return all;
    }

    /** Context switches, voluntary and not, of all the daemons' threads so far (/proc; 0 where there is none). */
    private long contextSwitches() throws IOException {
        long sum = 0;
        for (ProcessHandle h : processes()) {
            Path tasks = Path.of("/proc", Long.toString(h.pid()), "task");
            if (!Files.isDirectory(tasks)) {
                continue;
            }
            try (var threads = Files.list(tasks)) {
                for (Path t : threads.toList()) {
                    sum += switches(t.resolve("status"));
                }
            }
        }
        return sum;
    }

    private static long switches(Path status) {
        long sum = 0;
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("voluntary_ctxt_switches:") || line.startsWith("nonvoluntary_ctxt_switches:")) {
                    sum += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                }
            }
        } catch (IOException | NumberFormatException e) {
            return 0; // the thread ended meanwhile
        }
        return sum;
    }

    /** Entries/s, updates per entry, mean wait and mean round, of the leader's node or summed over the others. */
    String groupCommit(Reading before, Reading after, boolean ofLeader, double seconds) {
        double entries = 0;
        double updates = 0;
        double waited = 0;
        double rounds = 0;
        double roundSeconds = 0;
        for (int n = 0; n < metrics.size(); n++) {
            if ((n == leader) != ofLeader) {
                continue;
            }
            PrometheusText a = after.meters().get(n);
            PrometheusText b = before.meters().get(n);
            entries += a.since(b, "sidecar_persist_store_entry_updates_count");
            updates += a.since(b, "sidecar_persist_store_entry_updates_sum");
            waited += a.since(b, "sidecar_persist_store_entry_wait_seconds_sum");
            rounds += a.since(b, "sidecar_persist_store_entry_round_seconds_count");
            roundSeconds += a.since(b, "sidecar_persist_store_entry_round_seconds_sum");
        }
        return String.format("%9.0f %7.2f %7.2f %8.2f", entries / seconds, entries == 0 ? 0 : updates / entries,
                entries == 0 ? 0 : waited * 1e3 / entries, rounds == 0 ? 0 : roundSeconds * 1e3 / rounds);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        for (Process p : stores) {
            p.destroy();
        }
        for (Process p : stores) {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
