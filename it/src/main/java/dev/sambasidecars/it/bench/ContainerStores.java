package dev.sambasidecars.it.bench;

import dev.sambasidecars.it.ClusterSpec;
import dev.sambasidecars.it.SambaCluster;
import dev.sambasidecars.it.Sidecars;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Three persist-store daemons from one distribution on a local cluster in containers, as the
 * demo and {@link StoreVsCtdbBenchmark} run them: three Samba/CTDB nodes, each with smbd, ctdbd
 * and ctdb-bridge beside its store (one shard of three replicas, fsync, mutual TLS), driven
 * through each node's local socket from this host.
 */
final class ContainerStores extends StoreDaemons {

    private static final String STORE_MAIN = "dev.sambasidecars.store.daemon.PersistStoreMain";

    private final SambaCluster cluster;
    /** Each node's first process as this host sees it (asked of Docker once). */
    private final List<Long> hostPids = new ArrayList<>();
    /** Each node's control group's CPU usage file, found once. */
    private final List<Path> cgroupCpu = new ArrayList<>();
    private List<ProcessHandle> stores;

    private ContainerStores(String name, SambaCluster cluster) {
        super(name);
        this.cluster = cluster;
    }

    /**
     * Starts a cluster of {@code dist}, its daemons with each {@code options} line ("name =
     * value") added to persist-store's options and {@code javaOpts} (unless empty) as their JVM
     * options, and waits until its stores see their shard's leader; then sets each of {@code
     * ctdbVars} ("NAME VALUE") on every node with {@code ctdb setvar}; {@code shared} (unless
     * null) then takes in the nodes' processes.
     */
    static ContainerStores start(String name, Path dist, List<String> options, String javaOpts, List<String> ctdbVars,
                                 SharedCpuGroup shared) throws Exception {
        ClusterSpec d = ClusterSpec.defaults(3);
        SambaCluster cluster = SambaCluster.start(new ClusterSpec(d.nodes(), dist, d.jdk(), d.netbiosName(), d.user(),
                d.password()));
        try {
            String[] sets = options.stream().map(o -> "sidecar persist-store:" + o).toArray(String[]::new);
            ContainerStores c = new ContainerStores(name, cluster);
            for (Sidecars.Started s : Sidecars.startStoreStackWithJavaOpts(cluster, javaOpts, sets)) {
                c.metrics.add(s.metricsUrl());
            }
            c.sockets.addAll(Sidecars.storeSockets(cluster));
            c.hostPids.addAll(cluster.hostPids());
            for (long pid : c.hostPids) {
                c.cgroupCpu.add(cgroupCpuFile(pid));
            }
            for (String v : ctdbVars) {
                for (int pnn = 0; pnn < cluster.size(); pnn++) {
                    cluster.ctdb(pnn, "setvar " + v).orThrow();
                }
            }
            if (shared != null) {
                shared.addNodes(c.hostPids);
            }
            return c;
        } catch (Exception | Error e) {
            cluster.close();
            throw e;
        }
    }

    /** The store JVMs among each node's processes, found once (a benchmark does not restart them). */
    @Override
    protected synchronized List<ProcessHandle> processes() {
        if (stores == null) {
            List<ProcessHandle> found = new ArrayList<>();
            for (long pid : hostPids) {
                ProcessHandle.of(pid).ifPresent(node -> node.descendants()
                        .filter(h -> h.info().commandLine().orElse("").contains(STORE_MAIN)).forEach(found::add));
            }
            if (found.size() != cluster.size()) {
                throw new IllegalStateException(name() + ": found " + found.size() + " persist-store JVMs on "
                        + cluster.size() + " nodes");
            }
            stores = List.copyOf(found);
        }
        return stores;
    }

    /** The CPU time of each node's control group (cgroup v1's cpuacct, or v2's cpu.stat), summed. */
    @Override
    protected Duration nodesCpu() throws IOException {
        Duration sum = Duration.ZERO;
        for (Path file : cgroupCpu) {
            if (file.endsWith("cpuacct.usage")) {
                sum = sum.plusNanos(Long.parseLong(Files.readString(file).trim()));
                continue;
            }
            for (String line : Files.readAllLines(file)) {
                if (line.startsWith("usage_usec ")) {
                    sum = sum.plusNanos(1000 * Long.parseLong(line.substring("usage_usec ".length()).trim()));
                }
            }
        }
        return sum;
    }

    /** Where process {@code pid}'s control group counts its CPU time: v1's cpuacct.usage (ns), else v2's cpu.stat. */
    private static Path cgroupCpuFile(long pid) throws IOException {
        Optional<String> v1 = Cgroups.v1Path(pid, "cpuacct");
        if (v1.isPresent()) {
            return Path.of("/sys/fs/cgroup/cpuacct" + v1.get(), "cpuacct.usage");
        }
        Optional<String> v2 = Cgroups.v2Path(pid);
        if (v2.isPresent() && Files.isReadable(Path.of("/sys/fs/cgroup" + v2.get(), "cpu.stat"))) {
            return Path.of("/sys/fs/cgroup" + v2.get(), "cpu.stat");
        }
        throw new IOException("no CPU accounting found for process " + pid + "'s control group");
    }

    @Override
    public void close() {
        cluster.close();
    }
}
