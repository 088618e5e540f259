package dev.sambasidecars.it.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sambasidecars.ctdb.api.v1.ClusterEvent;
import dev.sambasidecars.ctdb.api.v1.ClusterSnapshot;
import dev.sambasidecars.ctdb.api.v1.PublicIp;
import dev.sambasidecars.ctdb.api.v1.Trigger;
import dev.sambasidecars.it.SambaCluster;
import dev.sambasidecars.it.SambaClusterTest;
import dev.sambasidecars.it.Sidecars;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * ctdb-bridge on every node of a real cluster: its snapshot equals {@code ctdb -X ip all}, IP
 * moves by {@code ctdb disable}, {@code ctdb moveip} and a killed node arrive as events with
 * the right owners, a restarted ctdbd is followed again, and the event script alone still
 * delivers takeip/releaseip.
 */
@SambaClusterTest(nodes = 3)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CtdbBridgeIT {
    private static final Duration MOVE = Duration.ofSeconds(30);

    @BeforeAll
    static void startBridges(SambaCluster cluster) {
        for (int i = 0; i < cluster.size(); i++) {
            Sidecars.installEventScript(cluster, i);
            Sidecars.start(cluster, i, "ctdb-bridge");
        }
    }

    private static Map<String, Integer> owners(ClusterSnapshot s) {
        return s.getPublicIpsList().stream()
                .collect(Collectors.toMap(PublicIp::getAddress, PublicIp::getOwner, (a, b) -> a, TreeMap::new));
    }

    /** Waits until the bridge's snapshot agrees with {@code ctdb -X ip all} on a live node. */
    private static void awaitAgreement(SambaCluster cluster, BridgeWatch w, int askNode) throws InterruptedException {
        SambaCluster.awaitCondition("bridge snapshot equals ctdb ip all", Duration.ofSeconds(30),
                () -> owners(w.snapshot()).equals(new TreeMap<>(cluster.publicIpOwners(askNode))));
    }

    @Test
    @Order(1)
    void snapshotEqualsCtdbIpAllOnEveryNode(SambaCluster cluster) throws Exception {
        for (int i = 0; i < cluster.size(); i++) {
            try (BridgeWatch w = BridgeWatch.connected(cluster.socketDirectory(i), cluster.size())) {
                awaitAgreement(cluster, w, i);
                ClusterSnapshot s = w.snapshot();
                assertEquals(i, s.getThisPnn());
                assertEquals(cluster.nodeAddresses(), s.getNodesList().stream().map(n -> n.getAddress()).toList());
                assertTrue(s.getNodesList().stream().allMatch(n -> n.getConnected() && !n.getDisabled()), s.toString());
                assertTrue(s.getPublicIpsList().stream().allMatch(ip -> ip.getPrefixBits() == 24
                        && ip.getInterfacesList().equals(List.of("eth0"))), s.toString());
            }
        }
    }

    @Test
    @Order(2)
    void disableMovesEveryAddressOfTheNodeAndEnableBringsThemBack(SambaCluster cluster) throws Exception {
        try (BridgeWatch w = BridgeWatch.connected(cluster.socketDirectory(0), cluster.size())) {
            int victim = 2;
            if (!owners(w.snapshot()).containsValue(victim)) {
                cluster.ctdb(0, "moveip " + cluster.publicIps().getFirst() + " " + victim).orThrow();
                awaitAgreement(cluster, w, 0);
                SambaCluster.awaitCondition("node 2 holds an address", MOVE, () -> owners(w.snapshot()).containsValue(victim));
            }
            List<String> held = owners(w.snapshot()).entrySet().stream().filter(e -> e.getValue() == victim)
                    .map(Map.Entry::getKey).toList();
            assertTrue(!held.isEmpty(), "node 2 holds an address");
            int from = w.mark();
            cluster.disable(victim);
            try {
                w.await(from, MOVE, e -> e.hasNodeChanged() && e.getNodeChanged().getPnn() == victim
                        && e.getNodeChanged().getNode().getDisabled());
                for (String ip : held) {
                    ClusterEvent e = w.await(from, MOVE, ev -> ev.hasIpChanged() && ev.getIpChanged().getAddress().equals(ip)
                            && ev.getIpChanged().getOwner() >= 0).update().getEvent();
                    assertTrue(e.getIpChanged().getOwner() != victim, e.toString());
                }
                awaitAgreement(cluster, w, 0);
            } finally {
                cluster.enable(victim);
            }
            w.await(from, MOVE, e -> e.hasNodeChanged() && e.getNodeChanged().getPnn() == victim
                    && !e.getNodeChanged().getNode().getDisabled());
            cluster.awaitHealthy(Duration.ofSeconds(60));
            awaitAgreement(cluster, w, 0);
        }
    }

    @Test
    @Order(3)
    void moveipArrivesWithTheNewOwner(SambaCluster cluster) throws Exception {
        try (BridgeWatch w = BridgeWatch.connected(cluster.socketDirectory(1), cluster.size())) {
            String ip = cluster.publicIps().getFirst();
            int owner = owners(w.snapshot()).get(ip);
            int target = (owner + 1) % cluster.size();
            int from = w.mark();
            cluster.ctdb(0, "moveip " + ip + " " + target).orThrow();
            ClusterEvent e = w.await(from, MOVE, ev -> ev.hasIpChanged() && ev.getIpChanged().getAddress().equals(ip)
                    && ev.getIpChanged().getOwner() == target).update().getEvent();
            assertEquals(owner, e.getIpChanged().getPreviousOwner() < 0 ? owner : e.getIpChanged().getPreviousOwner());
            awaitAgreement(cluster, w, 1);
        }
    }

    @Test
    @Order(4)
    void killedNodeShowsDisconnectedAndItsAddressesMove(SambaCluster cluster) throws Exception {
        try (BridgeWatch w = BridgeWatch.connected(cluster.socketDirectory(0), cluster.size())) {
            int victim = 1;
            if (!owners(w.snapshot()).containsValue(victim)) {
                cluster.ctdb(0, "moveip " + cluster.publicIps().getFirst() + " " + victim).orThrow();
                SambaCluster.awaitCondition("node 1 holds an address", MOVE, () -> owners(w.snapshot()).containsValue(victim));
            }
            List<String> held = owners(w.snapshot()).entrySet().stream().filter(e -> e.getValue() == victim)
                    .map(Map.Entry::getKey).toList();
            int from = w.mark();
            cluster.killNode(victim);
            w.await(from, MOVE, e -> e.hasNodeChanged() && e.getNodeChanged().getPnn() == victim
                    && !e.getNodeChanged().getNode().getConnected());
            for (String ip : held) {
                w.await(from, MOVE, ev -> ev.hasIpChanged() && ev.getIpChanged().getAddress().equals(ip)
                        && ev.getIpChanged().getOwner() >= 0 && ev.getIpChanged().getOwner() != victim);
            }
            awaitAgreement(cluster, w, 0);
            cluster.restartNode(victim);
            Sidecars.start(cluster, victim, "ctdb-bridge");
            cluster.awaitHealthy(Duration.ofSeconds(120));
            awaitAgreement(cluster, w, 0);
        }
    }

    @Test
    @Order(5)
    void restartedCtdbdIsFollowedAgain(SambaCluster cluster) throws Exception {
        try (BridgeWatch w = BridgeWatch.connected(cluster.socketDirectory(2), cluster.size())) {
            int from = w.mark();
            // ctdbd crashes; the bridge on the node keeps running.
            cluster.exec(2, "pkill -9 -x ctdbd").orThrow();
            w.await(from, MOVE, e -> e.hasConnectionChanged() && !e.getConnectionChanged().getConnected());
            cluster.restartCtdb(2);
            cluster.awaitHealthy(Duration.ofSeconds(120));
            w.await(from, Duration.ofSeconds(60), e -> e.hasConnectionChanged() && e.getConnectionChanged().getConnected());
            awaitAgreement(cluster, w, 2);
        }
    }

    @Test
    @Order(6)
    void eventScriptAloneDeliversTakeipAndReleaseip(SambaCluster cluster) throws Exception {
        int node = 1;
        Sidecars.stop(cluster, node, "ctdb-bridge");
        Sidecars.start(cluster, node, "ctdb-bridge", "sidecar ctdb-bridge:register srvids=no",
                "sidecar ctdb-bridge:poll interval=10m");
        try (BridgeWatch w = BridgeWatch.connected(cluster.socketDirectory(node), cluster.size())) {
            Map<String, Integer> owners = owners(w.snapshot());
            String ip = owners.entrySet().stream().filter(e -> e.getValue() != node).findFirst().orElseThrow().getKey();
            int from = w.mark();
            cluster.ctdb(0, "moveip " + ip + " " + node).orThrow();
            ClusterEvent take = w.await(from, MOVE, e -> e.hasIpChanged() && e.getIpChanged().getAddress().equals(ip)
                    && e.getIpChanged().getOwner() == node).update().getEvent();
            assertEquals(Trigger.TRIGGER_EVENT_SCRIPT, take.getTrigger(), take.toString());
            assertTrue(take.getTriggerDetail().startsWith("takeip eth0 " + ip + " 24")
                    || take.getTriggerDetail().equals("ipreallocated"), take.getTriggerDetail());

            int back = (node + 1) % cluster.size();
            from = w.mark();
            cluster.ctdb(0, "moveip " + ip + " " + back).orThrow();
            ClusterEvent release = w.await(from, MOVE, e -> e.hasIpChanged() && e.getIpChanged().getAddress().equals(ip)
                    && e.getIpChanged().getPreviousOwner() == node).update().getEvent();
            assertEquals(Trigger.TRIGGER_EVENT_SCRIPT, release.getTrigger(), release.toString());
        } finally {
            Sidecars.stop(cluster, node, "ctdb-bridge");
            Sidecars.start(cluster, node, "ctdb-bridge");
        }
    }
}
