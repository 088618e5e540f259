package dev.sambasidecars.common.ipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.security.auth.module.UnixSystem;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.newsclub.net.unix.AFUNIXSocket;

class UnixSocketServerTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final String COUNTER = "sidecar.witness.ipc.connections";

    @TempDir
    Path dir;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final BlockingQueue<PeerCredentials> peers = new LinkedBlockingQueue<>();
    private UnixSocketServer server;

    /** Answers each line with the same line, and records who asked. */
    private final UnixSocketServer.Handler echo = (socket, peer) -> {
        peers.add(peer);
        BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        Writer out = new OutputStreamWriter(socket.getOutputStream(), StandardCharsets.UTF_8);
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            out.write(line + "\n");
            out.flush();
        }
    };

    @AfterEach
    void stopServer() throws IOException {
        if (server != null) {
            server.close();
        }
    }

    private UnixSocketServer start(Path socket, PeerCredentialPolicy policy, int max, UnixSocketServer.Handler h)
            throws IOException {
        server = UnixSocketServer.start(socket, policy, max, h, registry, "witness");
        return server;
    }

    private double count(String socket, String outcome) {
        Counter c = registry.find(COUNTER).tags("socket", socket, "outcome", outcome).counter();
        assertNotNull(c, "counter " + COUNTER + "{socket=" + socket + ",outcome=" + outcome + "}");
        return c.count();
    }

    private static String roundTrip(AFUNIXSocket s, String line) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine();
    }

    private static void eventually(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(20);
        }
    }

    /** True when the server closed the connection (EOF or reset), false when it sent data or went quiet. */
    private static boolean closedByPeer(AFUNIXSocket s) {
        try {
            return s.getInputStream().read() < 0;
        } catch (SocketTimeoutException quiet) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    @Test
    void echoesAndSeesTheCallersRealCredentials() throws Exception {
        Path sock = dir.resolve("echo.sock");
        start(sock, PeerCredentialPolicy.ownerOnly(), 4, echo);

        try (AFUNIXSocket s = UnixSockets.connect(sock, TIMEOUT)) {
            assertEquals("hello witness", roundTrip(s, "hello witness"));
            assertEquals("second line", roundTrip(s, "second line"));
        }

        PeerCredentials peer = peers.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertNotNull(peer);
        UnixSystem me = new UnixSystem();
        assertEquals(ProcessHandle.current().pid(), peer.pid());
        assertEquals(me.getUid(), peer.uid());
        assertTrue(peer.inGroup((int) me.getGid()), "primary gid " + me.getGid() + " missing from " + peer);
        assertEquals(1.0, count("echo.sock", "accepted"));
        assertEquals(0.0, count("echo.sock", "denied"));
    }

    @Test
    void socketFileIsOpenToAllSoThatThePolicyDecides() throws Exception {
        Path sock = dir.resolve("perm.sock");
        start(sock, PeerCredentialPolicy.ownerOnly(), 1, echo);

        assertEquals(PosixFilePermissions.fromString("rw-rw-rw-"), Files.getPosixFilePermissions(sock));
    }

    @Test
    void createsAMissingSocketDirectory() throws Exception {
        Path sock = dir.resolve("run/samba-sidecars/witness.sock");
        start(sock, PeerCredentialPolicy.ownerOnly(), 1, echo);

        try (AFUNIXSocket s = UnixSockets.connect(sock, TIMEOUT)) {
            assertEquals("ping", roundTrip(s, "ping"));
        }
        assertEquals(PosixFilePermissions.fromString("rwxr-xr-x"), Files.getPosixFilePermissions(sock.getParent()));
    }

    @Test
    void staleSocketFileLeftByADeadServerIsReplaced() throws Exception {
        Path sock = dir.resolve("stale.sock");
        // the JDK leaves the file behind on close, just as a crashed daemon does
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(sock));
        }
        assertTrue(Files.exists(sock, LinkOption.NOFOLLOW_LINKS), "precondition: stale socket file exists");

        start(sock, PeerCredentialPolicy.ownerOnly(), 1, echo);

        try (AFUNIXSocket s = UnixSockets.connect(sock, TIMEOUT)) {
            assertEquals("still here", roundTrip(s, "still here"));
        }
    }

    @Test
    void liveSocketMakesStartFailAndIsLeftAlone() throws Exception {
        Path sock = dir.resolve("live.sock");
        try (ServerSocketChannel live = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            live.bind(UnixDomainSocketAddress.of(sock));

            SocketFiles.SocketInUseException e = assertThrows(SocketFiles.SocketInUseException.class,
                    () -> start(sock, PeerCredentialPolicy.ownerOnly(), 1, echo));
            assertTrue(e.getMessage().contains(sock.toString()), e.getMessage());

            // the other process keeps its socket
            assertTrue(Files.exists(sock, LinkOption.NOFOLLOW_LINKS));
            try (SocketChannel c = SocketChannel.open(UnixDomainSocketAddress.of(sock));
                 SocketChannel accepted = live.accept()) {
                assertTrue(c.isConnected());
                assertNotNull(accepted);
            }
        }
    }

    @Test
    void connectionsBeyondTheLimitAreClosedAndCountedBusy() throws Exception {
        Path sock = dir.resolve("busy.sock");
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch firstIn = new CountDownLatch(1);
        start(sock, PeerCredentialPolicy.ownerOnly(), 1, (socket, peer) -> {
            firstIn.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });

        try (AFUNIXSocket first = UnixSockets.connect(sock, TIMEOUT)) {
            assertTrue(firstIn.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
            try (AFUNIXSocket second = UnixSockets.connect(sock, TIMEOUT)) {
                assertTrue(closedByPeer(second), "second connection should be closed by the server");
            }
            eventually("busy counted", () -> count("busy.sock", "busy") == 1.0);
            assertEquals(1.0, count("busy.sock", "accepted"));
            release.countDown();
            assertTrue(closedByPeer(first), "first connection ends when its handler returns");
        }

        // the slot is free again once the handler has returned
        try (AFUNIXSocket third = UnixSockets.connect(sock, TIMEOUT)) {
            eventually("third accepted", () -> count("busy.sock", "accepted") == 2.0);
        }
    }

    @Test
    void stopRemovesTheSocketFileAndRefusesNewConnections() throws Exception {
        Path sock = dir.resolve("stop.sock");
        start(sock, PeerCredentialPolicy.ownerOnly(), 2, echo);

        server.stop(Duration.ofSeconds(5));

        assertFalse(Files.exists(sock, LinkOption.NOFOLLOW_LINKS), "socket file should be gone");
        assertThrows(IOException.class, () -> UnixSockets.connect(sock, Duration.ofSeconds(2)).close());
    }

    @Test
    void stopClosesConnectionsThatOutliveTheGrace() throws Exception {
        Path sock = dir.resolve("grace.sock");
        start(sock, PeerCredentialPolicy.ownerOnly(), 2, echo);

        try (AFUNIXSocket idle = UnixSockets.connect(sock, TIMEOUT)) {
            assertEquals("x", roundTrip(idle, "x"));
            long t0 = System.nanoTime();
            server.stop(Duration.ofMillis(200));
            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);

            assertTrue(tookMs < 15_000, "stop took " + tookMs + " ms");
            assertTrue(closedByPeer(idle), "the idle client should be cut off");
        }
    }

    @Test
    void peerThePolicyRefusesIsClosedUnservedAndCountedDenied() throws Exception {
        assumeTrue(OtherUserClient.available(), "needs root and setpriv to connect as another user");
        Path sock = dir.resolve("denied.sock");
        start(sock, PeerCredentialPolicy.ownerOnly(), 4, echo);

        String got = OtherUserClient.knock(dir, sock);

        assertEquals("closed", got);
        eventually("denied counted", () -> count("denied.sock", "denied") == 1.0);
        assertEquals(0.0, count("denied.sock", "accepted"));
        assertTrue(peers.isEmpty(), "the handler must not see a refused peer");
    }

    @Test
    void sameForeignPeerIsServedOnceItsUidOrGidIsAllowed() throws Exception {
        assumeTrue(OtherUserClient.available(), "needs root and setpriv to connect as another user");
        for (PeerCredentialPolicy policy : List.of(
                new PeerCredentialPolicy(List.of(OtherUserClient.NOBODY), List.of()),
                new PeerCredentialPolicy(List.of(), List.of(OtherUserClient.NOBODY)))) {
            Path sock = dir.resolve("allowed.sock");
            start(sock, policy, 4, echo);

            assertEquals("answered hello", OtherUserClient.knock(dir, sock), policy.toString());
            PeerCredentials peer = peers.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            assertNotNull(peer);
            assertEquals(OtherUserClient.NOBODY, peer.uid());
            server.close();
        }
        assertEquals(2.0, count("allowed.sock", "accepted"));
    }
}
