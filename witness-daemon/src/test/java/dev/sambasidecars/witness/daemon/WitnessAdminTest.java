package dev.sambasidecars.witness.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sambasidecars.common.tls.NodeSpec;
import dev.sambasidecars.common.tls.TlsInit;
import dev.sambasidecars.witness.api.v1.ActionResponse;
import dev.sambasidecars.witness.api.v1.Filter;
import dev.sambasidecars.witness.api.v1.ForceUnregisterRequest;
import dev.sambasidecars.witness.api.v1.ListRequest;
import dev.sambasidecars.witness.api.v1.ListResponse;
import dev.sambasidecars.witness.api.v1.MoveRequest;
import dev.sambasidecars.witness.api.v1.WitnessAdminGrpc;
import dev.sambasidecars.witness.msswn.Registration;
import dev.sambasidecars.witness.msswn.WitnessService;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator API on two "nodes" (127.0.0.1 and 127.0.0.2) whose witness daemons talk gRPC with
 * mutual TLS, certificates from TlsInit: a cluster-wide list, moves and forced unregistration
 * reach both; filters select as Samba's net witness does.
 */
class WitnessAdminTest {
    static final InetAddress A = InetAddress.ofLiteral("127.0.0.1");
    static final InetAddress B = InetAddress.ofLiteral("127.0.0.2");
    static final InetAddress IP1 = InetAddress.ofLiteral("10.0.0.101");
    static final InetAddress IP2 = InetAddress.ofLiteral("10.0.0.102");

