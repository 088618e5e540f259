package dev.sambasidecars.common.tls;

import com.google.common.net.InetAddresses;
import dev.sambasidecars.common.metrics.Metrics;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLException;

/**
 * Mutual TLS between the nodes of a cluster, for gRPC over TCP. Every node has a certificate
 * from the cluster CA naming its CTDB node address; a node trusts that CA and nothing else,
 * demands a certificate from every caller ({@code ClientAuth.REQUIRE}), and checks that the
 * node it dials presents a certificate naming the address it dialled. TLS 1.3 only: both ends
 * are this software on Java 25, so nothing older needs to be spoken.
 *
 * <p>Loading checks the whole {@link TlsFiles} directory and refuses, with a
 * {@link TlsFileException} naming the file, anything a handshake would later fail on or that is
 * unsafe: a missing file, a key others may read, a certificate not from the CA, out of its
 * validity, lacking the node's address, or not matching the key. {@link #reload()} re-reads
 * the directory for handshakes that follow (after certificates were renewed), keeping the old
 * material when the new is unusable.
 *
 * <p>Typical use: {@code tls.serverBuilder(new InetSocketAddress(nodeAddress, port))
 * .addService(…).build().start()} and {@code tls.channelBuilder(peerAddress, port).build()};
 * services learn the calling node from {@link NodeIdentity#current()}.
 */
public final class ClusterTls {

    /** The TLS protocol versions spoken between nodes. */
    public static final List<String> PROTOCOLS = List.of("TLSv1.3");

    /**
     * How long a TLS session may be resumed without the certificates being checked again:
     * short, so that after {@link #reload()} (a CA dropped, a node re-keyed) old sessions soon
     * stop counting. Node-to-node gRPC connections are long-lived; they rarely resume anyway.
     */
    public static final long SESSION_TIMEOUT_SECONDS = 600;

    private final TlsFiles files;
    private final NodeAddressCheck self;
    private final Clock clock;
    private final NodeKeyManager keys;
    private final ClusterTrustManager trust;
    private final SslContext serverContext;
    private final SslContext clientContext;
    private volatile TlsMaterial material;

    private ClusterTls(TlsFiles files, NodeAddressCheck self, Clock clock) throws TlsException {
        this.files = files;
        this.self = self;
        this.clock = clock;
        this.material = TlsMaterial.load(files, self, clock.instant());
        this.keys = new NodeKeyManager(material);
        this.trust = new ClusterTrustManager(material.cas());
        this.serverContext = build(SslContextBuilder.forServer(keys).clientAuth(ClientAuth.REQUIRE));
        this.clientContext = build(SslContextBuilder.forClient().keyManager(keys));
    }

    /**
     * Loads the TLS directory of the node whose CTDB address is {@code nodeAddress}: the node
     * certificate must name it.
     */
    public static ClusterTls load(Path directory, InetAddress nodeAddress) throws TlsException {
        return new ClusterTls(new TlsFiles(directory), new NodeAddressCheck.Exactly(nodeAddress), Clock.systemUTC());
    }

    /**
     * Loads the TLS directory of this host when its node address is not known (yet): the node
     * certificate must name one of the host's interface addresses.
     */
    public static ClusterTls loadForThisHost(Path directory) throws TlsException {
        return new ClusterTls(new TlsFiles(directory), new NodeAddressCheck.ThisHost(), Clock.systemUTC());
    }

    private SslContext build(SslContextBuilder b) throws TlsException {
        try {
            return GrpcSslContexts.configure(b.trustManager(trust), SslProvider.JDK)
                    .protocols(PROTOCOLS)
                    .sessionTimeout(SESSION_TIMEOUT_SECONDS)
                    .build();
        } catch (SSLException | RuntimeException e) {
            throw new TlsException("cannot set up " + PROTOCOLS + " with the JDK's TLS: " + e.getMessage(), e);
        }
    }

    /**
     * Re-reads the TLS directory; handshakes from now on use what it holds. Connections already
     * open keep the identities they were made with (close them to force new handshakes), and so
     * do sessions resumed within {@link #SESSION_TIMEOUT_SECONDS}. When the directory is
     * unusable nothing changes and the exception says why.
     */
    public synchronized void reload() throws TlsException {
        TlsMaterial fresh = TlsMaterial.load(files, self, clock.instant());
        trust.update(fresh.cas());
        keys.update(fresh);
        material = fresh;
    }

    /** The TLS directory files. */
    public TlsFiles files() {
        return files;
    }

    /** This node's certificate. */
    public CertificateInfo node() {
        return CertificateInfo.of(material.certificate());
    }

    /** The cluster CA certificates peers are checked against. */
    public List<CertificateInfo> cas() {
        return material.cas().stream().map(CertificateInfo::of).toList();
    }

    /**
     * This node's key and certificate as a JSSE key manager, for libraries that build their TLS
     * themselves (Ratis's own shaded gRPC). It follows {@link #reload()}.
     */
    public javax.net.ssl.X509ExtendedKeyManager keyManager() {
        return keys;
    }

    /**
     * Trusts exactly the cluster CA and checks that a server's certificate names the address
     * dialled; follows {@link #reload()}.
     */
    public javax.net.ssl.X509ExtendedTrustManager trustManager() {
        return trust;
    }

    /** Server side: TLS 1.3, this node's certificate, a client certificate from the CA required. */
    public SslContext serverContext() {
        return serverContext;
    }

    /** Client side: TLS 1.3, this node's certificate, the server must name the address dialled. */
    public SslContext clientContext() {
        return clientContext;
    }

    /**
     * A gRPC server on {@code address} speaking mutual TLS, with {@link NodeIdentity} of the
     * caller in each call's context.
     */
    public NettyServerBuilder serverBuilder(InetSocketAddress address) {
        return NettyServerBuilder.forAddress(address)
                .sslContext(serverContext)
                .intercept(NodeIdentity.interceptor());
    }

    /**
     * A gRPC channel to the node at {@code node}:{@code port}. The node is addressed by IP (its
     * CTDB node address), and its certificate must name that IP.
     */
    public NettyChannelBuilder channelBuilder(InetAddress node, int port) {
        Objects.requireNonNull(node, "node");
        InetAddress literal;
        try {
            // Drop any host name the address carries, so that the address itself is checked.
            literal = InetAddress.getByAddress(node.getAddress());
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
        return NettyChannelBuilder.forAddress(new InetSocketAddress(literal, port))
                .overrideAuthority(InetAddresses.toUriString(literal) + ":" + port)
                .sslContext(clientContext);
    }

    /**
     * Publishes when this node's certificate and the earliest CA certificate expire, as Unix
     * time: {@code sidecar_<module>_tls_certificate_expiry_seconds{certificate="node"|"ca"}}.
     */
    public void bindMetrics(MeterRegistry registry, String module) {
        String name = Metrics.name(module, "tls.certificate.expiry");
        // Supplier gauges hold this object strongly: a daemon that keeps only the key and trust
        // managers (handed to a library) must not see the gauges turn NaN when it is collected.
        Gauge.builder(name, () -> seconds(material.certificate()))
                .tag("certificate", "node").baseUnit("seconds")
                .description("end of validity of this node's TLS certificate, Unix time").register(registry);
        Gauge.builder(name, () -> material.cas().stream().mapToDouble(ClusterTls::seconds).min().orElse(0))
                .tag("certificate", "ca").baseUnit("seconds")
                .description("end of validity of the cluster CA certificate, Unix time").register(registry);
    }

    private static double seconds(X509Certificate c) {
        return c.getNotAfter().getTime() / 1000.0;
    }
}
