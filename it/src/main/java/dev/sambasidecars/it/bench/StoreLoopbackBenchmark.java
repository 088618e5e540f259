package dev.sambasidecars.it.bench;

import dev.sambasidecars.store.load.StoreLoad;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Write latency and rate of three persist-store daemons on this machine's loopback (one shard of
 * three replicas, fsync, mutual TLS between them; see {@link LoopbackCluster}), without
 * containers, CTDB or smbd: what the store itself costs, with the load sent three ways. "spread"
 * sends the clients round-robin over all three nodes' sockets (what a cluster's smbds do),
 * "leader" all through the shard leader's node, "follower" all through one other node (each of
 * its writes forwarded to the leader). Each run is preceded by 5 s of the same load, unmeasured,
 * so that its connections and path are warm. Each run also reports the host's steal time, how
 * busy its CPUs were (a run with much steal measured a busy host, not the store) and how much of
 * that in softirqs, the stores' CPU per update (and of it, their collectors'), that of everything
 * else on their nodes and of the load driver, the stores' context switches per update, their
 * group commit, and the flush probe's p50/p99 on the disk the stores write to and how late its
 * thread wakes ({@link HostProbe}).
 *
 * <p>With {@code --containers}, each cluster is instead three Samba/CTDB nodes in containers,
 * smbd, ctdbd and ctdb-bridge beside each store, as {@link StoreVsCtdbBenchmark} runs them (see
 * {@link ContainerStores}): with {@code --compare}, two such clusters side by side, for what
 * only shows there (the containers' network, CTDB's events). Needs Docker. {@code
 * --ctdb-setvar=NAME=VALUE} and {@code --compare-ctdb-setvar=NAME=VALUE} set a CTDB tunable
 * ({@code ctdb setvar}) on every node of the first or second cluster, e.g. {@code
 * MonitorInterval=3600} for CTDB's monitor event hourly instead of every 15 s. The nodes' processes
 * and this JVM share one CPU control group ({@link SharedCpuGroup}: nodes on their own machines
 * do not wait for each other's time slices); {@code --docker-cpu-groups} leaves each node in the
 * one Docker gives it.
 *
 * <p>With {@code --compare=DIST}, a second cluster from another distribution runs beside the
 * first (on loopback: 127.0.1.1-3 and 127.0.0.1-3), both idle but for the run in progress, and every
 * run alternates between them {@code --repeats} times, so that both see the same host; a summary
 * gives each one's medians and their ratio.
 *
 * <p>{@code --set=NAME=VALUE} adds a persist-store option to the first cluster's smb.conf,
 * {@code --compare-set=NAME=VALUE} to the second's (which then runs the same distribution unless
 * {@code --compare} names another): the same build compared with two settings. {@code
 * --java-opts=OPTS} and {@code --compare-java-opts=OPTS} do the same with the stores' JVM options
 * (their launcher's {@code SIDECARS_JAVA_OPTS}).
 *
 * <p>{@code --rate=N} makes every run an open loop at N writes/s offered over its CLIENTS streams
 * (each write timed from when it was due; see {@link StoreLoad}) instead of closed loops, and
 * prints where each run's writes over 10 ms ended: the latency at a given load, and its stalls.
 *
 * <p>Usage: {@code scripts/bench.sh StoreLoopbackBenchmark [--containers [--docker-cpu-groups]
 * [--ctdb-setvar=NAME=VALUE]... [--compare-ctdb-setvar=NAME=VALUE]...] [--compare=DIST] [--set=NAME=VALUE]...
 * [--compare-set=NAME=VALUE]... [--java-opts=OPTS] [--compare-java-opts=OPTS] [--rate=N]
 * [--repeats=N] [--modes=spread,leader,follower] [SECONDS [WARMUP [CLIENTS...]]]} (default 20 s
 * per run, 180 s of warm-up at 256 clients on streams, then 8, 24 and 64 clients, one repeat; with
 * two clusters each is warmed up in turn, then both for 20 s more just before the runs).
 */
public final class StoreLoopbackBenchmark {

    /** The second, short warm-up each of two clusters gets right before the runs. */
    private static final Duration REWARM = Duration.ofSeconds(20);

    private StoreLoopbackBenchmark() {}

    /** One measured run. */
    private record Row(String cluster, String mode, int clients, double rate, double p50, double p99, String line,
                       String slow) { }

    public static void main(String[] args) throws Exception {
        Path compare = null;
        List<String> setA = new ArrayList<>();
        List<String> setB = new ArrayList<>();
        List<String> ctdbA = new ArrayList<>();
        List<String> ctdbB = new ArrayList<>();
        String javaA = "";
        String javaB = null;
        double rate = 0;
        int repeats = 1;
        List<String> modes = List.of("spread", "leader", "follower");
        boolean containers = false;
        boolean dockerCpuGroups = false;
        List<String> positional = new ArrayList<>();
        for (String a : args) {
            if (a.startsWith("--compare=")) {
                compare = Path.of(a.substring("--compare=".length())).toAbsolutePath();
            } else if (a.startsWith("--set=")) {
                setA.add(option(a.substring("--set=".length())));
            } else if (a.startsWith("--ctdb-setvar=")) {
                ctdbA.add(ctdbVar(a.substring("--ctdb-setvar=".length())));
            } else if (a.startsWith("--compare-ctdb-setvar=")) {
                ctdbB.add(ctdbVar(a.substring("--compare-ctdb-setvar=".length())));
            } else if (a.startsWith("--compare-set=")) {
                setB.add(option(a.substring("--compare-set=".length())));
            } else if (a.startsWith("--java-opts=")) {
                javaA = a.substring("--java-opts=".length());
            } else if (a.startsWith("--compare-java-opts=")) {
                javaB = a.substring("--compare-java-opts=".length());
            } else if (a.startsWith("--rate=")) {
                rate = Double.parseDouble(a.substring("--rate=".length()));
            } else if (a.startsWith("--repeats=")) {
                repeats = Integer.parseInt(a.substring("--repeats=".length()));
            } else if (a.equals("--containers")) {
                containers = true;
            } else if (a.equals("--docker-cpu-groups")) {
                dockerCpuGroups = true;
            } else if (a.startsWith("--modes=")) {
                modes = Arrays.asList(a.substring("--modes=".length()).split(","));
            } else {
                positional.add(a);
            }
        }
        int seconds = positional.size() > 0 ? Integer.parseInt(positional.get(0)) : 20;
        int warmup = positional.size() > 1 ? Integer.parseInt(positional.get(1)) : 180;
        List<Integer> counts = positional.size() > 2
                ? positional.subList(2, positional.size()).stream().map(Integer::parseInt).toList() : List.of(8, 24, 64);
        Path dist = Path.of(System.getProperty("sidecars.dist", "packaging/target/dist")).toAbsolutePath();
        if (!containers && !(ctdbA.isEmpty() && ctdbB.isEmpty() && !dockerCpuGroups)) {
            throw new IllegalArgumentException("--ctdb-setvar, --compare-ctdb-setvar and --docker-cpu-groups need --containers");
        }
        if (compare == null && (!setB.isEmpty() || javaB != null || !ctdbB.isEmpty())) {
            compare = dist;
        }
        if (javaB == null) {
            javaB = javaA;
        }
        Path root = Files.createTempDirectory("store-loopback");
        List<StoreDaemons> clusters = new ArrayList<>();
        // Closed in reverse: the clusters, then the shared group their processes go back from.
        try (ExitGuard guard = new ExitGuard()) {
            SharedCpuGroup shared = guard.add(containers && !dockerCpuGroups ? SharedCpuGroup.create() : null);
            clusters.add(guard.add(containers ? ContainerStores.start("A", dist, setA, javaA, ctdbA, shared)
                    : LoopbackCluster.start("A", dist, root.resolve("a"), "127.0.0", setA, javaA)));
            if (compare != null) {
                clusters.add(guard.add(containers ? ContainerStores.start("B", compare, setB, javaB, ctdbB, shared)
                        : LoopbackCluster.start("B", compare, root.resolve("b"), "127.0.1", setB, javaB)));
            }
            for (StoreDaemons c : clusters) {
                c.awaitLeader(Duration.ofMinutes(2));
            }
            for (StoreDaemons c : clusters) {
                System.out.printf("%s: stores up, node %d leads; %d s of warm-up at 256 clients on Updates streams%n",
                        c.name(), c.leader(), warmup);
                warm(c, Duration.ofSeconds(warmup));
            }
            if (clusters.size() > 1 && warmup > 0) {
                // The cluster warmed up first has then been idle for as long as the other warmed
                // up, and its first measured run came out the worst of its series (17,389 and
                // 18,852/s at p99 15-18 ms against 22,000-25,000/s at about 10 ms, two loopback
                // comparisons): each gets a short warm-up again, just before the runs begin.
                for (StoreDaemons c : clusters) {
                    System.out.printf("%s: %d s of warm-up again%n", c.name(), REWARM.toSeconds());
                    warm(c, REWARM);
                }
            }
            List<Row> rows = new ArrayList<>();
            try (HostProbe probe = new HostProbe(root, Duration.ofMillis(10))) {
                for (int clients : counts) {
                    for (String mode : modes) {
                        for (int r = 0; r < repeats; r++) {
                            for (StoreDaemons c : clusters) {
                                rows.add(run(probe, c, mode, clients, seconds, rate));
                            }
                        }
                    }
                }
            }
            System.out.println();
            System.out.printf("%-3s %-9s %7s %9s %8s %8s %8s %10s %10s %9s %7s %5s %5s %7s %6s %7s %7s %6s  %s | %s%n", "", "entry",
                    "clients", "updates/s", "p50 ms", "p90 ms", "p99 ms", "flush p50", "flush p99", "wake p99", "steal", "busy%", "sirq%", "µs/upd",
                    "gc µs", "other µs", "load µs", "cs/upd", StoreDaemons.GROUP_COMMIT_HEADER, StoreDaemons.GROUP_COMMIT_HEADER);
            rows.forEach(r -> System.out.println(r.line()));
            System.out.println();
            rows.forEach(r -> System.out.printf("%-3s %-9s %7d  %s%n", r.cluster(), r.mode(), r.clients(), r.slow()));
            System.out.println((containers ? "3 stores on 3 Samba/CTDB nodes in containers (" + SharedCpuGroup.describe(shared) + ")"
                    : "3 stores on loopback")
                    + ", 1 shard of 3 replicas, fsync, mutual TLS; an Updates stream per "
                    + "client" + (rate > 0 ? String.format(", %.0f writes/s offered over them (an open loop)", rate) : "")
                    + "; flush: a 4 KiB write and fdatasync every 10 ms on the same disk; wake p99: how late the probe's thread woke from its pauses (a woken "
                    + "thread's wait for a CPU); steal: the host's, in "
                    + "ticks of 10 ms summed over both CPUs, during the run; busy%: the host's CPUs busy (not idle, "
                    + "not waiting for I/O, not stolen); sirq%: of their time, in softirqs (the network's receive "
                    + "path, mostly); µs/upd: CPU the three stores used per acknowledged update; "
                    + "gc µs: of which their collectors' threads (ZGC's workers and drivers) used; other µs: CPU "
                    + "everything else on the nodes used per update (in containers: smbd, ctdbd, ctdb-bridge, CTDB's events); "
                    + "load µs: this JVM's (the load driver's) CPU per update; "
                    + "cs/upd: their threads' context switches per acknowledged update (each a thread going to sleep "
                    + "or being preempted); then the group commit of the leader's node | of the two others' "
                    + "(entries/s their writers sent, updates per entry, mean ms the oldest update of an entry waited "
                    + "for it, mean ms from an entry going out to its answer)");
            if (clusters.size() > 1) {
                summary(rows, counts, modes, dist + " " + setA + " " + javaA + (ctdbA.isEmpty() ? "" : " ctdb " + ctdbA),
                        compare + " " + setB + " " + javaB + (ctdbB.isEmpty() ? "" : " ctdb " + ctdbB));
            }
        } finally {
            System.out.println("data and logs kept in " + root);
        }
    }

    /** "NAME=VALUE" as {@code ctdb setvar}'s arguments "NAME VALUE". */
    static String ctdbVar(String nameValue) {
        int eq = nameValue.indexOf('=');
        if (eq < 1 || !nameValue.substring(0, eq).matches("[A-Za-z]+") || !nameValue.substring(eq + 1).matches("\\d+")) {
            throw new IllegalArgumentException("'" + nameValue + "': a CTDB tunable is NAME=NUMBER (e.g. MonitorInterval=3600)");
        }
        return nameValue.substring(0, eq) + " " + nameValue.substring(eq + 1);
    }

    /** "name=value" as an smb.conf line's "name = value". */
    static String option(String nameValue) {
        int eq = nameValue.indexOf('=');
        if (eq < 1) {
            throw new IllegalArgumentException("'" + nameValue + "': an option is NAME=VALUE (persist-store's, e.g. "
                    + "'batch linger=300')");
        }
        return nameValue.substring(0, eq).trim() + " = " + nameValue.substring(eq + 1).trim();
    }

    /** Each cluster's medians per load, and B's over A's. */
    private static void summary(List<Row> rows, List<Integer> counts, List<String> modes, String a, String b) {
        System.out.println();
        System.out.println("medians over the repeats; A = " + a + ", B = " + b);
        System.out.printf("%-9s %7s %11s %11s %7s %8s %8s %7s %8s %8s %7s%n", "entry", "clients", "A updates/s",
                "B updates/s", "B/A", "A p50", "B p50", "B/A", "A p99", "B p99", "B/A");
        for (int clients : counts) {
            for (String mode : modes) {
                double[] ra = median(rows, "A", mode, clients);
                double[] rb = median(rows, "B", mode, clients);
                System.out.printf("%-9s %7d %11.0f %11.0f %7.2f %8.2f %8.2f %7.2f %8.2f %8.2f %7.2f%n", mode, clients,
                        ra[0], rb[0], rb[0] / ra[0], ra[1], rb[1], rb[1] / ra[1], ra[2], rb[2], rb[2] / ra[2]);
            }
        }
    }

    /** Median rate, p50 and p99 of one cluster's runs at one load. */
    private static double[] median(List<Row> rows, String cluster, String mode, int clients) {
        List<Row> of = rows.stream().filter(r -> r.cluster().equals(cluster) && r.mode().equals(mode)
                && r.clients() == clients).toList();
        return new double[] {
            median(of.stream().mapToDouble(Row::rate).sorted().toArray()),
            median(of.stream().mapToDouble(Row::p50).sorted().toArray()),
            median(of.stream().mapToDouble(Row::p99).sorted().toArray()),
        };
    }

    /** The median of sorted values: the mean of the middle two where their number is even. */
    private static double median(double[] sorted) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /**
     * Unmeasured load on {@code c}: 256 clients on the API the runs measure. After a warm-up on
     * unary calls the first measured run was the slowest of every series (p99 13.8-14.4 ms at 96
     * clients against 8-10 after): the stream path likely still being compiled.
     */
    private static void warm(StoreDaemons c, Duration d) throws InterruptedException {
        StoreLoad.run(c.sockets(), 256, 40, d, StoreLoad.Api.STREAM);
    }

    private static Row run(HostProbe probe, StoreDaemons c, String mode, int clients, int seconds, double rate)
            throws Exception {
        List<Path> sockets = switch (mode) {
            case "spread" -> c.sockets();
            case "leader" -> List.of(c.leaderSocket());
            case "follower" -> List.of(c.followerSocket());
            default -> throw new IllegalArgumentException("mode " + mode + ": spread, leader or follower");
        };
        StoreLoad.run(sockets, clients, 40, Duration.ZERO, Duration.ofSeconds(5), StoreLoad.Api.STREAM, rate);
        probe.take();
        HostCpu host = HostCpu.now();
        Duration driver = ownCpu();
        StoreDaemons.Reading before = c.read();
        StoreLoad.Result r = StoreLoad.run(sockets, clients, 40, Duration.ZERO, Duration.ofSeconds(seconds),
                StoreLoad.Api.STREAM, rate);
        StoreDaemons.Reading after = c.read();
        HostCpu used = HostCpu.now().minus(host);
        double driverMicros = ownCpu().minus(driver).toNanos() / 1e3;
        HostProbe.Samples probed = probe.take();
        double storeMicros = after.cpu().minus(before.cpu()).toNanos() / 1e3;
        double gcMicros = after.gcCpu().minus(before.gcCpu()).toNanos() / 1e3;
        double otherMicros = after.othersCpu().minus(before.othersCpu()).toNanos() / 1e3;
        long switched = after.switches() - before.switches();
        String line = String.format("%-3s %-9s %7d %9.0f %8.2f %8.2f %8.2f %10.2f %10.2f %9.2f %7d %5.0f %5.1f %7.0f %6.1f %7.1f %7.1f %6.1f  %s | %s",
                c.name(), mode, clients, r.perSecond(), r.percentileMillis(50), r.percentileMillis(90),
                r.percentileMillis(99), HostProbe.percentile(probed.flushes(), 50), HostProbe.percentile(probed.flushes(), 99),
                HostProbe.percentile(probed.wakes(), 99),
                used.steal(), used.busyPercent(), used.softirqPercent(), perUpdate(storeMicros, r), perUpdate(gcMicros, r),
                perUpdate(otherMicros, r), perUpdate(driverMicros, r), perUpdate(switched, r),
                c.groupCommit(before, after, true, r.seconds()), c.groupCommit(before, after, false, r.seconds()));
        System.out.println(line);
        return new Row(c.name(), mode, clients, r.perSecond(), r.percentileMillis(50), r.percentileMillis(99), line,
                r.slowSpreadSince());
    }

    /** {@code total} per acknowledged update of run {@code r} (0 where none was). */
    private static double perUpdate(double total, StoreLoad.Result r) {
        return r.acked() == 0 ? 0 : total / r.acked();
    }

    /** The CPU time this JVM (the load driver, the probe) has used so far. */
    private static Duration ownCpu() {
        return ProcessHandle.current().info().totalCpuDuration().orElse(Duration.ZERO);
    }

    /** The host's CPU time so far from /proc/stat, in ticks summed over all CPUs (zeros where there is none). */
    private record HostCpu(long busy, long total, long steal, long softirq) {

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
                        return new HostCpu(busy, busy + v[3] + v[4] + v[7], v[7], v[6]);
                    }
                }
            }
            return new HostCpu(0, 0, 0, 0);
        }

        HostCpu minus(HostCpu before) {
            return new HostCpu(busy - before.busy, total - before.total, steal - before.steal, softirq - before.softirq);
        }

        double busyPercent() {
            return total == 0 ? 0 : 100.0 * busy / total;
        }

        /** The share of the CPUs' time spent on softirqs (the network's receive path, mostly). */
        double softirqPercent() {
            return total == 0 ? 0 : 100.0 * softirq / total;
        }
    }

}
