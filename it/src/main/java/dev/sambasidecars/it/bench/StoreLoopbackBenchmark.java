package dev.sambasidecars.it.bench;

import dev.sambasidecars.common.ipc.GrpcUnix;
import dev.sambasidecars.common.tls.NodeSpec;
import dev.sambasidecars.common.tls.TlsInit;
import dev.sambasidecars.it.StoreReplicas;
import dev.sambasidecars.store.load.StoreLoad;
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
 * Write latency and rate of three persist-store daemons on this machine's loopback (127.0.0.1,
 * .2 and .3; one shard of three replicas, fsync, mutual TLS between them), without containers,
 * CTDB or smbd: what the store itself costs, with the load sent three ways side by side in one
 * run. "spread" sends the clients round-robin over all three nodes' sockets (what a cluster's
 * smbds do), "leader" all through the shard leader's node, "follower" all through one other
 * node (each of its writes forwarded to the leader). Each run is preceded by 5 s of the same
 * load, unmeasured, so that its connections and path are warm. Each run also reports the host's
 * steal time (a run with much of it measured a busy host, not the store) and the flush probe's
 * p50/p99 on the disk the stores write to ({@link FsyncProbe}).
 *
 * <p>Usage: {@code scripts/bench.sh StoreLoopbackBenchmark [SECONDS [WARMUP [CLIENTS...]]]}
 * (default 20 s per run, 180 s of warm-up at 256 clients, then 8, 24 and 64 clients).
 */
public final class StoreLoopbackBenchmark {

