package dev.sambasidecars.it.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One CPU scheduling group for the container nodes' processes and this JVM (the load driver), as
 * on the loopback cluster, where every thread competes with every other on its own.
 *
 * <p>Why: Docker gives each container its own CPU control group. On one host, the scheduler then
 * lets a node's group run out its time slice while another node's woken thread waits, at every
 * hand-off between nodes (a forward, an append, a reply). Nodes on their own machines never wait
 * for each other that way. On this project's 2-core host that doubled the stores' p99 (2026-11-24:
 * 16.7-18.2 ms against 8.1-12.1 ms with the nodes in one group, alternating runs of one cluster).
 *
 * <p>How: cgroup v1 only, where the {@code cpu} controller is a hierarchy of its own, so moving a
 * process there leaves Docker's memory, pids and freezer groups as they are. A thread moves every
 * process found in the nodes' CPU groups into this one every 100 ms (a {@code docker exec} starts
 * in its container's group). Under cgroup v2, or without the rights, nothing moves and {@link
 * #describe()} says so.
 */
final class SharedCpuGroup implements AutoCloseable {

    private static final Path CPU = Path.of("/sys/fs/cgroup/cpu");

    private final Path group;
    private final String unavailable;
    private final Set<Path> sources = ConcurrentHashMap.newKeySet();
    private final Path driverWas;
    private final Thread mover;
    private boolean closed;

    private SharedCpuGroup(Path group, String unavailable, Path driverWas) {
        this.group = group;
        this.unavailable = unavailable;
        this.driverWas = driverWas;
        this.mover = group == null ? null : Thread.ofPlatform().daemon().name("shared-cpu-group").unstarted(this::moveLoop);
    }

    /** Creates the group and moves this JVM into it; where that cannot be done, one that moves nothing. */
    static SharedCpuGroup create() {
        if (!Files.isRegularFile(CPU.resolve("cgroup.procs"))) {
            return new SharedCpuGroup(null, "no cgroup v1 cpu hierarchy (cgroup v2?)", null);
        }
        long self = ProcessHandle.current().pid();
        Path group = CPU.resolve("sidecars-bench-" + self);
        try {
            Path was = cpuGroupOf(self, "cpu");
            Files.createDirectories(group);
            Files.writeString(group.resolve("cgroup.procs"), Long.toString(self));
            SharedCpuGroup g = new SharedCpuGroup(group, null, was);
            g.mover.start();
            return g;
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(group);
            } catch (IOException ignored) {
                // left empty; harmless
            }
            return new SharedCpuGroup(null, "cannot use the cpu hierarchy: " + e, null);
        }
    }

    /** Takes in, from now on, every process in the CPU groups of these processes (each a node's first). */
    void addNodes(List<Long> nodePids) throws IOException {
        if (group == null) {
            return;
        }
        for (long pid : nodePids) {
            Path source = cpuGroupOf(pid, "cpu");
            if (!source.equals(group)) {
                sources.add(source);
            }
        }
        moveAll();
    }

    /** For a benchmark's legend: where {@code g}'s nodes run (null: none was asked for). */
    static String describe(SharedCpuGroup g) {
        if (g == null) {
            return "each node in its own CPU control group, as Docker places them";
        }
        return g.group == null ? "the nodes keep Docker's CPU control group each (" + g.unavailable + ")"
                : "the nodes' processes and the load driver share one CPU control group, as on loopback";
    }

    private void moveLoop() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(100);
                moveAll();
            } catch (InterruptedException e) {
                return;
            } catch (IOException | RuntimeException e) {
                System.err.println("shared-cpu-group: " + e); // a container removed meanwhile, most likely
            }
        }
    }

    private synchronized void moveAll() throws IOException {
        for (Path source : sources) {
            Path procs = source.resolve("cgroup.procs");
            if (!Files.isRegularFile(procs)) {
                sources.remove(source); // the container is gone
                continue;
            }
            for (String pid : Files.readAllLines(procs)) {
                move(pid.trim(), group);
            }
        }
    }

    /** Moves one process, unless it has exited meanwhile. */
    private static void move(String pid, Path to) {
        if (pid.isEmpty()) {
            return;
        }
        try {
            Files.writeString(to.resolve("cgroup.procs"), pid);
        } catch (IOException e) {
            // gone already
        }
    }

    /**
     * The CPU group a process is in under {@code hierarchy} (v1: "cpu", or "cpuacct", which Docker
     * places at the same path), as a directory of the cpu hierarchy.
     */
    private static Path cpuGroupOf(long pid, String hierarchy) throws IOException {
        String path = Cgroups.v1Path(pid, hierarchy)
                .orElseThrow(() -> new IOException("process " + pid + " is in no " + hierarchy + " group"));
        return CPU.resolve(path.substring(1));
    }

    /**
     * Stops moving, sends every process still here back to its container's group (found from its
     * cpuacct group, which stays where Docker put it), this JVM to where it was, and removes the
     * group.
     */
    @Override
    public void close() throws IOException, InterruptedException {
        if (group == null || closed) {
            return;
        }
        closed = true;
        mover.interrupt();
        mover.join();
        move(Long.toString(ProcessHandle.current().pid()), driverWas);
        List<String> left = new ArrayList<>(Files.readAllLines(group.resolve("cgroup.procs")));
        for (String pid : left) {
            try {
                Path home = cpuGroupOf(Long.parseLong(pid.trim()), "cpuacct");
                move(pid.trim(), Files.isDirectory(home) ? home : CPU);
            } catch (IOException | NumberFormatException e) {
                move(pid.trim(), CPU);
            }
        }
        Files.deleteIfExists(group);
    }
}
