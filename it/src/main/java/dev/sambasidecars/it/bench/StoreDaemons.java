package dev.sambasidecars.it.bench;

import dev.sambasidecars.common.ipc.GrpcUnix;
import dev.sambasidecars.it.PrometheusText;
import dev.sambasidecars.it.StoreReplicas;
import dev.sambasidecars.store.v1.StatReply;
import dev.sambasidecars.store.v1.StatRequest;
import dev.sambasidecars.store.v1.StoreGrpc;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Three persist-store daemons a benchmark drives (one shard of three replicas), wherever they
 * run: their local API sockets as this host sees them, and what is read of them per run (their
 * group-commit meters, CPU, their collectors' CPU and their threads' context switches).
 */
abstract class StoreDaemons implements AutoCloseable {

    static final String GROUP_COMMIT_HEADER = String.format("%9s %7s %7s %8s", "entries/s", "upd/ent", "wait ms",
            "round ms");

    /** /proc's unit of a thread's CPU time (USER_HZ: 100 on Linux wherever it runs). */
    private static final long CLOCK_TICKS = 100;

    /**
     * The HotSpot collectors' own threads, by the names the kernel holds (15 characters at most):
     * ZGC's ({@code ZWorkerYoung#0}, {@code ZDirector}, ...), G1's and Parallel's.
     */
    private static final Pattern GC_THREAD = Pattern.compile("Z[A-Z][A-Za-z]*(#\\d+)?|GC Thread#\\d+|G1 .*");

    private final String name;
    protected final List<Path> sockets = new ArrayList<>();
    protected final List<String> metrics = new ArrayList<>();
    private int leader = -1;

    protected StoreDaemons(String name) {
        this.name = name;
    }

    /** The daemons' processes and their children, as this host sees them. */
    protected abstract List<ProcessHandle> processes();

    /** Stops the daemons. */
    @Override
    public abstract void close() throws InterruptedException;

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
        throw new IllegalStateException("the stores of " + name + " did not agree on a leader within " + within
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

    /**
     * What is read of the daemons before and after a run: their meters, CPU time, their threads'
     * context switches, the CPU time of their collectors' threads, and that of everything else on
     * their nodes (where the nodes are containers; zero elsewhere).
     */
    record Reading(List<PrometheusText> meters, Duration cpu, long switches, Duration gcCpu, Duration othersCpu) { }

    Reading read() throws IOException, InterruptedException {
        List<PrometheusText> meters = new ArrayList<>();
        for (String url : metrics) {
            meters.add(PrometheusText.scrape(url));
        }
        List<ProcessHandle> daemons = processes();
        long[] threads = threads(daemons);
        Duration cpu = cpu(daemons);
        Duration nodes = nodesCpu();
        return new Reading(meters, cpu, threads[0], Duration.ofMillis(threads[1] * 1000 / CLOCK_TICKS),
                nodes.isZero() ? Duration.ZERO : nodes.minus(cpu));
    }

    /**
     * The CPU time of every process on the daemons' nodes so far, the daemons' own included, where
     * the nodes are containers (their control groups count processes that have since ended, such
     * as CTDB's event scripts); zero where they are not.
     */
    protected Duration nodesCpu() throws IOException {
        return Duration.ZERO;
    }

    /** CPU time the daemons (and their launchers' children) have used so far. */
    private static Duration cpu(List<ProcessHandle> daemons) {
        Duration sum = Duration.ZERO;
        for (ProcessHandle h : daemons) {
            sum = sum.plus(h.info().totalCpuDuration().orElse(Duration.ZERO));
        }
        return sum;
    }

    /**
     * Context switches (voluntary and not) of all the daemons' threads so far, and the CPU time of
     * their collectors' threads in clock ticks (/proc; zeros where there is none).
     */
    private static long[] threads(List<ProcessHandle> daemons) throws IOException {
        long[] sum = new long[2];
        for (ProcessHandle h : daemons) {
            Path tasks = Path.of("/proc", Long.toString(h.pid()), "task");
            if (!Files.isDirectory(tasks)) {
                continue;
            }
            try (var threads = Files.list(tasks)) {
                for (Path t : threads.toList()) {
                    sum[0] += switches(t.resolve("status"));
                    sum[1] += gcTicks(t.resolve("stat"));
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

    /** A collector thread's user and system time in ticks, from its {@code stat} (0 for any other thread). */
    private static long gcTicks(Path stat) {
        try {
            String line = Files.readString(stat);
            // pid (comm) state ...: the name may hold spaces and parentheses, so it ends at the last ')'.
            int open = line.indexOf('(');
            int close = line.lastIndexOf(')');
            if (open < 0 || close < open || !GC_THREAD.matcher(line.substring(open + 1, close)).matches()) {
                return 0;
            }
            String[] f = line.substring(close + 2).split(" ");
            // After the name: state(0) ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime(11) stime(12)
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException | RuntimeException e) {
            return 0; // the thread ended meanwhile
        }
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
}
