package dev.sambasidecars.common.daemon;

import dev.sambasidecars.common.config.CommonOptions;
import dev.sambasidecars.common.config.SidecarConfig;
import dev.sambasidecars.common.ipc.GrpcUnix;
import dev.sambasidecars.common.ipc.PeerCredentialPolicy;
import dev.sambasidecars.common.lifecycle.Lifecycle;
import dev.sambasidecars.common.lifecycle.SdNotify;
import dev.sambasidecars.common.metrics.Metrics;
import dev.sambasidecars.common.metrics.MetricsServer;
import dev.sambasidecars.common.tls.ClusterTls;
import dev.sambasidecars.common.tls.TlsException;
import dev.sambasidecars.common.tls.TlsFiles;
import io.grpc.BindableService;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What a running daemon is given: its configuration, metrics registry and server, lifecycle,
 * and the local gRPC API it serves on {@code <socket directory>/<module>.sock}. A module adds
 * its local services during {@link DaemonCommand#start}; they are served once it returns.
 */
public final class DaemonContext {
    private final String module;
    private final SidecarConfig config;
    private final Metrics metrics;
    private final MetricsServer metricsServer;
    private final Lifecycle lifecycle;
    private final SdNotify notify;
    private final List<BindableService> localServices = new ArrayList<>();
    private boolean inlineLocalApi;
    private EventLoopGroup networkThread;

    DaemonContext(String module, SidecarConfig config, Metrics metrics, MetricsServer metricsServer,
                  Lifecycle lifecycle, SdNotify notify) {
        this.module = module;
        this.config = config;
        this.metrics = metrics;
        this.metricsServer = metricsServer;
        this.lifecycle = lifecycle;
        this.notify = notify;
    }

    public String module() {
        return module;
    }

    public SidecarConfig config() {
        return config;
    }

    public Metrics metrics() {
        return metrics;
    }

    public MetricsServer metricsServer() {
        return metricsServer;
    }

    public Lifecycle lifecycle() {
        return lifecycle;
    }

    public SdNotify notifier() {
        return notify;
    }

    /** Who may use this daemon's local sockets. */
    public PeerCredentialPolicy peerPolicy() {
        return PeerCredentialPolicy.from(config);
    }

    /** The directory of the sidecars' local sockets. */
    public Path socketDirectory() {
        return config.get(CommonOptions.COMMON, CommonOptions.SOCKET_DIRECTORY);
    }

    /** Where this daemon's local gRPC API listens. */
    public Path localApiSocket() {
        return socketDirectory().resolve(module + ".sock");
    }

    /**
     * This node's mutual TLS for gRPC between nodes, from {@code sidecar common:tls directory};
     * the certificate must name {@code nodeAddress}, the node's CTDB address. Publishes the
     * certificates' expiry. A directory that cannot be used stops the start (exit status 3) with
     * a message naming the file and what is wrong with it.
     */
    public ClusterTls clusterTls(InetAddress nodeAddress) throws StartupException {
        try {
            ClusterTls tls = ClusterTls.load(TlsFiles.of(config).directory(), nodeAddress);
            tls.bindMetrics(metrics.registry(), module);
            return tls;
        } catch (TlsException e) {
            throw new StartupException("TLS between nodes: " + e.getMessage(), e);
        }
    }

    /** Adds a service to the local gRPC API. */
    public void addLocalService(BindableService service) {
        localServices.add(service);
    }

    /**
     * Declares that no handler of the local API blocks (each answers from a future's completion):
     * requests are then handled on the event loop that read them, without a hand-off per call.
     */
    public void inlineLocalApi() {
        inlineLocalApi = true;
    }

    /**
     * One epoll event loop (one thread) that the local API then runs on too, for the module's
     * other gRPC servers and channels. A call that comes in on one of them and goes out on
     * another (a write forwarded to another node, its result coming back) then stays on this
     * thread rather than being handed to a second one and back: on a small virtual machine each
     * such hand-off is a thread wake-up that costs more CPU than the call's own work. Only for
     * handlers that never block (see {@link #inlineLocalApi}). It stops after everything
     * registered with the lifecycle after the first call.
     */
    public synchronized EventLoopGroup networkThread() {
        if (networkThread == null) {
            EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory(module + "-network", true),
                    EpollIoHandler.newFactory());
            lifecycle.onStop("network thread", grace -> group.shutdownGracefully(0, 1, TimeUnit.SECONDS)
                    .await(2, TimeUnit.SECONDS));
            networkThread = group;
        }
        return networkThread;
    }

    GrpcUnix.UnixServer serveLocalApi(long startedMillis) throws IOException {
        List<BindableService> all = new ArrayList<>(localServices);
        all.add(new DaemonInfoService(module, config, metricsServer.url(), startedMillis));
        EventLoopGroup shared;
        synchronized (this) {
            shared = networkThread;
        }
        GrpcUnix.UnixServer server = GrpcUnix.serve(localApiSocket(), peerPolicy(), metrics.registry(), module, all,
                inlineLocalApi, shared);
        lifecycle.onStop("local API " + server.path(), server::stop);
        return server;
    }
}
