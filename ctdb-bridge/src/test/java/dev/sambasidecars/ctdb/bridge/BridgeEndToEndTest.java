package dev.sambasidecars.ctdb.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sambasidecars.common.ipc.GrpcUnix;
import dev.sambasidecars.common.ipc.PeerCredentialPolicy;
import dev.sambasidecars.common.metrics.Metrics;
import dev.sambasidecars.ctdb.api.BridgeClient;
import dev.sambasidecars.ctdb.api.ClusterView;
import dev.sambasidecars.ctdb.api.v1.ClusterEvent;
import dev.sambasidecars.ctdb.api.v1.ClusterSnapshot;
import dev.sambasidecars.ctdb.api.v1.ClusterUpdate;
import dev.sambasidecars.ctdb.api.v1.TcpClient;
import dev.sambasidecars.ctdb.api.v1.Trigger;
import dev.sambasidecars.ctdb.model.ClusterModel;
import dev.sambasidecars.ctdb.protocol.Srvid;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bridge's pieces wired as the daemon wires them — follower, model, gRPC API on a unix
 * socket, client library — against {@link FakeCtdbd}: messages become ordered events,
 * ctdbd restarts and bad packets become reconnections with a resync, and watchers keep going.
 */
class BridgeEndToEndTest {
    @TempDir
    Path dir;

    private FakeCtdbd ctdbd;
    private Metrics metrics;
    private ClusterModel model;
    private CtdbFollower follower;
    private GrpcUnix.UnixServer api;
    private BridgeClient client;
    private BridgeClient.Watch watch;
    private final BlockingQueue<ClusterUpdate> updates = new LinkedBlockingQueue<>();
    private volatile ClusterView view;

    @BeforeEach
    void start() throws Exception {
        ctdbd = new FakeCtdbd(dir.resolve("ctdbd.socket"), 0);
        ctdbd.start();
        metrics = new Metrics("ctdb-bridge");
        BridgeMetrics bm = new BridgeMetrics(metrics);
        model = new ClusterModel(64, bm);
        TcpRegistry tcp = new TcpRegistry();
        // A long poll interval: every event in these tests must come from a message or a reconnection.
        follower = new CtdbFollower(dir.resolve("ctdbd.socket"), Duration.ofMillis(500), Duration.ofMinutes(5), true,
                model, bm, tcp, new ClusterReader(Map.of("10.0.0.101", 24)));
        follower.start();
        api = GrpcUnix.serve(dir.resolve("ctdb-bridge.sock"), PeerCredentialPolicy.ownerOnly(), metrics.registry(),
                "ctdb-bridge", List.of(new BridgeService(model, 64, bm, follower, tcp)));
        client = BridgeClient.connect(api.path());
        watch = client.watch((update, v) -> {
            view = v;
            updates.add(update);
        });
    }

    @AfterEach
    void stop() throws Exception {
        watch.close();
        client.close();
        api.close();
        follower.close();
        ctdbd.close();
        metrics.close();
    }

