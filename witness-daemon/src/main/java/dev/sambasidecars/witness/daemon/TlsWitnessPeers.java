package dev.sambasidecars.witness.daemon;

import dev.sambasidecars.common.tls.ClusterTls;
import dev.sambasidecars.common.tls.TlsException;
import dev.sambasidecars.witness.api.v1.WitnessAdminGrpc;
import dev.sambasidecars.witness.api.v1.WitnessAdminGrpc.WitnessAdminBlockingStub;
import io.grpc.BindableService;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.StatusRuntimeException;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The other nodes' witness daemons over gRPC with mutual TLS (certificates from
 * {@code sidecarctl tls init}): this daemon serves the operator API on its node address and
 * {@code sidecar witness:admin port}, and asks the others on theirs. Until this node's address is
 * known, or when the TLS directory cannot be used (checked once, at start), every other node is
 * reported unreachable with the reason.
 */
final class TlsWitnessPeers implements WitnessPeers, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TlsWitnessPeers.class);
    static final long CALL_SECONDS = 10;

    private final Path tlsDirectory;
    private final int port;
    private final Supplier<Map<Integer, InetAddress>> nodes;
    private final IntSupplier thisPnn;
    private final Map<InetAddress, ManagedChannel> channels = new ConcurrentHashMap<>();
    private volatile ClusterTls tls;
    private volatile String unavailable = "this node's address is not known yet (ctdb-bridge)";
    private volatile Server server;
    private boolean attempted;

    TlsWitnessPeers(Path tlsDirectory, int port, Supplier<Map<Integer, InetAddress>> nodes, IntSupplier thisPnn) {
        this.tlsDirectory = tlsDirectory;
        this.port = port;
        this.nodes = nodes;
        this.thisPnn = thisPnn;
    }

    /** Loads the TLS files for {@code self} and serves {@code admin} on it; a failure is logged and remembered. */
    synchronized void start(InetAddress self, BindableService admin, MeterRegistry registry, String module) {
        if (attempted) {
            return;
        }
        attempted = true;
        try {
            ClusterTls t = ClusterTls.load(tlsDirectory, self);
            t.bindMetrics(registry, module);
            server = t.serverBuilder(new InetSocketAddress(self, port)).addService(admin).build().start();
            tls = t;
            unavailable = null;
            LOG.info("cluster-wide operator API on {}:{} with mutual TLS", self.getHostAddress(), port);
        } catch (TlsException e) {
            unavailable = "TLS between nodes is not usable here: " + e.getMessage();
            LOG.warn("cluster-wide witness commands are off: {} (run 'sidecarctl tls init')", e.getMessage());
            server = null;
        } catch (IOException e) {
            unavailable = "cannot listen on " + self.getHostAddress() + ":" + port + ": " + e.getMessage();
            LOG.warn("cluster-wide witness commands are off: {}", unavailable);
        }
    }

    @Override
    public <T> List<Answer<T>> ask(Function<WitnessAdminBlockingStub, T> call) {
        List<Answer<T>> out = new ArrayList<>();
        int self = thisPnn.getAsInt();
        for (Map.Entry<Integer, InetAddress> n : nodes.get().entrySet()) {
            if (n.getKey() == self) {
                continue;
            }
            ClusterTls t = tls;
            if (t == null) {
                out.add(new Answer<>(n.getKey(), null, unavailable));
                continue;
            }
            try {
                ManagedChannel ch = channels.computeIfAbsent(n.getValue(), a -> t.channelBuilder(a, port).build());
                T v = call.apply(WitnessAdminGrpc.newBlockingStub(ch).withDeadlineAfter(CALL_SECONDS, TimeUnit.SECONDS));
                out.add(new Answer<>(n.getKey(), v, null));
            } catch (StatusRuntimeException e) {
                out.add(new Answer<>(n.getKey(), null, n.getValue().getHostAddress() + ":" + port + ": "
                        + e.getStatus().getCode() + (e.getStatus().getDescription() == null ? ""
                        : " " + e.getStatus().getDescription())));
            }
        }
        return out;
    }

    @Override
    public void close() {
        Server s = server;
        if (s != null) {
            s.shutdownNow();
        }
        channels.values().forEach(ManagedChannel::shutdownNow);
    }
}
