package dev.sambasidecars.it.bench;

import dev.sambasidecars.ctdb.api.BridgeClient;
import dev.sambasidecars.ctdb.api.v1.ClusterEvent;
import dev.sambasidecars.ctdb.api.v1.Trigger;
import dev.sambasidecars.it.ClusterSpec;
import dev.sambasidecars.it.SambaCluster;
import dev.sambasidecars.it.Sidecars;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Lag from ctdbd's message to a watcher of ctdb-bridge, on a real 3-node cluster: one public
 * IP is moved back and forth between nodes 0 and 1 with {@code ctdb moveip}; watchers on both
 * nodes' bridges (over the sockets the nodes share with this JVM) time every IP event whose
 * cause was a ctdbd message (RELEASE_IP on the old owner, TAKE_IP on the new one) from the
 * bridge's receipt of that message to the watcher's receipt of the event. Both clocks are the
 * same kernel's. Usage: {@code scripts/bench.sh BridgeLagBenchmark [MOVES]} (default 120).
 */
public final class BridgeLagBenchmark {
    private BridgeLagBenchmark() {}

    private record Timed(ClusterEvent event, long receivedUnixNanos, int node) {}

    public static void main(String[] args) throws Exception {
        int moves = args.length > 0 ? Integer.parseInt(args[0]) : 120;
        try (SambaCluster cluster = SambaCluster.start(ClusterSpec.defaults(3))) {
            for (int i = 0; i < cluster.size(); i++) {
                Sidecars.installEventScript(cluster, i);
                Sidecars.start(cluster, i, "ctdb-bridge");
            }
            BlockingQueue<Timed> events = new LinkedBlockingQueue<>();
            List<BridgeClient> clients = new ArrayList<>();
            for (int node = 0; node < 2; node++) {
                var socket = cluster.socketDirectory(node).resolve(BridgeClient.SOCKET_NAME);
                SambaCluster.awaitCondition("bridge on node " + node, Duration.ofSeconds(60), () -> Files.exists(socket));
                BridgeClient c = BridgeClient.connect(socket);
                clients.add(c);
                int n = node;
                c.watch((u, v) -> {
                    if (u.hasEvent() && u.getEvent().hasIpChanged()) {
                        events.add(new Timed(u.getEvent(), unixNanos(), n));
                    }
                });
            }
            String ip = cluster.publicIps().getFirst();
            cluster.ctdb(0, "moveip " + ip + " 0").orThrow();
            Thread.sleep(3000);
            events.clear();

            List<Long> messageLagMicros = new ArrayList<>();
            List<Long> commandToEventMillis = new ArrayList<>();
            for (int m = 0; m < moves; m++) {
                int target = (m + 1) % 2;
                long t0 = System.nanoTime();
                cluster.ctdb(0, "moveip " + ip + " " + target).orThrow();
                // Wait for the event on the new owner's bridge; collect whatever else arrives.
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                boolean seen = false;
                while (!seen && System.nanoTime() < deadline) {
                    Timed t = events.poll(100, TimeUnit.MILLISECONDS);
                    if (t == null) {
                        continue;
                    }
                    record(t, messageLagMicros);
                    if (t.event().getIpChanged().getAddress().equals(ip) && t.event().getIpChanged().getOwner() == target
                            && t.node() == target) {
                        seen = true;
                        commandToEventMillis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
                    }
                }
                if (!seen) {
                    throw new AssertionError("move " + m + " of " + ip + " to node " + target + " never arrived");
                }
                Thread.sleep(200);
                for (Timed t; (t = events.poll()) != null; ) {
                    record(t, messageLagMicros);
                }
            }
            clients.forEach(BridgeClient::close);
            report(moves, messageLagMicros, commandToEventMillis);
        }
    }

    private static void record(Timed t, List<Long> lags) {
        if (t.event().getTrigger() == Trigger.TRIGGER_CTDB_MESSAGE) {
            lags.add((t.receivedUnixNanos() - t.event().getTriggerUnixNanos()) / 1000);
        }
    }

    private static long unixNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    private static long pct(List<Long> sorted, double p) {
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }

    private static void report(int moves, List<Long> lagMicros, List<Long> commandMillis) {
        Collections.sort(lagMicros);
        Collections.sort(commandMillis);
        System.out.printf("%nctdb-bridge lag benchmark: %d IP moves (ctdb moveip), 3-node cluster%n", moves);
        System.out.printf("ctdbd message -> watcher: n=%d  p50=%.2f ms  p90=%.2f ms  p99=%.2f ms  max=%.2f ms%n",
                lagMicros.size(), pct(lagMicros, 50) / 1000.0, pct(lagMicros, 90) / 1000.0, pct(lagMicros, 99) / 1000.0,
                lagMicros.getLast() / 1000.0);
        System.out.printf("ctdb moveip issued -> event at the new owner's watcher: p50=%d ms  p99=%d ms%n",
                pct(commandMillis, 50), pct(commandMillis, 99));
    }
}