    /** Waits for an event matching {@code p}; fails after 5 s. */
    private ClusterEvent awaitEvent(Predicate<ClusterEvent> p) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            ClusterUpdate u = updates.poll(100, TimeUnit.MILLISECONDS);
            if (u != null && u.hasEvent() && p.test(u.getEvent())) {
                return u.getEvent();
            }
        }
        throw new AssertionError("no matching event; model is " + model.snapshot() + "\nview is " + view.snapshot()
                + "\nupdates left: " + updates);
    }

    private ClusterSnapshot awaitConnected() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            ClusterSnapshot s = model.snapshot();
            ClusterView v = view;
            if (s.getCtdbConnected() && s.getPublicIpsCount() == 3 && v != null
                    && v.snapshot().getSequence() == s.getSequence()) {
                // The watcher has caught up: what follows in the queue is new.
                updates.clear();
                return s;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("bridge never connected: " + model.snapshot());
    }

    @Test
    void snapshotMirrorsCtdbd() throws Exception {
        ClusterSnapshot s = awaitConnected();
        assertEquals(0, s.getThisPnn());
        assertEquals("RUNNING", s.getRunstate());
        assertEquals(List.of("10.0.0.11", "10.0.0.12", "10.0.0.13"),
                s.getNodesList().stream().map(n -> n.getAddress()).toList());
        assertTrue(s.getNodes(0).getThisNode() && !s.getNodes(1).getThisNode());
        assertEquals(List.of(0, 1, 2), s.getPublicIpsList().stream().map(ip -> ip.getOwner()).toList());
        assertEquals(24, s.getPublicIps(0).getPrefixBits());
        assertEquals(List.of("eth0"), s.getPublicIps(0).getInterfacesList());
        assertEquals("eth0", s.getPublicIps(0).getActiveInterface(), "active on the node that hosts it");
        assertTrue(ctdbd.registeredSrvids.containsAll(List.of(Srvid.RELEASE_IP, Srvid.TAKE_IP, Srvid.IPREALLOCATED)),
                "subscribed: " + ctdbd.registeredSrvids);
    }

    @Test
    void releaseIpMessageBecomesAnIpEventAtOnce() throws Exception {
        awaitConnected();
        ctdbd.ipOwners.put("10.0.0.101", 2);
        long t0 = System.nanoTime();
        ctdbd.broadcast(FakeCtdbd.message(Srvid.RELEASE_IP, FakeCtdbd.ipString("10.0.0.101")));
        ClusterEvent e = awaitEvent(ev -> ev.hasIpChanged());
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertEquals("10.0.0.101", e.getIpChanged().getAddress());
        assertEquals(0, e.getIpChanged().getPreviousOwner());
        assertEquals(2, e.getIpChanged().getOwner());
        assertEquals(Trigger.TRIGGER_CTDB_MESSAGE, e.getTrigger());
        assertEquals("RELEASE_IP 10.0.0.101", e.getTriggerDetail());
        assertTrue(ms < 2000, "delivered within the poll-free path: " + ms + " ms");
        assertEquals(2, view.publicIp("10.0.0.101").orElseThrow().getOwner(), "the client's view follows");
    }

    @Test
    void ctdbdRestartIsSeenAsDisconnectThenResync() throws Exception {
        awaitConnected();
        ctdbd.stop();
        awaitEvent(e -> e.hasConnectionChanged() && !e.getConnectionChanged().getConnected());
        assertFalse(model.snapshot().getCtdbConnected());
        ctdbd.nodeFlags.put(1, 0x04);
        ctdbd.ipOwners.put("10.0.0.102", 0);
        ctdbd.start();
        awaitEvent(e -> e.hasConnectionChanged() && e.getConnectionChanged().getConnected());
        ClusterEvent node = awaitEvent(ClusterEvent::hasNodeChanged);
        assertTrue(node.getNodeChanged().getNode().getDisabled(), "what changed while away is caught up");
        awaitEvent(e -> e.hasIpChanged() && e.getIpChanged().getAddress().equals("10.0.0.102"));
        assertTrue(ctdbd.connections >= 2);
        assertTrue(metrics.registry().scrape().contains("sidecar_ctdb_bridge_ctdbd_reconnects_total"));
    }

    @Test
    void badPacketDropsTheConnectionAndTheBridgeComesBack() throws Exception {
        awaitConnected();
        byte[] garbage = FakeCtdbd.message(Srvid.TAKE_IP, FakeCtdbd.ipString("10.0.0.101"));
        garbage[4] ^= 0x55; // magic
        ctdbd.broadcast(garbage);
        awaitEvent(e -> e.hasConnectionChanged() && !e.getConnectionChanged().getConnected());
        awaitEvent(e -> e.hasConnectionChanged() && e.getConnectionChanged().getConnected());
        assertTrue(metrics.registry().scrape().matches("(?s).*sidecar_ctdb_bridge_ctdbd_faults_total\\{kind=\"bad_packet\".*"));
        // Still following: a later move arrives.
        ctdbd.ipOwners.put("10.0.0.103", 1);
        ctdbd.broadcast(FakeCtdbd.message(Srvid.TAKE_IP, FakeCtdbd.ipString("10.0.0.103")));
        assertEquals(1, awaitEvent(e -> e.hasIpChanged()).getIpChanged().getOwner());
    }

    @Test
    void messageWithoutNulIsCountedAndIgnoredButStillTriggersARead() throws Exception {
        awaitConnected();
        ctdbd.ipOwners.put("10.0.0.101", 1);
        ctdbd.broadcast(FakeCtdbd.message(Srvid.RELEASE_IP, "10.0.0.101".getBytes()));
        assertEquals(1, awaitEvent(ClusterEvent::hasIpChanged).getIpChanged().getOwner());
        assertTrue(metrics.registry().scrape().contains("kind=\"bad_message\""));
        assertTrue(follower.connected(), "a bad payload is no reason to reconnect");
    }

    @Test
    void stuckControlTimesOutAndReconnects() throws Exception {
        awaitConnected();
        ctdbd.stallControls(true);
        ctdbd.broadcast(FakeCtdbd.message(Srvid.RECONFIGURE, new byte[0]));
        awaitEvent(e -> e.hasConnectionChanged() && !e.getConnectionChanged().getConnected());
        ctdbd.stallControls(false);
        awaitEvent(e -> e.hasConnectionChanged() && e.getConnectionChanged().getConnected());
        assertTrue(metrics.registry().scrape().contains("kind=\"timeout\""));
    }

    @Test
    void tcpClientRegistrationsAreRepeatedAfterReconnect() throws Exception {
        awaitConnected();
        var stub = dev.sambasidecars.ctdb.api.v1.ClusterBridgeGrpc.newBlockingStub(GrpcUnix.channel(api.path()));
        var reply = stub.registerTcpClient(TcpClient.newBuilder().setClientAddress("10.0.0.50").setClientPort(50123)
                .setServerAddress("10.0.0.101").setServerPort(445).build());
        assertTrue(reply.getSentToCtdb());
        assertEquals(1, ctdbd.tcpClients.size());
        byte[] sent = ctdbd.tcpClients.getFirst();
        assertEquals(56, sent.length);
        assertEquals("10.0.0.50", FakeCtdbd.ipv4(sent, 0));
        assertEquals(50123, ((sent[2] & 0xff) << 8) | (sent[3] & 0xff), "port in network order");
        assertEquals("10.0.0.101", FakeCtdbd.ipv4(sent, 28));

        ctdbd.stop();
        awaitEvent(e -> e.hasConnectionChanged() && !e.getConnectionChanged().getConnected());
        ctdbd.start();
        awaitEvent(e -> e.hasConnectionChanged() && e.getConnectionChanged().getConnected());
        assertEquals(2, ctdbd.tcpClients.size(), "registered again on the new connection");
    }
}
