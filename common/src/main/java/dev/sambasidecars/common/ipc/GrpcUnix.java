package dev.sambasidecars.common.ipc;

import dev.sambasidecars.common.metrics.Metrics;
import io.grpc.BindableService;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * gRPC over unix domain sockets, the transport of every local API between sidecars and to
 * {@code sidecarctl}. Servers check each connection's {@code SO_PEERCRED} against a
 * {@link PeerCredentialPolicy} before gRPC sees it.
 */
public final class GrpcUnix {
    private static final Logger LOG = LoggerFactory.getLogger(GrpcUnix.class);

    private GrpcUnix() {}

    /** Longest a local call may run on after a stop was asked for. */
    public static final Duration MAX_CALL_GRACE = Duration.ofSeconds(2);

    /** A running gRPC server on a unix socket; closing it stops the server and its threads. */
    public static final class UnixServer implements AutoCloseable {
        private final Server server;
        /** The server's own event loops, shut down with it; null where it runs on shared ones. */
        private final EventLoopGroup ownGroup;
        private final Path path;

        UnixServer(Server server, EventLoopGroup ownGroup, Path path) {
            this.server = server;
            this.ownGroup = ownGroup;
            this.path = path;
        }

        public Path path() {
            return path;
        }

        /**
         * Refuses new calls, lets running unary calls finish for up to half of {@code grace}
         * (at most {@link #MAX_CALL_GRACE}), then cancels what is left — long-lived streams
         * such as watches are not work to drain: their clients reconnect.
         */
        public void stop(Duration grace) throws InterruptedException {
            server.shutdown();
            long waitMs = Math.min(grace.toMillis() / 2, MAX_CALL_GRACE.toMillis());
            if (!server.awaitTermination(waitMs, TimeUnit.MILLISECONDS)) {
                server.shutdownNow().awaitTermination(1, TimeUnit.SECONDS);
            }
            if (ownGroup != null) {
                ownGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            }
            try {
                Files.deleteIfExists(path);
            } catch (IOException e) {
                LOG.debug("cannot remove {}: {}", path, e.getMessage());
            }
        }

        @Override
        public void close() {
            try {
                stop(Duration.ZERO);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Serves {@code services} on {@code path}; only peers the policy permits get through. */
    public static UnixServer serve(Path path, PeerCredentialPolicy policy, MeterRegistry registry, String module,
                                   List<BindableService> services) throws IOException {
        return serve(path, policy, registry, module, services, false);
    }

    /**
     * As {@link #serve(Path, PeerCredentialPolicy, MeterRegistry, String, List)}; with {@code inline}
     * the handlers run on the event loop that read the request, without a hand-off to a thread
     * pool: for services whose handlers never block (they answer from a future's completion).
     */
    public static UnixServer serve(Path path, PeerCredentialPolicy policy, MeterRegistry registry, String module,
                                   List<BindableService> services, boolean inline) throws IOException {
        return serve(path, policy, registry, module, services, inline, null);
    }

    /**
     * As {@link #serve(Path, PeerCredentialPolicy, MeterRegistry, String, List, boolean)}, on the
     * given epoll event loops (which the caller shuts down, after the server), or on two of its
     * own where {@code shared} is null.
     */
    public static UnixServer serve(Path path, PeerCredentialPolicy policy, MeterRegistry registry, String module,
                                   List<BindableService> services, boolean inline, EventLoopGroup shared)
            throws IOException {
        SocketFiles.prepare(path);
        EventLoopGroup own = shared == null ? new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory()) : null;
        EventLoopGroup group = shared == null ? own : shared;
        String socket = path.getFileName().toString();
        String name = Metrics.name(module, "ipc.connections");
        Counter accepted = Counter.builder(name).tag("socket", socket).tag("outcome", "accepted").register(registry);
        Counter denied = Counter.builder(name).tag("socket", socket).tag("outcome", "denied").register(registry);
        CredentialGate gate = new CredentialGate(path, policy, accepted, denied);
        NettyServerBuilder b = NettyServerBuilder.forAddress(new DomainSocketAddress(path.toString()))
                .channelFactory(() -> {
                    EpollServerDomainSocketChannel ch = new EpollServerDomainSocketChannel();
                    ch.pipeline().addFirst("peer-credentials", gate);
                    return ch;
                })
                .bossEventLoopGroup(group)
                .workerEventLoopGroup(group)
                .permitKeepAliveWithoutCalls(true)
                .permitKeepAliveTime(10, TimeUnit.SECONDS);
        if (inline) {
            b.directExecutor();
        }
        services.forEach(b::addService);
        Server server;
        try {
            server = b.build().start();
        } catch (IOException e) {
            if (own != null) {
                own.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            }
            throw new IOException("cannot serve gRPC on " + path + ": " + e.getMessage(), e);
        }
        SocketFiles.openToPolicy(path);
        return new UnixServer(server, own, path);
    }

    /** A channel to a gRPC server on {@code path}; close it with {@code shutdown()}. */
    public static ManagedChannel channel(Path path) {
        return channel(path, false);
    }

    /**
     * A channel to a gRPC server on {@code path}; with {@code inline}, async callbacks run on the
     * channel's event loop (for callers whose callbacks never block).
     */
    public static ManagedChannel channel(Path path, boolean inline) {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        NettyChannelBuilder b = NettyChannelBuilder.forAddress(new DomainSocketAddress(path.toString()))
                .channelType(EpollDomainSocketChannel.class)
                .eventLoopGroup(group)
                .usePlaintext();
        if (inline) {
            b.directExecutor();
        }
        return new OwningChannel(b.build(), group);
    }

    /**
     * Sits first on the server channel's pipeline and sees every accepted child before the
     * bootstrap registers it: refused peers are closed there and never reach gRPC.
     */
    @ChannelHandler.Sharable
    private static final class CredentialGate extends ChannelInboundHandlerAdapter {
        private final Path path;
        private final PeerCredentialPolicy policy;
        private final Counter accepted;
        private final Counter denied;

        CredentialGate(Path path, PeerCredentialPolicy policy, Counter accepted, Counter denied) {
            this.path = path;
            this.policy = policy;
            this.accepted = accepted;
            this.denied = denied;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof EpollDomainSocketChannel child) {
                PeerCredentials peer;
                try {
                    io.netty.channel.unix.PeerCredentials c = child.peerCredentials();
                    peer = new PeerCredentials(c.pid(), c.uid(), c.gids());
                } catch (IOException e) {
                    peer = null;
                }
                if (peer == null || !policy.permits(peer)) {
                    LOG.warn("refused gRPC connection on {} from {}: allowed are {}", path,
                            peer == null ? "unknown peer" : peer, policy);
                    denied.increment();
                    child.unsafe().closeForcibly();
                    return;
                }
                accepted.increment();
            }
            ctx.fireChannelRead(msg);
        }
    }
}
