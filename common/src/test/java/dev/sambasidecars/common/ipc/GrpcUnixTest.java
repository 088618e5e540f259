package dev.sambasidecars.common.ipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sambasidecars.common.api.v1.DaemonGrpc;
import dev.sambasidecars.common.api.v1.DaemonInfo;
import dev.sambasidecars.common.api.v1.GetInfoRequest;
import dev.sambasidecars.common.api.v1.Setting;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.util.concurrent.EventExecutor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GrpcUnixTest {

    private static final long DEADLINE_S = 20;

    @TempDir
    Path dir;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final InfoService service = new InfoService();
    private final List<ManagedChannel> channels = new ArrayList<>();
    private GrpcUnix.UnixServer server;

    /** A stand-in daemon whose answers show that the call really reached this object. */
    static final class InfoService extends DaemonGrpc.DaemonImplBase {
        final AtomicInteger calls = new AtomicInteger();
        volatile Thread lastThread;

        @Override
        public void getInfo(GetInfoRequest request, StreamObserver<DaemonInfo> response) {
            lastThread = Thread.currentThread();
            int n = calls.incrementAndGet();
            response.onNext(DaemonInfo.newBuilder()
                    .setModule("witness")
                    .setPid(ProcessHandle.current().pid())
                    .setStartedUnixMs(n)
                    .addSettings(Setting.newBuilder().setKey("sidecar witness:log level").setValue("debug")
                            .setOrigin("--set"))
                    .build());
            response.onCompleted();
        }
    }

    @AfterEach
    void shutdown() throws InterruptedException {
        for (ManagedChannel ch : channels) {
            ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        if (server != null) {
            server.close();
        }
    }

    private GrpcUnix.UnixServer serve(Path socket, PeerCredentialPolicy policy) throws IOException {
        server = GrpcUnix.serve(socket, policy, registry, "witness", List.of(service));
        return server;
    }

    private DaemonGrpc.DaemonBlockingStub stub(Path socket) {
        ManagedChannel ch = GrpcUnix.channel(socket);
        channels.add(ch);
        return DaemonGrpc.newBlockingStub(ch).withDeadlineAfter(DEADLINE_S, TimeUnit.SECONDS);
    }

    private double count(String socket, String outcome) {
        Counter c = registry.find("sidecar.witness.ipc.connections").tags("socket", socket, "outcome", outcome)
                .counter();
        assertNotNull(c, "counter for socket=" + socket + " outcome=" + outcome);
        return c.count();
    }

    @Test
    void callReachesTheServiceAndTheConnectionIsCountedAccepted() throws Exception {
        Path sock = dir.resolve("witness.sock");
        serve(sock, PeerCredentialPolicy.ownerOnly());
        assertEquals(0.0, count("witness.sock", "accepted"));

        DaemonGrpc.DaemonBlockingStub stub = stub(sock);
        DaemonInfo first = stub.getInfo(GetInfoRequest.getDefaultInstance());
        DaemonInfo second = stub.getInfo(GetInfoRequest.getDefaultInstance());

        assertEquals("witness", first.getModule());
        assertEquals(ProcessHandle.current().pid(), first.getPid());
        assertEquals(1, first.getStartedUnixMs());
        assertEquals(2, second.getStartedUnixMs());
        assertEquals("sidecar witness:log level", first.getSettings(0).getKey());
        assertEquals(2, service.calls.get());
        // one channel, one connection: it is counted once, not per call
        assertEquals(1.0, count("witness.sock", "accepted"));
        assertEquals(0.0, count("witness.sock", "denied"));
    }

    @Test
    void eachChannelIsOneAcceptedConnection() throws Exception {
        Path sock = dir.resolve("witness.sock");
        serve(sock, PeerCredentialPolicy.ownerOnly());

        stub(sock).getInfo(GetInfoRequest.getDefaultInstance());
        stub(sock).getInfo(GetInfoRequest.getDefaultInstance());

        assertEquals(2.0, count("witness.sock", "accepted"));
    }

    @Test
    void socketFileIsOpenToAllSoThatThePolicyDecides() throws Exception {
        Path sock = dir.resolve("perm.sock");
        serve(sock, PeerCredentialPolicy.ownerOnly());

        assertEquals(PosixFilePermissions.fromString("rw-rw-rw-"), Files.getPosixFilePermissions(sock));
    }

    @Test
    void stopRemovesTheSocketFileAndLaterCallsFail() throws Exception {
        Path sock = dir.resolve("witness.sock");
        serve(sock, PeerCredentialPolicy.ownerOnly());
        stub(sock).getInfo(GetInfoRequest.getDefaultInstance());

        server.stop(Duration.ofSeconds(5));

        assertFalse(Files.exists(sock, LinkOption.NOFOLLOW_LINKS), "socket file should be gone");
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                () -> stub(sock).withDeadlineAfter(5, TimeUnit.SECONDS).getInfo(GetInfoRequest.getDefaultInstance()));
        assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
    }

    @Test
    void aServerOnSharedEventLoopsRunsItsInlineHandlersThereAndLeavesThemRunningWhenItStops() throws Exception {
        EventLoopGroup shared = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        try {
            Path first = dir.resolve("first.sock");
            server = GrpcUnix.serve(first, PeerCredentialPolicy.ownerOnly(), registry, "witness", List.of(service), true,
                    shared);
            stub(first).getInfo(GetInfoRequest.getDefaultInstance());
            EventExecutor loop = shared.next();
            assertTrue(loop.inEventLoop(service.lastThread), "handled on " + service.lastThread);

            server.stop(Duration.ofSeconds(5));
            assertFalse(shared.isShuttingDown(), "the shared loops belong to the caller");

            Path second = dir.resolve("second.sock");
            server = GrpcUnix.serve(second, PeerCredentialPolicy.ownerOnly(), registry, "witness", List.of(service), true,
                    shared);
            assertEquals(2, stub(second).getInfo(GetInfoRequest.getDefaultInstance()).getStartedUnixMs());
            assertTrue(loop.inEventLoop(service.lastThread), "handled on " + service.lastThread);
        } finally {
            if (server != null) {
                server.close();
                server = null;
            }
            shared.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void secondServerOnALiveSocketIsRefused() throws Exception {
        Path sock = dir.resolve("witness.sock");
        serve(sock, PeerCredentialPolicy.ownerOnly());

        assertThrows(SocketFiles.SocketInUseException.class,
                () -> GrpcUnix.serve(sock, PeerCredentialPolicy.ownerOnly(), registry, "witness", List.of(service)));

        // the first server is still reachable on its socket
        assertEquals("witness", stub(sock).getInfo(GetInfoRequest.getDefaultInstance()).getModule());
    }

    @Test
    void peerThePolicyRefusesNeverReachesGrpc() throws Exception {
        assumeTrue(OtherUserClient.available(), "needs root and setpriv to connect as another user");
        Path sock = dir.resolve("witness.sock");
        serve(sock, PeerCredentialPolicy.ownerOnly());

        assertEquals("closed", OtherUserClient.knock(dir, sock));

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DEADLINE_S);
        while (count("witness.sock", "denied") < 1.0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(1.0, count("witness.sock", "denied"));
        assertEquals(0.0, count("witness.sock", "accepted"));
        assertEquals(0, service.calls.get());
        assertTrue(Files.exists(sock), "a refused peer does not disturb the server");
    }
}