    private StoreLoopbackBenchmark() {}

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 180;
        List<Integer> counts = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            counts.add(Integer.parseInt(args[i]));
        }
        if (counts.isEmpty()) {
            counts = List.of(8, 24, 64);
        }
        Path dist = Path.of(System.getProperty("sidecars.dist", "packaging/target/dist")).toAbsolutePath();
        Path root = Files.createTempDirectory("store-loopback");
        List<Process> stores = new ArrayList<>();
        try {
            List<String> metrics = new ArrayList<>();
            List<Path> sockets = start(dist, root, stores, metrics);
            int leader = awaitLeader(sockets, Duration.ofMinutes(2));
            Path leaderSocket = sockets.get(leader);
            Path followerSocket = sockets.get((leader + 1) % sockets.size());
            System.out.printf("stores up, node %d leads; %d s of warm-up at 256 clients%n", leader, warmup);
            StoreLoad.run(sockets, 256, 40, Duration.ofSeconds(warmup));

            List<String> lines = new ArrayList<>();
            try (FsyncProbe probe = new FsyncProbe(root, Duration.ofMillis(10))) {
                for (int clients : counts) {
                    Nodes at = new Nodes(metrics, leader, stores);
                    lines.add(run(probe, at, "spread", sockets, clients, seconds));
                    lines.add(run(probe, at, "leader", List.of(leaderSocket), clients, seconds));
                    lines.add(run(probe, at, "follower", List.of(followerSocket), clients, seconds));
                }
            }
            System.out.println();
            System.out.printf("%-9s %7s %9s %8s %8s %8s %10s %10s %7s %5s %7s %6s  %s | %s%n", "entry", "clients", "updates/s",
                    "p50 ms", "p90 ms", "p99 ms", "flush p50", "flush p99", "steal", "busy%", "µs/upd", "cs/upd", Nodes.HEADER, Nodes.HEADER);
            lines.forEach(System.out::println);
            System.out.println("3 stores on loopback, 1 shard of 3 replicas, fsync, mutual TLS; an Updates stream per "
                    + "client; flush: a 4 KiB write and fdatasync every 10 ms on the same disk; steal: the host's, in "
                    + "ticks of 10 ms summed over both CPUs, during the run; busy%: the host's CPUs busy (not idle, "
                    + "not waiting for I/O, not stolen); µs/upd: CPU the three stores used per acknowledged update; cs/upd: their threads' context switches per "
                    + "acknowledged update (each a thread going to sleep or being preempted); "
                    + "then the group commit of the leader's "
                    + "node | of the two others' (entries/s their writers sent, updates per entry, mean ms the "
                    + "oldest update of an entry waited for it, mean ms from an entry going out to its answer)");
        } finally {
            for (Process p : stores) {
                p.destroy();
            }
            for (Process p : stores) {
                if (!p.waitFor(30, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
            System.out.println("data and logs kept in " + root);
        }
    }

    private static String run(FsyncProbe probe, Nodes at, String entry, List<Path> sockets, int clients, int seconds)
            throws Exception {
        StoreLoad.run(sockets, clients, 40, Duration.ofSeconds(5));
        probe.take();
        HostCpu host = HostCpu.now();
        Duration storeCpu = at.cpu();
        long switches = at.contextSwitches();
        List<PrometheusText> before = at.scrape();
        StoreLoad.Result r = StoreLoad.run(sockets, clients, 40, Duration.ofSeconds(seconds));
        List<PrometheusText> after = at.scrape();
        double storeMicros = at.cpu().minus(storeCpu).toNanos() / 1e3;
        long switched = at.contextSwitches() - switches;
        HostCpu used = HostCpu.now().minus(host);
        double[] flushes = probe.take();
        String line = String.format("%-9s %7d %9.0f %8.2f %8.2f %8.2f %10.2f %10.2f %7d %5.0f %7.0f %6.1f  %s | %s", entry,
                clients, r.perSecond(), r.percentileMillis(50), r.percentileMillis(90), r.percentileMillis(99),
                FsyncProbe.percentile(flushes, 50), FsyncProbe.percentile(flushes, 99), used.steal(),
                used.busyPercent(), r.acked() == 0 ? 0 : storeMicros / r.acked(),
                r.acked() == 0 ? 0 : (double) switched / r.acked(),
                at.groupCommit(before, after, true, r.seconds()), at.groupCommit(before, after, false, r.seconds()));
        System.out.println(line);
        return line;
    }

    /** The daemons' metrics, and which of them leads: each run's group commit, read from their writers' meters. */
    private record Nodes(List<String> metrics, int leader, List<Process> stores) {

        static final String HEADER = String.format("%9s %7s %7s %8s", "entries/s", "upd/ent", "wait ms", "round ms");

        /** CPU time the daemons (and their launchers' children) have used so far. */
        Duration cpu() {
            Duration sum = Duration.ZERO;
            for (Process p : stores) {
                List<ProcessHandle> all = new ArrayList<>(p.toHandle().descendants().toList());
                all.add(p.toHandle());
                for (ProcessHandle h : all) {
                    sum = sum.plus(h.info().totalCpuDuration().orElse(Duration.ZERO));
                }
            }
            return sum;
        }

        /** Context switches, voluntary and not, of all the daemons' threads so far (/proc; 0 where there is none). */
        long contextSwitches() throws IOException {
            long sum = 0;
            for (Process p : stores) {
                List<ProcessHandle> all = new ArrayList<>(p.toHandle().descendants().toList());
                all.add(p.toHandle());
                for (ProcessHandle h : all) {
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

        List<PrometheusText> scrape() throws IOException, InterruptedException {
            List<PrometheusText> out = new ArrayList<>();
            for (String url : metrics) {
                out.add(PrometheusText.scrape(url));
            }
            return out;
        }

        /** Entries/s, updates per entry, mean wait and mean round, of the leader's node or summed over the others. */
        String groupCommit(List<PrometheusText> before, List<PrometheusText> after, boolean ofLeader, double seconds) {
            double entries = 0;
            double updates = 0;
            double waited = 0;
            double rounds = 0;
            double roundSeconds = 0;
            for (int n = 0; n < metrics.size(); n++) {
                if ((n == leader) != ofLeader) {
                    continue;
                }
                PrometheusText a = after.get(n);
                PrometheusText b = before.get(n);
                entries += a.since(b, "sidecar_persist_store_entry_updates_count");
                updates += a.since(b, "sidecar_persist_store_entry_updates_sum");
                waited += a.since(b, "sidecar_persist_store_entry_wait_seconds_sum");
                rounds += a.since(b, "sidecar_persist_store_entry_round_seconds_count");
                roundSeconds += a.since(b, "sidecar_persist_store_entry_round_seconds_sum");
            }
            return String.format("%9.0f %7.2f %7.2f %8.2f", entries / seconds, entries == 0 ? 0 : updates / entries,
                    entries == 0 ? 0 : waited * 1e3 / entries, rounds == 0 ? 0 : roundSeconds * 1e3 / rounds);
        }
    }

    /** Starts the three daemons from the distribution, each with its own smb.conf, data and socket directory. */
    private static List<Path> start(Path dist, Path root, List<Process> stores, List<String> metrics) throws Exception {
        List<InetAddress> addresses = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            addresses.add(InetAddress.getByName("127.0.0." + i));
        }
        var pki = TlsInit.run(new TlsInit.Request(root.resolve("pki"), addresses.stream().map(NodeSpec::of).toList(),
                "store-loopback", Duration.ofDays(1), false), Clock.systemUTC());
        String nodes = String.join(", ", addresses.stream().map(InetAddress::getHostAddress).toList());
        List<Path> sockets = new ArrayList<>();
        for (int pnn = 0; pnn < addresses.size(); pnn++) {
            Path run = Files.createDirectories(root.resolve("run" + pnn));
            Path conf = root.resolve("smb" + pnn + ".conf");
            int metricsPort = freePort();
            metrics.add("http://127.0.0.1:" + metricsPort + "/metrics");
            Files.writeString(conf, "[global]\n"
                    + "\tsidecar persist-store:nodes = " + nodes + "\n"
                    + "\tsidecar persist-store:pnn = " + pnn + "\n"
                    + "\tsidecar persist-store:directory = " + root.resolve("data" + pnn) + "\n"
                    + "\tsidecar persist-store:shards = 1\n"
                    + "\tsidecar persist-store:metrics address = 127.0.0.1:" + metricsPort + "\n"
                    + "\tsidecar common:socket directory = " + run + "\n"
                    + "\tsidecar common:tls directory = " + pki.nodes().get(pnn).directory() + "\n");
            stores.add(new ProcessBuilder(dist.resolve("bin/persist-store").toString(), "--config", conf.toString())
                    .redirectErrorStream(true).redirectOutput(root.resolve("store" + pnn + ".log").toFile()).start());
            sockets.add(run.resolve("persist-store.sock"));
        }
        return sockets;
    }

    /** Waits until every node names the same leader of shard 0; returns its pnn. */
    private static int awaitLeader(List<Path> sockets, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        String why = "no answer yet";
        while (System.nanoTime() < deadline) {
            List<String> leaders = new ArrayList<>();
            for (Path s : sockets) {
                leaders.add(Files.exists(s) ? leaderSeenBy(s) : "");
            }
            if (!leaders.get(0).isEmpty() && leaders.stream().allMatch(leaders.get(0)::equals)) {
                return StoreReplicas.pnn(leaders.get(0));
            }
            why = "leaders seen: " + leaders;
            Thread.sleep(500);
        }
        throw new IllegalStateException("the loopback stores did not agree on a leader within " + within + " (" + why
                + "); see their logs");
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

    /** The host's CPU time so far from /proc/stat, in ticks summed over all CPUs (zeros where there is none). */
    private record HostCpu(long busy, long total, long steal) {

        static HostCpu now() throws IOException {
            Path stat = Path.of("/proc/stat");
            if (Files.isReadable(stat)) {
                for (String line : Files.readAllLines(stat)) {
                    if (line.startsWith("cpu ")) {
                        // user nice system idle iowait irq softirq steal ...
                        String[] f = line.trim().split("\\s+");
                        long[] v = new long[8];
                        for (int i = 0; i < v.length && i + 1 < f.length; i++) {
                            v[i] = Long.parseLong(f[i + 1]);
                        }
                        long busy = v[0] + v[1] + v[2] + v[5] + v[6];
                        return new HostCpu(busy, busy + v[3] + v[4] + v[7], v[7]);
                    }
                }
            }
            return new HostCpu(0, 0, 0);
        }

        HostCpu minus(HostCpu before) {
            return new HostCpu(busy - before.busy, total - before.total, steal - before.steal);
        }

        double busyPercent() {
            return total == 0 ? 0 : 100.0 * busy / total;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
