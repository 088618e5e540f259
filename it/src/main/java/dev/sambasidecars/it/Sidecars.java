package dev.sambasidecars.it;

import java.io.IOException;
import java.io.InputStream;
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

    /** Default metrics ports by daemon launcher (DESIGN.md). */
    private static final Map<String, Integer> PORTS = Map.of(
            "witness-daemon", 9701, "ctdb-bridge", 9702, "persist-store", 9703,
            "fdpass-broker", 9704, "smbd-direct-proxy", 9705);

    /** A daemon started on a node. */
    public record Started(int pnn, String launcher, String metricsUrl) {}

    /** The daemon launchers the distribution at {@code dist} provides, in a stable order. */
    public static List<String> available(Path dist) throws IOException {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(dist.resolve("lib/launchers.properties"))) {
            p.load(in);
        }
        return PORTS.keySet().stream().filter(p::containsKey).sorted().toList();
    }

    /** Starts every available daemon on every node; returns where each serves metrics. */
    public static List<Started> startAll(SambaCluster cluster) throws IOException {
        List<Started> out = new ArrayList<>();
        for (String launcher : available(cluster.spec().dist())) {
            String module = launcher.equals("witness-daemon") ? "witness" : launcher;
            int port = PORTS.get(launcher);
            for (int pnn = 0; pnn < cluster.size(); pnn++) {
                cluster.exec(pnn, "nohup /opt/samba-sidecars/bin/" + launcher
                        + " --set 'sidecar " + module + ":metrics address=0.0.0.0:" + port + "'"
                        + " >/var/log/" + launcher + ".log 2>&1 &").orThrow();
                out.add(new Started(pnn, launcher, "http://" + cluster.nodeAddress(pnn) + ":" + port + "/metrics"));
            }
        }
        return out;
    }

    /** Started daemons grouped by node, for printing. */
    public static Map<Integer, List<Started>> byNode(List<Started> started) {
        Map<Integer, List<Started>> m = new LinkedHashMap<>();
        started.forEach(s -> m.computeIfAbsent(s.pnn(), k -> new ArrayList<>()).add(s));
        return m;
    }
}