    @TempDir
    Path dir;

    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
    private final List<AutoCloseable> closers = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : closers.reversed()) {
            c.close();
        }
        timers.shutdownNow();
    }

    /** One node: its service with registrations, its peers, its local (in-process) admin API. */
    private record Node(WitnessService service, WitnessAdminGrpc.WitnessAdminBlockingStub local) {}

    private Node node(int pnn, InetAddress self, int port, String... clients) throws Exception {
        Path tls = dir.resolve("pki").resolve(self.getHostAddress());
        Path nodeDir = Files.createDirectories(dir.resolve("node" + pnn));
        for (String f : List.of("ca.pem", "node.pem", "node.key")) {
            Files.copy(tls.resolve(f), nodeDir.resolve(f));
        }
        Files.setPosixFilePermissions(nodeDir.resolve("node.key"), java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        WitnessService service = new WitnessService(new WitnessService.Settings(Set.of("SOFS"), s -> true,
                Duration.ZERO, Duration.ofHours(1)), List::of, new WitnessService.Listener() { }, timers);
        for (int i = 0; i < clients.length; i++) {
            service.restore(new Registration.Info(new UUID(pnn, i), 0x00020000, "SOFS", i == 0 ? "data" : null,
                    i == 0 ? IP1 : IP2, clients[i], 0, 0, "u", Instant.now()));
        }
        ClusterInterfaces cluster = new ClusterInterfaces(List.of(), Map.of(IP1, 0, IP2, 1));
        WitnessAdmin admin = new WitnessAdmin(service, () -> cluster, () -> pnn);
        TlsWitnessPeers peers = new TlsWitnessPeers(nodeDir, port, () -> Map.of(0, A, 1, B), () -> pnn);
        peers.start(self, new WitnessAdminService(admin, WitnessPeers.NONE), new SimpleMeterRegistry(), "witness");
        closers.add(peers);
        String name = "admin-" + pnn + "-" + UUID.randomUUID();
        Server local = InProcessServerBuilder.forName(name).addService(new WitnessAdminService(admin, peers)).build().start();
        ManagedChannel ch = InProcessChannelBuilder.forName(name).build();
        closers.add(local::shutdownNow);
        closers.add(ch::shutdownNow);
        return new Node(service, WitnessAdminGrpc.newBlockingStub(ch));
    }

    private int freePort() throws Exception {
        try (var s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void clusterWideOperationsReachEveryNodeOverMutualTls() throws Exception {
        TlsInit.run(new TlsInit.Request(dir.resolve("pki"), List.of(NodeSpec.of(A), NodeSpec.of(B)), "test",
                TlsInit.NODE_VALIDITY, false), Clock.systemUTC());
        int port = freePort();
        Node n0 = node(0, A, port, "hyperv-1", "sql-1");
        Node n1 = node(1, B, port, "hyperv-2");

        ListResponse all = n0.local().list(ListRequest.newBuilder().setCluster(true).build());
        assertEquals(3, all.getRegistrationsCount(), all.toString());
        assertTrue(all.getNodesList().stream().allMatch(r -> r.getError().isEmpty()), all.getNodesList().toString());
        ListResponse hyperv = n1.local().list(ListRequest.newBuilder().setCluster(true)
                .setFilter(Filter.newBuilder().setClientName("^HYPERV")).build());
        assertEquals(2, hyperv.getRegistrationsCount(), "case-insensitive regex, from the other node");
        assertEquals(1, n0.local().list(ListRequest.newBuilder()
                .setFilter(Filter.newBuilder().setClientName("hyperv")).build()).getRegistrationsCount(), "local only");

        ActionResponse moved = n0.local().clientMove(MoveRequest.newBuilder().setCluster(true)
                .setFilter(Filter.newBuilder().setClientName("hyperv")).setNode(1).build());
        assertEquals(2, moved.getAffected());
        Registration r = n1.service().registrations().stream().findFirst().orElseThrow();
        assertEquals(1, r.queuedCount(), "the CLIENT_MOVE waits for the client on node 1");

        ActionResponse share = n0.local().shareMove(MoveRequest.newBuilder().setCluster(true)
                .setFilter(Filter.newBuilder().setAll(true)).setIp("10.0.0.102").build());
        assertEquals(2, share.getAffected(), "the registrations with a share (one per node), not sql-1");

        StatusRuntimeException noFilter = assertThrows(StatusRuntimeException.class, () -> n0.local().forceUnregister(
                ForceUnregisterRequest.newBuilder().setCluster(true).build()));
        assertTrue(noFilter.getStatus().getDescription().contains("name the registrations"));
        assertThrows(StatusRuntimeException.class, () -> n0.local().forceUnregister(ForceUnregisterRequest.newBuilder()
                .setFilter(Filter.newBuilder().setIp("(")).build()), "a bad expression is refused");

        ActionResponse ended = n1.local().forceUnregister(ForceUnregisterRequest.newBuilder().setCluster(true)
                .setFilter(Filter.newBuilder().setAll(true)).build());
        assertEquals(3, ended.getAffected());
        assertEquals(0, n0.service().registrations().size() + n1.service().registrations().size());
    }

    @Test
    void aNodeWithoutTlsReportsTheOthersAsNotAsked() throws Exception {
        int port = freePort();
        Path empty = Files.createDirectories(dir.resolve("none"));
        WitnessService service = new WitnessService(new WitnessService.Settings(Set.of("SOFS"), s -> true,
                Duration.ZERO, Duration.ofHours(1)), List::of, new WitnessService.Listener() { }, timers);
        TlsWitnessPeers peers = new TlsWitnessPeers(empty, port, () -> Map.of(0, A, 1, B), () -> 0);
        closers.add(peers);
        WitnessAdmin admin = new WitnessAdmin(service, () -> ClusterInterfaces.EMPTY, () -> 0);
        peers.start(A, new WitnessAdminService(admin, WitnessPeers.NONE), new SimpleMeterRegistry(), "witness");
        List<WitnessPeers.Answer<ListResponse>> answers = peers.ask(s -> s.list(ListRequest.getDefaultInstance()));
        assertEquals(1, answers.size());
        assertEquals(1, answers.getFirst().pnn());
        assertTrue(answers.getFirst().error().contains("TLS between nodes is not usable"), answers.getFirst().error());
    }
}
