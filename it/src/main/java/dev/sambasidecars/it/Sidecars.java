package dev.sambasidecars.it;

import dev.sambasidecars.common.config.CommonOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The sidecar daemons a distribution provides (its {@code lib/launchers.properties}), started
 * on the cluster's nodes from {@code /opt/samba-sidecars} with metrics on the node address.
 */
public final class Sidecars {
    private Sidecars() {}

    /** The daemon launchers, one per module (the witness module's launcher is witness-daemon). */
    private static final List<String> LAUNCHERS = CommonOptions.DAEMON_METRICS_PORTS
            .keySet().stream().map(m -> m.equals("witness") ? "witness-daemon" : m).toList();

    /** A daemon started on a node. */
    public record Started(int pnn, String launcher, String metricsUrl) {}

    /** The daemon launchers the distribution at {@code dist} provides, in a stable order. */
    public static List<String> available(Path dist) throws IOException {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(dist.resolve("lib/launchers.properties"))) {
            p.load(in);
        }
        return LAUNCHERS.stream().filter(p::containsKey).sorted().toList();
    }

    /** Starts every available daemon on every node; returns where each serves metrics. */
    public static List<Started> startAll(SambaCluster cluster) throws IOException {
        List<Started> out = new ArrayList<>();
        List<String> launchers = available(cluster.spec().dist());
        if (launchers.contains("persist-store") || launchers.contains("witness-daemon")) {
            installTls(cluster);
        }
        for (String launcher : launchers) {
            for (int pnn = 0; pnn < cluster.size(); pnn++) {
                if (launcher.equals("ctdb-bridge")) {
                    installEventScript(cluster, pnn);
                }
                if (launcher.equals("witness-daemon")) {
                    exportWitnessCredentials(cluster, pnn);
                }
                out.add(start(cluster, pnn, launcher));
            }
        }
        return out;
    }

    /** The option prefix of a launcher's module. */
    static String module(String launcher) {
        return launcher.equals("witness-daemon") ? "witness" : launcher;
    }

    /**
     * Set in the environment of a test or benchmark, JVM options every daemon started on a node
     * gets (its launcher's {@code SIDECARS_JAVA_OPTS}), e.g. {@code -Xlog:gc:file=/shared/gc-%p.log:time}
     * to see a daemon's collector beside a benchmark's slow writes.
     */
    public static final String JAVA_OPTS_ENV = "SIDECARS_IT_JAVA_OPTS";

    /**
     * Starts {@code launcher} on node {@code pnn} in the background, metrics on the node
     * address, log in {@code /var/log/<launcher>.log}, pid in {@code /run/<launcher>.pid}; with
     * {@link #JAVA_OPTS_ENV} set, with those JVM options.
     */
    public static Started start(SambaCluster cluster, int pnn, String launcher, String... sets) {
        return startWithJavaOpts(cluster, pnn, launcher, System.getenv(JAVA_OPTS_ENV), sets);
    }

    /** As {@link #start(SambaCluster, int, String, String...)}, with {@code javaOpts} (unless null or blank) as its JVM options. */
    public static Started startWithJavaOpts(SambaCluster cluster, int pnn, String launcher, String javaOpts,
                                            String... sets) {
        int port = CommonOptions.DAEMON_METRICS_PORTS.get(module(launcher));
        StringBuilder cmd = new StringBuilder();
        if (javaOpts != null && !javaOpts.isBlank()) {
            cmd.append("SIDECARS_JAVA_OPTS='").append(javaOpts.replace("'", "'\\''")).append("' ");
        }
        cmd.append("nohup /opt/samba-sidecars/bin/").append(launcher)
                .append(" --set 'sidecar ").append(module(launcher)).append(":metrics address=0.0.0.0:").append(port)
                .append("'");
        for (String set : sets) {
            cmd.append(" --set '").append(set).append("'");
        }
        cmd.append(" >>/var/log/").append(launcher).append(".log 2>&1 & echo $! >/run/").append(launcher).append(".pid");
        cluster.exec(pnn, cmd.toString()).orThrow();
        return new Started(pnn, launcher, "http://" + cluster.nodeAddress(pnn) + ":" + port + "/metrics");
    }

    /** Stops {@code launcher} on node {@code pnn} with SIGTERM and waits until it is gone. */
    public static void stop(SambaCluster cluster, int pnn, String launcher) {
        cluster.exec(pnn, "p=$(cat /run/" + launcher + ".pid 2>/dev/null) && kill $p 2>/dev/null; "
                + "for i in $(seq 1 100); do kill -0 $p 2>/dev/null || exit 0; sleep 0.1; done; kill -9 $p").orThrow();
    }

    /**
     * Gives witness-daemon on node {@code pnn} the NT hashes of the node's Samba users, in the
     * smbpasswd file its default configuration reads.
     */
    public static void exportWitnessCredentials(SambaCluster cluster, int pnn) {
        cluster.exec(pnn, "mkdir -p /etc/samba/sidecars && pdbedit -L -w > /etc/samba/sidecars/witness.smbpasswd")
                .orThrow();
    }

    /** Enables the sidecars' CTDB event script on node {@code pnn}. */
    public static void installEventScript(SambaCluster cluster, int pnn) {
        cluster.exec(pnn, "ln -sf /opt/samba-sidecars/ctdb/events/legacy/95.samba-sidecars.script "
                + "/etc/ctdb/events/legacy/95.samba-sidecars.script").orThrow();
    }

    /**
     * Starts ctdb-bridge (with the event script) and witness-daemon (with the nodes' NT hashes)
     * on every node, and waits until every witness-daemon says it runs.
     */
    public static void startWitnessStack(SambaCluster cluster, String... witnessSets) throws InterruptedException {
        installTls(cluster);
        for (int i = 0; i < cluster.size(); i++) {
            installEventScript(cluster, i);
            start(cluster, i, "ctdb-bridge");
            exportWitnessCredentials(cluster, i);
            start(cluster, i, "witness-daemon", witnessSets);
        }
        for (int i = 0; i < cluster.size(); i++) {
            int node = i;
            SambaCluster.awaitCondition("witness-daemon on node " + node, java.time.Duration.ofSeconds(60),
                    () -> cluster.exec(node, "/opt/samba-sidecars/bin/sidecarctl status | grep -q '^witness .*running'").ok());
            awaitWitnessInterfaces(cluster, node);
        }
    }

    /**
     * Waits until witness-daemon on node {@code pnn} has every public IP in its interface list
     * (its {@code sidecar_witness_interfaces} gauges): until ctdb-bridge has given it the cluster,
     * it refuses every registration with INVALID_STATE.
     */
    public static void awaitWitnessInterfaces(SambaCluster cluster, int pnn) throws InterruptedException {
        int port = CommonOptions.DAEMON_METRICS_PORTS.get("witness");
        int want = cluster.publicIps().size();
        SambaCluster.awaitCondition("witness-daemon on node " + pnn + " lists the " + want + " public IPs",
                java.time.Duration.ofSeconds(60), () -> {
                    ExecResult r = cluster.exec(pnn, "curl -sf http://127.0.0.1:" + port + "/metrics");
                    try {
                        return r.exitCode() == 0 && PrometheusText.parse("node " + pnn + " witness metrics", r.stdout())
                                .get("sidecar_witness_interfaces") >= want;
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
    }

    /**
     * Starts ctdb-bridge and persist-store on every node (certificates first) and waits until
     * every node sees a leader for every shard.
     */
    public static void startStoreStack(SambaCluster cluster, String... storeSets) throws InterruptedException {
        startStoreStackWithJavaOpts(cluster, System.getenv(JAVA_OPTS_ENV), storeSets);
    }

    /**
     * As {@link #startStoreStack(SambaCluster, String...)}, every daemon with {@code javaOpts}
     * (unless null or blank) as its JVM options; returns the persist-stores, in pnn order.
     */
    public static List<Started> startStoreStackWithJavaOpts(SambaCluster cluster, String javaOpts, String... storeSets)
            throws InterruptedException {
        installTls(cluster);
        for (int i = 0; i < cluster.size(); i++) {
            installEventScript(cluster, i);
            startWithJavaOpts(cluster, i, "ctdb-bridge", javaOpts);
        }
        List<Started> stores = new ArrayList<>();
        for (int i = 0; i < cluster.size(); i++) {
            stores.add(startWithJavaOpts(cluster, i, "persist-store", javaOpts, storeSets));
        }
        awaitStoreLeaders(cluster);
        return stores;
    }

    /**
     * Waits until every node's persist-store knows the leader of every shard it holds a replica
     * of, and every shard has a replica somewhere.
     */
    public static void awaitStoreLeaders(SambaCluster cluster) throws InterruptedException {
        for (int i = 0; i < cluster.size(); i++) {
            int node = i;
            SambaCluster.awaitCondition("every shard held on node " + node + " has a leader", java.time.Duration.ofSeconds(120),
                    () -> {
                        dev.sambasidecars.store.v1.StatReply s = storeStat(cluster, node);
                        return s != null && s.getShardsCount() > 0 && s.getShardsList().stream()
                                .allMatch(sh -> sh.getRole().equals("NONE") || !sh.getLeader().isEmpty());
                    });
        }
        SambaCluster.awaitCondition("every shard held somewhere", java.time.Duration.ofSeconds(60), () -> {
            java.util.Set<Integer> held = new java.util.HashSet<>();
            int shards = 0;
            for (int i = 0; i < cluster.size(); i++) {
                dev.sambasidecars.store.v1.StatReply s = storeStat(cluster, i);
                if (s != null) {
                    shards = s.getShardsCount();
                    s.getShardsList().stream().filter(sh -> !sh.getRole().equals("NONE")).forEach(sh -> held.add(sh.getShard()));
                }
            }
            return shards > 0 && held.size() == shards;
        });
    }

    /** persist-store's local API socket on node {@code pnn}, as this host sees it. */
    public static java.nio.file.Path storeSocket(SambaCluster cluster, int pnn) {
        return cluster.socketDirectory(pnn).resolve("persist-store.sock");
    }

    /** persist-store's local API socket on every node, in pnn order. */
    public static List<java.nio.file.Path> storeSockets(SambaCluster cluster) {
        return java.util.stream.IntStream.range(0, cluster.size()).mapToObj(i -> storeSocket(cluster, i)).toList();
    }

    /** {@code sidecarctl store stat --json} on node {@code pnn}, or null when it does not answer. */
    public static dev.sambasidecars.store.v1.StatReply storeStat(SambaCluster cluster, int pnn) {
        ExecResult r = cluster.exec(pnn, "/opt/samba-sidecars/bin/sidecarctl store stat --json");
        if (!r.ok()) {
            return null;
        }
        try {
            dev.sambasidecars.store.v1.StatReply.Builder b = dev.sambasidecars.store.v1.StatReply.newBuilder();
            com.google.protobuf.util.JsonFormat.parser().merge(r.stdout(), b);
            return b.build();
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            return null;
        }
    }

    /**
     * Makes the cluster's TLS certificates with {@code sidecarctl tls init} on node 0 (from CTDB's
     * nodes file, into the shared directory) and puts each node's files where its daemons look.
     */
    public static void installTls(SambaCluster cluster) {
        cluster.exec(0, "/opt/samba-sidecars/bin/sidecarctl tls init --force --out /shared/pki "
                + "--nodes-file /etc/ctdb/nodes >/var/log/tls-init.log 2>&1").orThrow();
        for (int i = 0; i < cluster.size(); i++) {
            cluster.exec(i, "mkdir -p -m 700 /etc/samba/sidecars/tls && cp /shared/pki/" + cluster.nodeAddress(i)
                    + "/ca.pem /shared/pki/" + cluster.nodeAddress(i) + "/node.pem /shared/pki/" + cluster.nodeAddress(i)
                    + "/node.key /etc/samba/sidecars/tls/ && chmod 600 /etc/samba/sidecars/tls/node.key").orThrow();
        }
    }

    /** Started daemons grouped by node, for printing. */
    public static Map<Integer, List<Started>> byNode(List<Started> started) {
        Map<Integer, List<Started>> m = new LinkedHashMap<>();
        started.forEach(s -> m.computeIfAbsent(s.pnn(), k -> new ArrayList<>()).add(s));
        return m;
    }
}
