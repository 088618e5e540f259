package dev.sambasidecars.it.bench;

import dev.sambasidecars.common.tls.NodeSpec;
import dev.sambasidecars.common.tls.TlsInit;
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
 * smb.conf, data, socket directory, metrics port and ports of its own.
 */
final class LoopbackCluster extends StoreDaemons {

    private final List<Process> stores = new ArrayList<>();

    private LoopbackCluster(String name) {
        super(name);
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

    @Override
    protected List<ProcessHandle> processes() {
        List<ProcessHandle> all = new ArrayList<>();
        for (Process p : stores) {
            all.add(p.toHandle());
            all.addAll(p.toHandle().descendants().toList());
        }
        return all;
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
