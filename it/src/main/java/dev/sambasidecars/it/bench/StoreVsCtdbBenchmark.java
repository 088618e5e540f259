package dev.sambasidecars.it.bench;

import dev.sambasidecars.it.ClusterSpec;
import dev.sambasidecars.it.SambaCluster;
import dev.sambasidecars.it.Sidecars;
import dev.sambasidecars.store.load.StoreLoad;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * One-record synchronous updates per second and their latency, persist-store against a CTDB
 * persistent database, on the same real 3-node cluster in the same run (every node a container
 * on this machine, every write fsync'd).
 *
 * <p>CTDB is driven with its own tool: each update is one {@code ctdb pstore DB KEY VALUE}, i.e.
 * one persistent-database transaction holding one record, from CLIENTS concurrent loops spread
 * over the nodes. Starting the tool and attaching costs time too, so the same loops run {@code
 * ctdb pfetch} (same start and attach, a local read, no transaction) and that median is reported
 * as the driving overhead. persist-store is driven through each node's local socket by the
 * module's load driver with the same number of clients, then with many more (group commit needs
 * concurrency), once with a unary Put call per write and once with an Updates stream per
 * client. Values are the same ~330-byte PersistentOpen in both (hex for ctdb's command line).
 * During each run a probe times a small write and flush on the disk the nodes share, every
 * 10 ms: a commit waits until two replicas have flushed its entry there, so that tail is a floor
 * under the p99; and how late its thread wakes from each pause, the wait for a CPU that each
 * wake-up on a write's path pays.
 *
 * <p>A closed loop (each client sends its next write when the last is answered) keeps the store
 * as busy as it can be, so its latency is that of saturation; the store is also run as an open
 * loop at a fixed offered rate (RATE writes/s over at most MANY_CLIENTS streams), each write
 * timed from when it was due: the latency at that load.
 *
 * <p>Usage: {@code scripts/bench.sh StoreVsCtdbBenchmark [SECONDS [CLIENTS[,CLIENTS...] [MANY_CLIENTS [WARMUP [RATE]]]]]}
 * (default 20 s; 24 clients, CTDB running with the first count given, persist-store with each;
 * 256; 180 s of persist-store warm-up: three daemon JVMs compiling Ratis, gRPC and Netty, plain
 * and shaded, on two cores take about three minutes to reach steady speed, one store had spent
 * 100 s compiling a few minutes in, and runs after 60 s gave half the rate; 20,000/s).
 * With {@code BENCH_CTDB_MONITOR_OFF} set in the environment, CTDB's monitor event runs every
 * hour instead of every 15 s on each node: a diagnosis of the stores' stalls, not a figure. Each
 * run's slow writes are printed with the wall-clock (UTC) time its measurement began; {@code
 * BENCH_LOGS} keeps the stores' logs to set beside them (see {@link #keepLogs}). {@code
 * BENCH_STORE_SETS='NAME=VALUE;...'} starts every persist-store with those options (e.g. {@code
 * batch gap=2000}): to measure one on the cluster, a run with it against one without. The nodes'
 * processes (CTDB's loops too) and this JVM share one CPU control group ({@link SharedCpuGroup});
 * with {@code BENCH_DOCKER_CPU_GROUPS} set, each node keeps the one Docker gives it.
 */
public final class StoreVsCtdbBenchmark {
    /**
     * The start of each persist-store run that is made but not measured: its clients open their
     * connections and streams then (an smbd keeps its open), and in one run a quarter of the
     * writes over 10 ms with 24 clients ended within its first second.
     */
    private static final Duration RAMP_UP = Duration.ofSeconds(2);

    private StoreVsCtdbBenchmark() {}

    /** {@code NAME=VALUE;...} as persist-store's {@code --set} arguments ({@code sidecar persist-store:NAME=VALUE}). */
    static String[] storeSets(String env) {
        if (env == null || env.isBlank()) {
            return new String[0];
        }
        return Arrays.stream(env.split(";")).map(String::strip).filter(x -> !x.isEmpty())
                .map(x -> "sidecar persist-store:" + StoreLoopbackBenchmark.option(x)).toArray(String[]::new);
    }

    record Run(String what, int clients, long ops, double seconds, double p50, double p99, long errors, String slow,
               HostProbe.Samples host) {
        double rate() {
            return ops / seconds;
        }

        String line() {
            return String.format("%-44s %7d %9.0f %9.2f %9.2f %7d %9.2f %9.2f %9.2f %9.2f", what, clients, rate(), p50, p99,
                    errors, HostProbe.percentile(host.flushes(), 50), HostProbe.percentile(host.flushes(), 99),
                    HostProbe.percentile(host.wakes(), 50), HostProbe.percentile(host.wakes(), 99));
        }

        Run probed(HostProbe.Samples samples) {
            return new Run(what, clients, ops, seconds, p50, p99, errors, slow, samples);
        }
    }

    /** Times each run and, during it, a flush on the disk the nodes write to and a wake-up (see {@link HostProbe}). */
    private interface Measured {
        Run run() throws Exception;
    }

    private static Run probed(HostProbe probe, Measured m) throws Exception {
        probe.take();
        Run r = m.run();
        return r.probed(probe.take());
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        // CLIENTS may list several counts (24,96): CTDB runs with the first, persist-store with each.
        List<Integer> clientCounts = Arrays.stream((args.length > 1 ? args[1] : "24").split(",")).map(Integer::parseInt).toList();
        int clients = clientCounts.getFirst();
        int many = args.length > 2 ? Integer.parseInt(args[2]) : 256;
        int warmup = args.length > 3 ? Integer.parseInt(args[3]) : 180;
        double offered = args.length > 4 ? Double.parseDouble(args[4]) : 20_000;
        try (ExitGuard guard = new ExitGuard()) {
            SambaCluster cluster = guard.add(SambaCluster.start(ClusterSpec.defaults(3)));
            SharedCpuGroup cpu = guard.add(System.getenv("BENCH_DOCKER_CPU_GROUPS") != null ? null : SharedCpuGroup.create());
            String[] storeSets = storeSets(System.getenv("BENCH_STORE_SETS"));
            if (storeSets.length > 0) {
                System.out.println("BENCH_STORE_SETS: persist-store started with " + String.join("; ", storeSets));
            }
            Sidecars.startStoreStack(cluster, storeSets);
            if (cpu != null) {
                cpu.addNodes(cluster.hostPids());
            }
            System.out.println("CPU: " + SharedCpuGroup.describe(cpu) + " (same for CTDB and persist-store)");
            Path shared = cluster.sharedDirectory();
            try (InputStream in = StoreVsCtdbBenchmark.class.getResourceAsStream("ctdb_bench.py")) {
                Files.write(shared.resolve("ctdb_bench.py"), in.readAllBytes());
            }
            Files.writeString(shared.resolve("value.txt"),
                    HexFormat.of().formatHex(StoreLoad.open(1, 1, 1, 0).toByteArray()));
            cluster.ctdb(0, "attach sidecar_bench.tdb persistent").orThrow();

            List<Path> sockets = Sidecars.storeSockets(cluster);
            if (System.getenv("BENCH_CTDB_MONITOR_OFF") != null) {
                // A diagnosis, not a configuration to measure with: whether CTDB's monitor event
                // (its scripts fork shells on every node every 15 s) is behind the stores' stalls.
                for (int i = 0; i < cluster.size(); i++) {
                    cluster.ctdb(i, "setvar MonitorInterval 3600").orThrow();
                }
                System.out.println("BENCH_CTDB_MONITOR_OFF: CTDB's monitor event every 3600 s instead of 15 s on every node");
            }
            // Warm both up (JIT, connections, leaders, ctdb's database on every node), the store
            // on both APIs the runs measure, half the time each.
            Duration warmupEach = Duration.ofSeconds(warmup).dividedBy(StoreLoad.Api.values().length);
            for (StoreLoad.Api api : StoreLoad.Api.values()) {
                StoreLoad.run(sockets, many, 40, warmupEach, api);
            }
            ctdb(cluster, "pstore", clients, 3);

            List<Run> runs = new ArrayList<>();
            try (HostProbe probe = new HostProbe(shared, Duration.ofMillis(10))) {
                runs.add(probed(probe, () -> ctdb(cluster, "pstore", clients, seconds)));
                runs.add(probed(probe, () -> ctdb(cluster, "pfetch", clients, Math.max(5, seconds / 2))));
                for (StoreLoad.Api api : StoreLoad.Api.values()) {
                    for (int n : clientCounts) {
                        runs.add(probed(probe, () -> store(sockets, n, seconds, api)));
                    }
                    runs.add(probed(probe, () -> store(sockets, many, seconds, api)));
                }
                runs.add(probed(probe, () -> paced(sockets, many, seconds, offered)));
                runs.add(probed(probe, () -> ctdb(cluster, "pstore", clients, seconds)));
                for (StoreLoad.Api api : StoreLoad.Api.values()) {
                    runs.add(probed(probe, () -> store(sockets, many, seconds, api)));
                }
                runs.add(probed(probe, () -> paced(sockets, many, seconds, offered)));
            }

            System.out.println();
            System.out.printf("%-44s %7s %9s %9s %9s %7s %9s %9s %9s %9s%n", "run (3 nodes, 3 replicas, fsync)", "clients",
                    "updates/s", "p50 ms", "p99 ms", "errors", "flush p50", "flush p99", "wake p50", "wake p99");
            runs.forEach(r -> System.out.println(r.line()));
            System.out.println();
            runs.stream().filter(r -> r.slow() != null).forEach(r -> System.out.printf("%-44s %7d  %s%n", r.what(),
                    r.clients(), r.slow()));
            System.out.println("flush: a 4 KiB write and fdatasync every 10 ms on the nodes' disk during the run "
                    + "(a commit waits for two replicas to flush its entry on this disk); wake: how late the probe's "
                    + "thread woke from each 10 ms pause (how long a woken thread waited for a CPU)");
            keepLogs(cluster);
            double ctdbRate = median(runs.stream().filter(r -> r.what().startsWith("ctdb pstore")).mapToDouble(Run::rate).toArray());
            System.out.println();
            for (StoreLoad.Api api : StoreLoad.Api.values()) {
                String what = storeRun(api);
                double sameClients = runs.stream().filter(r -> r.what().equals(what) && r.clients() == clients)
                        .mapToDouble(Run::rate).findFirst().orElse(0);
                double storeRate = median(runs.stream().filter(r -> r.what().equals(what) && r.clients() == many)
                        .mapToDouble(Run::rate).toArray());
                System.out.printf("%s / CTDB: %.1fx with %d clients each, %.1fx with %d clients on persist-store%n",
                        what, sameClients / ctdbRate, clients, storeRate / ctdbRate, many);
            }
        }
    }

    /**
     * With {@code BENCH_LOGS} set to a directory, copies each node's persist-store log there, and
     * every {@code .log} file in the nodes' shared directory (where {@code SIDECARS_IT_JAVA_OPTS}
     * can have the stores' collectors log, e.g. {@code -Xlog:gc:file=/shared/gc-%p.log:time}): what
     * the stores did at the wall-clock times each run's slow writes are printed with.
     */
    private static void keepLogs(SambaCluster cluster) throws IOException {
        String dir = System.getenv("BENCH_LOGS");
        if (dir == null || dir.isBlank()) {
            return;
        }
        Path to = Files.createDirectories(Path.of(dir));
        for (int i = 0; i < cluster.size(); i++) {
            cluster.exec(i, "cp /var/log/persist-store.log /shared/node" + i + "-persist-store.log").orThrow();
        }
        try (DirectoryStream<Path> logs = Files.newDirectoryStream(cluster.sharedDirectory(), "*.log")) {
            for (Path log : logs) {
                Files.copy(log, to.resolve(log.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        System.out.println("BENCH_LOGS: the stores' logs are in " + to);
    }

    private static String storeRun(StoreLoad.Api api) {
        return api == StoreLoad.Api.UNARY ? "persist-store Put (a unary call per write)"
                : "persist-store Updates (a stream per client)";
    }

    private static Run store(List<Path> sockets, int clients, int seconds, StoreLoad.Api api) throws InterruptedException {
        return store(storeRun(api), sockets, clients, seconds, api, 0);
    }

    /**
     * Updates streams at a fixed offered rate (an open loop, as independent SMB clients send):
     * the latency a write sees at that load, timed from when it was due.
     */
    private static Run paced(List<Path> sockets, int lanes, int seconds, double perSecond) throws InterruptedException {
        return store(String.format("persist-store Updates, %.0f/s offered", perSecond), sockets, lanes, seconds,
                StoreLoad.Api.STREAM, perSecond);
    }

    private static Run store(String what, List<Path> sockets, int clients, int seconds, StoreLoad.Api api,
                             double perSecond) throws InterruptedException {
        StoreLoad.Result r = StoreLoad.run(sockets, clients, 40, RAMP_UP, Duration.ofSeconds(seconds), api, perSecond);
        return new Run(what, clients, r.acked(), r.seconds(), r.percentileMillis(50), r.percentileMillis(99),
                r.failed(), r.slowSpreadSince(), null);
    }

    private static Run ctdb(SambaCluster cluster, String mode, int clients, int seconds) throws Exception {
        // One thread per client: every loop must run at once (the common pool has one thread per core).
        try (ExecutorService pool = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().factory())) {
            List<Future<?>> loops = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int client = c;
                loops.add(pool.submit(() -> cluster.exec(client % cluster.size(), "python3 /shared/ctdb_bench.py "
                        + mode + " sidecar_bench.tdb " + client + " " + seconds + " /shared/value.txt /shared/ctdb-" + client
                        + ".out").orThrow()));
            }
            for (Future<?> f : loops) {
                f.get();
            }
        }
        List<Double> lat = new ArrayList<>();
        long errors = 0;
        for (int c = 0; c < clients; c++) {
            for (String line : Files.readAllLines(cluster.sharedDirectory().resolve("ctdb-" + c + ".out"))) {
                if (line.startsWith("errors ")) {
                    errors += Long.parseLong(line.substring(7));
                } else if (!line.isBlank()) {
                    lat.add(Double.parseDouble(line) * 1000);
                }
            }
        }
        double[] sorted = lat.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        String what = mode.equals("pstore") ? "ctdb pstore (1 record per transaction)"
                : "ctdb pfetch (driving overhead: no transaction)";
        return new Run(what, clients, sorted.length, seconds, HostProbe.percentile(sorted, 50),
                HostProbe.percentile(sorted, 99), errors, null, null);
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length == 0 ? Double.NaN : s[s.length / 2];
    }
}
