package dev.sambasidecars.common.ipc;

import dev.sambasidecars.common.metrics.Metrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.newsclub.net.unix.AFUNIXServerSocket;
import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import org.newsclub.net.unix.AFUNIXSocketCredentials;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stream unix-socket server on junixsocket: every connection's peer credentials are checked
 * against a {@link PeerCredentialPolicy} before its handler runs on a virtual thread; at most
 * {@code maxConnections} are served at once and the rest are closed at once (counted as
 * {@code busy}). Counts connections by outcome in
 * {@code sidecar_<module>_ipc_connections_total{socket,outcome}}.
 */
public final class UnixSocketServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(UnixSocketServer.class);

    /** Serves one accepted, permitted connection; the server closes the socket afterwards. */
    @FunctionalInterface
    public interface Handler {
        void handle(AFUNIXSocket socket, PeerCredentials peer) throws IOException;
    }

    private final Path path;
    private final AFUNIXServerSocket server;
    private final PeerCredentialPolicy policy;
    private final Handler handler;
    private final Semaphore slots;
    private final int maxConnections;
    private final Set<AFUNIXSocket> open = ConcurrentHashMap.newKeySet();
    private final Counter accepted;
    private final Counter denied;
    private final Counter busy;
    private final Thread acceptor;
    private volatile boolean closing;

    private UnixSocketServer(Path path, AFUNIXServerSocket server, PeerCredentialPolicy policy, int maxConnections,
                             Handler handler, MeterRegistry registry, String module) {
        this.path = path;
        this.server = server;
        this.policy = policy;
        this.handler = handler;
        this.maxConnections = maxConnections;
        this.slots = new Semaphore(maxConnections);
        String name = Metrics.name(module, "ipc.connections");
        String socket = path.getFileName().toString();
        this.accepted = Counter.builder(name).tag("socket", socket).tag("outcome", "accepted").register(registry);
        this.denied = Counter.builder(name).tag("socket", socket).tag("outcome", "denied").register(registry);
        this.busy = Counter.builder(name).tag("socket", socket).tag("outcome", "busy").register(registry);
        this.acceptor = Thread.ofPlatform().daemon().name("ipc-accept-" + socket).unstarted(this::acceptLoop);
    }

    /** Binds {@code path} (removing a stale socket) and starts accepting. */
    public static UnixSocketServer start(Path path, PeerCredentialPolicy policy, int maxConnections, Handler handler,
                                         MeterRegistry registry, String module) throws IOException {
        SocketFiles.prepare(path);
        AFUNIXServerSocket server = AFUNIXServerSocket.newInstance();
        server.bind(AFUNIXSocketAddress.of(path));
        SocketFiles.openToPolicy(path);
        UnixSocketServer s = new UnixSocketServer(path, server, policy, maxConnections, handler, registry, module);
        s.acceptor.start();
        return s;
    }

    public Path path() {
        return path;
    }

    private void acceptLoop() {
        while (!closing) {
            AFUNIXSocket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                if (!closing) {
                    // Out of descriptors and the like: say so, and do not spin while it lasts.
                    LOG.warn("accept on {} failed: {}", path, e.getMessage());
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException stop) {
                        return;
                    }
                }
                continue;
            }
            dispatch(socket);
        }
    }

    private void dispatch(AFUNIXSocket socket) {
        PeerCredentials peer;
        try {
            AFUNIXSocketCredentials c = socket.getPeerCredentials();
            peer = new PeerCredentials(c.getPid(), (int) c.getUid(), toInts(c.getGids(), c.getGid()));
        } catch (IOException e) {
            LOG.warn("no peer credentials on {}: {}; closing", path, e.getMessage());
            closeQuietly(socket);
            denied.increment();
            return;
        }
        if (!policy.permits(peer)) {
            LOG.warn("refused connection on {} from {}: allowed are {}", path, peer, policy);
            denied.increment();
            closeQuietly(socket);
            return;
        }
        if (!slots.tryAcquire()) {
            LOG.warn("refused connection on {} from {}: {} connections already served", path, peer, maxConnections);
            busy.increment();
            closeQuietly(socket);
            return;
        }
        accepted.increment();
        open.add(socket);
        Thread.ofVirtual().name("ipc-" + path.getFileName()).start(() -> serve(socket, peer));
    }

    private void serve(AFUNIXSocket socket, PeerCredentials peer) {
        try {
            handler.handle(socket, peer);
        } catch (SocketException e) {
            if (!closing) {
                LOG.debug("connection on {} from {} ended: {}", path, peer, e.getMessage());
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("connection on {} from {} failed: {}", path, peer, e.toString());
        } finally {
            // Free the slot before closing: a client that sees the close may reconnect at once.
            open.remove(socket);
            slots.release();
            closeQuietly(socket);
        }
    }

    private static int[] toInts(long[] gids, long primary) {
        if (gids == null || gids.length == 0) {
            return new int[] {(int) primary};
        }
        int[] out = new int[gids.length];
        for (int i = 0; i < gids.length; i++) {
            out[i] = (int) gids[i];
        }
        return out;
    }

    private static void closeQuietly(AFUNIXSocket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    /**
     * Stops accepting, lets running handlers finish within {@code grace}, then closes what is
     * left and removes the socket file.
     */
    public void stop(Duration grace) throws IOException, InterruptedException {
        closing = true;
        server.close();
        if (!slots.tryAcquire(maxConnections, grace.toMillis(), TimeUnit.MILLISECONDS)) {
            open.forEach(UnixSocketServer::closeQuietly);
        } else {
            slots.release(maxConnections);
        }
        Files.deleteIfExists(path);
    }

    @Override
    public void close() throws IOException {
        try {
            stop(Duration.ZERO);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
