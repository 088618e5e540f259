package dev.sambasidecars.it;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Network.Ipam;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.utility.DockerImageName;

/**
 * A real Samba + CTDB cluster in containers on one bridge network: N nodes each running ctdbd
 * (real public-IP takeover on eth0 via CTDB's {@code 10.interface} script) and clustered smbd
 * sharing {@code /shared/data}, plus a client container with Samba's client and test tools.
 * Node {@code i} has address {@code <net>.1i}; public IPs are {@code <net>.10i}; the client is
 * {@code <net>.50}. The sidecars' distribution is at {@code /opt/samba-sidecars} and a Java 25
 * runtime at {@code /opt/jdk} in every container.
 */
public final class SambaCluster implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SambaCluster.class);
    private static final String NODE_SCRIPT = "/usr/local/sbin/node-start.sh";

    private final ClusterSpec spec;
    private final String subnetPrefix;
    private final Network network;
    private final Path clusterDir;
    private final List<GenericContainer<?>> nodes = new ArrayList<>();
    private GenericContainer<?> client;
    private final DockerClient docker = DockerClientFactory.lazyClient();

    private SambaCluster(ClusterSpec spec, String subnetPrefix, Network network, Path clusterDir) {
        this.spec = spec;
        this.subnetPrefix = subnetPrefix;
        this.network = network;
        this.clusterDir = clusterDir;
    }

    /** Builds the image if needed, starts every container and waits until CTDB is healthy. */
    public static SambaCluster start(ClusterSpec spec) throws IOException, InterruptedException {
        if (!Files.isDirectory(spec.dist().resolve("bin"))) {
            throw new IOException("no distribution at " + spec.dist() + ": run ./mvnw package first");
        }
        String image = NodeImage.ensure();
        long t0 = System.nanoTime();
        Path dir = Files.createTempDirectory("samba-sidecars-cluster");
        SambaCluster c = null;
        for (int attempt = 0; c == null; attempt++) {
            String prefix = "172.30." + ThreadLocalRandom.current().nextInt(16, 250);
            Network net = Network.builder()
                    .createNetworkCmdModifier(cmd -> cmd.withIpam(new Ipam().withConfig(
                            new Ipam.Config().withSubnet(prefix + ".0/24"))))
                    .build();
            try {
                net.getId();
                c = new SambaCluster(spec, prefix, net, dir);
            } catch (RuntimeException overlap) {
                net.close();
                if (attempt >= 5) {
                    throw overlap;
                }
            }
        }
        try {
            c.startContainers(image);
            c.awaitHealthy(Duration.ofSeconds(120));
        } catch (InterruptedException | RuntimeException | AssertionError e) {
            c.close();
            throw e;
        }
        LOG.info("cluster of {} nodes healthy after {} ms", spec.nodes(), (System.nanoTime() - t0) / 1_000_000);
        return c;
    }

    private void startContainers(String image) throws InterruptedException {
        byte[] nodeScript = resource("node/node-start.sh");
        for (int i = 0; i < spec.nodes(); i++) {
            nodes.add(container(image, "node" + i, nodeAddress(i))
                    .withFileSystemBind(dir(sharedDirectory()), "/shared", BindMode.READ_WRITE)
                    .withFileSystemBind(dir(socketDirectory(i)), "/run/samba-sidecars", BindMode.READ_WRITE)
                    .withCopyToContainer(Transferable.of(nodeScript, 0755), NODE_SCRIPT)
                    .withEnv("NODE_PNN", Integer.toString(i))
                    .withEnv("CLUSTER_NODES", String.join(",", nodeAddresses()))
                    .withEnv("CLUSTER_PUBLIC_IPS", String.join(",", publicIps()))
                    .withEnv("CLUSTER_PREFIX", "24")
                    .withEnv("CLUSTER_NETBIOS", spec.netbiosName())
                    .withEnv("TEST_USER", spec.user())
                    .withEnv("TEST_PASSWORD", spec.password()));
        }
        client = container(image, "client", subnetPrefix + ".50")
                .withCopyToContainer(Transferable.of("[global]\n\tclient min protocol = SMB2_10\n"), "/etc/samba/smb.conf");
        List<GenericContainer<?>> all = new ArrayList<>(nodes);
        all.add(client);
        all.parallelStream().forEach(GenericContainer::start);
        runNodeScripts(IntStream.range(0, spec.nodes()).boxed().toList());
    }

    private GenericContainer<?> container(String image, String host, String address) {
        @SuppressWarnings("resource")
        GenericContainer<?> g = new GenericContainer<>(DockerImageName.parse(image))
                .withNetwork(network)
                .withFileSystemBind(spec.dist().toString(), "/opt/samba-sidecars", BindMode.READ_ONLY)
                .withFileSystemBind(spec.jdk().toString(), "/opt/jdk", BindMode.READ_ONLY)
                .withEnv("JAVA_HOME", "/opt/jdk")
                .withCreateContainerCmdModifier(cmd -> {
                    cmd.withHostName(host).withIpv4Address(address)
                            .withName("sidecars-" + subnetPrefix.substring(subnetPrefix.lastIndexOf('.') + 1) + "-" + host);
                    cmd.getHostConfig().withCapAdd(Capability.NET_ADMIN, Capability.NET_RAW);
                })
                .waitingFor(Wait.forSuccessfulCommand("true"))
                .withStartupTimeout(Duration.ofSeconds(60));
        return g;
    }

    private void runNodeScripts(List<Integer> which) throws InterruptedException {
        List<Thread> threads = new ArrayList<>();
        List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int i : which) {
            threads.add(Thread.ofVirtual().start(() -> {
                ExecResult r = exec(i, NODE_SCRIPT);
                if (!r.ok()) {
                    failures.add("node " + i + ": " + r.stdout() + r.stderr());
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        if (!failures.isEmpty()) {
            throw new AssertionError("node start failed:\n" + String.join("\n", failures));
        }
    }

    private static byte[] resource(String name) {
        try (InputStream in = SambaCluster.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- addresses ----

    public int size() {
        return spec.nodes();
    }

    public ClusterSpec spec() {
        return spec;
    }

    /** The private (node) address of node {@code pnn}. */
    public String nodeAddress(int pnn) {
        return subnetPrefix + "." + (10 + pnn);
    }

    public List<String> nodeAddresses() {
        return IntStream.range(0, spec.nodes()).mapToObj(this::nodeAddress).toList();
    }

    /** The public addresses CTDB moves between nodes, in configuration order. */
    public List<String> publicIps() {
        return IntStream.range(0, spec.nodes()).mapToObj(i -> subnetPrefix + "." + (100 + i)).toList();
    }

    public String clientAddress() {
        return subnetPrefix + ".50";
    }

    /** The Docker name of node {@code pnn}'s container, for {@code docker exec}. */
    public String containerName(int pnn) {
        return nodes.get(pnn).getContainerName().replaceFirst("^/", "");
    }

    /**
     * The host's process id of node {@code pnn}'s first process (what its container runs): its
     * daemons are that process's descendants as this host sees them.
     */
    public long hostPid(int pnn) {
        return nodes.get(pnn).getCurrentContainerInfo().getState().getPidLong();
    }

    /** {@link #hostPid} of every node, in pnn order. */
    public List<Long> hostPids() {
        List<Long> pids = new ArrayList<>();
        for (int pnn = 0; pnn < size(); pnn++) {
            pids.add(hostPid(pnn));
        }
        return pids;
    }

    public String clientContainerName() {
        return client.getContainerName().replaceFirst("^/", "");
    }

    /** The host directory every node mounts at {@code /shared}. */
    public Path sharedDirectory() {
        return clusterDir.resolve("shared");
    }

    /**
     * The host directory node {@code pnn} mounts at {@code /run/samba-sidecars}: the sidecars'
     * unix sockets there are reachable from the test JVM (same kernel, root on both sides).
     */
    public Path socketDirectory(int pnn) {
        return clusterDir.resolve("node" + pnn).resolve("run");
    }

    private static String dir(Path p) {
        try {
            return Files.createDirectories(p).toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- commands ----

    /** Runs {@code command} (through {@code sh -c}) on node {@code pnn}. */
    public ExecResult exec(int pnn, String command) {
        return exec(nodes.get(pnn), command);
    }

    /** Runs {@code command} (through {@code sh -c}) in the client container. */
    public ExecResult onClient(String command) {
        return exec(client, command);
    }

    private static ExecResult exec(GenericContainer<?> c, String command) {
        try {
            var r = c.execInContainer("sh", "-c", command);
            return new ExecResult(command, r.getExitCode(), r.getStdout(), r.getStderr());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + command, e);
        }
    }

    /** {@code ctdb ARGS} on node {@code pnn}. */
    public ExecResult ctdb(int pnn, String args) {
        return exec(pnn, "ctdb " + args);
    }

    // ---- cluster state ----

    /** {@code ctdb -X status} as seen by node {@code pnn}. */
    public List<CtdbStatus.NodeState> status(int pnn) {
        return CtdbStatus.parseStatus(ctdb(pnn, "-X status").orThrow().stdout());
    }

    /** Public IP to owning pnn (-1 unassigned), as {@code ctdb -X ip all} on node {@code pnn} says. */
    public Map<String, Integer> publicIpOwners(int pnn) {
        return CtdbStatus.parseIps(ctdb(pnn, "-X ip all").orThrow().stdout());
    }

    /** {@link #publicIpOwners(int)} from the first node that answers. */
    public Map<String, Integer> publicIpOwners() {
        for (int i = 0; i < spec.nodes(); i++) {
            ExecResult r = ctdb(i, "-X ip all");
            if (r.ok()) {
                return CtdbStatus.parseIps(r.stdout());
            }
        }
        throw new AssertionError("no node answers 'ctdb ip all'");
    }

    /** The pnn of the cluster leader (CTDB's recovery master) as node {@code pnn} sees it. */
    public int leader(int pnn) {
        String out = ctdb(pnn, "status").orThrow().stdout();
        for (String line : out.split("\n")) {
            if (line.startsWith("Leader:") || line.startsWith("Recovery master:")) {
                return Integer.parseInt(line.substring(line.indexOf(':') + 1).trim());
            }
        }
        throw new AssertionError("no leader in 'ctdb status':\n" + out);
    }

    /** Waits until every node is OK and every public IP has an owner. */
    public void awaitHealthy(Duration timeout) throws InterruptedException {
        awaitCondition("cluster healthy", timeout, this::healthy);
    }

    private boolean healthy() {
        for (int i = 0; i < spec.nodes(); i++) {
            ExecResult st = ctdb(i, "-X status");
            ExecResult ips = ctdb(i, "-X ip all");
            if (!st.ok() || !ips.ok()) {
                return false;
            }
            List<CtdbStatus.NodeState> nodesSeen = CtdbStatus.parseStatus(st.stdout());
            Map<String, Integer> owners = CtdbStatus.parseIps(ips.stdout());
            if (nodesSeen.size() != spec.nodes() || !nodesSeen.stream().allMatch(CtdbStatus.NodeState::ok)
                    || owners.size() != spec.nodes() || owners.containsValue(-1)) {
                return false;
            }
        }
        return true;
    }

    /** Polls {@code condition} every 250 ms until true; fails with {@code what} after {@code timeout}. */
    public static void awaitCondition(String what, Duration timeout, BooleanSupplier condition)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what);
            }
            Thread.sleep(250);
        }
    }

    // ---- faults and administration ----

    /** {@code ctdb disable} on node {@code pnn}: it keeps running but gives up its public IPs. */
    public void disable(int pnn) {
        ctdb(pnn, "disable").orThrow();
    }

    public void enable(int pnn) {
        ctdb(pnn, "enable").orThrow();
    }

    /** {@code ctdb stop} on node {@code pnn}: STOPPED, out of the cluster until continued. */
    public void stopNode(int pnn) {
        ctdb(pnn, "stop").orThrow();
    }

    public void continueNode(int pnn) {
        ctdb(pnn, "continue").orThrow();
    }

    /** Restarts ctdbd and smbd on node {@code pnn} (the container and the sidecars stay). */
    public void restartCtdb(int pnn) throws InterruptedException {
        runNodeScripts(List.of(pnn));
    }

    /** SIGKILL to the node's container: ctdbd and smbd die with it. */
    public void killNode(int pnn) {
        docker.killContainerCmd(nodes.get(pnn).getContainerId()).exec();
    }

    /** Starts a killed node's container again and brings ctdbd and smbd back up. */
    public void restartNode(int pnn) throws InterruptedException {
        String id = nodes.get(pnn).getContainerId();
        Boolean running = docker.inspectContainerCmd(id).exec().getState().getRunning();
        if (Boolean.TRUE.equals(running)) {
            docker.killContainerCmd(id).exec();
        }
        docker.startContainerCmd(id).exec();
        runNodeScripts(List.of(pnn));
    }

    /**
     * Cuts node {@code pnn} off the cluster network as a failed switch port would: every packet
     * in or out of its {@code eth0} is dropped, while the link, its addresses and the shared
     * storage stay, so CTDB on both sides sees a real partition.
     */
    public void isolate(int pnn) {
        exec(pnn, "iptables -I INPUT 1 -i eth0 -j DROP && iptables -I OUTPUT 1 -o eth0 -j DROP").orThrow();
    }

    /** Ends {@link #isolate}. */
    public void heal(int pnn) {
        exec(pnn, "iptables -D INPUT -i eth0 -j DROP && iptables -D OUTPUT -o eth0 -j DROP").orThrow();
    }

    // ---- logs ----

    /** Copies every node's CTDB and smbd logs into {@code dir}; returns the files written. */
    public List<Path> collectLogs(Path dir) throws IOException {
        Files.createDirectories(dir);
        List<Path> written = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            if (!Boolean.TRUE.equals(docker.inspectContainerCmd(nodes.get(i).getContainerId()).exec().getState()
                    .getRunning())) {
                continue;
            }
            for (String log : List.of("/var/log/ctdb/log.ctdb", "/var/log/samba/log.smbd", "/var/log/ctdb-bridge.log",
                    "/var/log/witness-daemon.log", "/var/log/persist-store.log")) {
                ExecResult r = exec(i, "cat " + log + " 2>/dev/null");
                if (!r.ok()) {
                    continue;
                }
                Path out = dir.resolve("node" + i + "-" + Path.of(log).getFileName());
                Files.writeString(out, r.stdout());
                written.add(out);
            }
        }
        return written;
    }

    /** One line per node: pnn, address, flags; then the IP owners. For humans. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        ExecResult st = ctdb(0, "status");
        sb.append(st.ok() ? st.stdout() : "node 0: ctdb status failed: " + st.stderr()).append('\n');
        sb.append("public IPs: ").append(publicIpOwners().entrySet().stream()
                .map(e -> e.getKey() + " -> " + (e.getValue() < 0 ? "none" : "node " + e.getValue()))
                .collect(Collectors.joining(", "))).append('\n');
        return sb.toString();
    }

    @Override
    public void close() {
        List<GenericContainer<?>> all = new ArrayList<>(nodes);
        if (client != null) {
            all.add(client);
        }
        all.parallelStream().forEach(c -> {
            try {
                c.stop();
            } catch (RuntimeException e) {
                LOG.debug("stopping {} failed: {}", c.getContainerName(), e.getMessage());
            }
        });
        try {
            network.close();
        } catch (RuntimeException e) {
            LOG.warn("removing network failed: {}", e.getMessage());
        }
        deleteTree(clusterDir);
    }

    private static void deleteTree(Path dir) {
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.warn("cannot remove {}: {}", dir, e.getMessage());
        }
    }
}
