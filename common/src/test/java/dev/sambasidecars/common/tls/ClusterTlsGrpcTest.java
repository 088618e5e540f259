package dev.sambasidecars.common.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real gRPC calls over loopback TCP between nodes with certificates from the cluster CA. */
class ClusterTlsGrpcTest {
    private static final InetAddress LOOPBACK = TestPki.LOOPBACK;

    private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    /** Answers "<caller's certificate subject> <TLS protocol> <request>". */
    private static final MethodDescriptor<byte[], byte[]> WHO = MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName("test.Nodes/Who")
            .setRequestMarshaller(BYTES)
            .setResponseMarshaller(BYTES)
            .build();

    @TempDir
    Path tmp;

    private TestPki pki;
    private final List<Integer> served = new CopyOnWriteArrayList<>();
    private final List<String> protocols = new CopyOnWriteArrayList<>();
    private final List<Server> servers = new ArrayList<>();
    private final List<ManagedChannel> channels = new ArrayList<>();

    @BeforeEach
    void cluster() throws Exception {
        pki = TestPki.create(tmp.resolve("pki"), "test");
    }

    @AfterEach
    void stop() throws InterruptedException {
        for (ManagedChannel c : channels) {
            c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        for (Server s : servers) {
            s.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private ServerServiceDefinition service() {
        ServerServiceDefinition def = ServerServiceDefinition.builder("test.Nodes")
                .addMethod(WHO, ServerCalls.asyncUnaryCall((req, out) -> {
                    served.add(1);
                    String who = NodeIdentity.current().map(NodeIdentity::subject).orElse("nobody");
                    out.onNext((who + " " + protocols.getLast() + " " + new String(req, StandardCharsets.UTF_8))
                            .getBytes(StandardCharsets.UTF_8));
                    out.onCompleted();
                }))
                .build();
        return ServerInterceptors.intercept(def, new io.grpc.ServerInterceptor() {
            @Override
            public <Q, R> io.grpc.ServerCall.Listener<Q> interceptCall(io.grpc.ServerCall<Q, R> call,
                    io.grpc.Metadata headers, io.grpc.ServerCallHandler<Q, R> next) {
                protocols.add(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION).getProtocol());
                return next.startCall(call, headers);
            }
        });
    }

    private int serve(ClusterTls tls, InetAddress bind) throws IOException {
        Server s = tls.serverBuilder(new InetSocketAddress(bind, 0)).addService(service()).build().start();
        servers.add(s);
        return ((InetSocketAddress) s.getListenSockets().getFirst()).getPort();
    }

    private String call(ManagedChannel ch, String text) {
        channels.add(ch);
        byte[] answer = ClientCalls.blockingUnaryCall(ch, WHO,
                io.grpc.CallOptions.DEFAULT.withDeadlineAfter(20, TimeUnit.SECONDS), text.getBytes(StandardCharsets.UTF_8));
        return new String(answer, StandardCharsets.UTF_8);
    }

    private StatusRuntimeException refused(ManagedChannel ch) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> call(ch, "hello"));
        assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode(), e.getStatus().toString());
        assertEquals(List.of(), served, "the service was never reached");
        return e;
    }

    /**
     * A client that trusts the cluster CA and dials the server by its IP, so that nothing it
     * checks can fail: what fails is the server refusing its certificate (or its lack of one).
     */
    private ManagedChannel rogueChannel(int port, SslContextBuilder tls) throws Exception {
        return NettyChannelBuilder.forAddress(new InetSocketAddress(LOOPBACK, port))
                .overrideAuthority(LOOPBACK.getHostAddress() + ":" + port)
                .sslContext(GrpcSslContexts.configure(tls.trustManager(pki.ca.certificate()), SslProvider.JDK).build())
                .build();
    }

    /** The client saw the server end the handshake, not a failure of its own checks. */
    private static String assertRefusedByServer(StatusRuntimeException e) {
        String why = causes(e);
        System.err.println("refused: " + why);
        assertTrue(!why.contains("PKIX") && !why.contains("No name matching")
                && !why.contains("No subject alternative names"), why);
        return why;
    }

    private static String causes(Throwable t) {
        StringBuilder sb = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            sb.append(c).append(" | ");
        }
        return sb.toString();
    }

    @Test
    void nodesWithCertificatesFromTheClusterCaCallEachOtherOverTls13() throws Exception {
        ClusterTls server = ClusterTls.load(pki.node("server", LOOPBACK), LOOPBACK);
        ClusterTls client = ClusterTls.load(pki.node("client", LOOPBACK), LOOPBACK);
        int port = serve(server, LOOPBACK);

        String answer = call(client.channelBuilder(LOOPBACK, port).build(), "hello");

        String loop = LOOPBACK.getHostAddress();
        assertEquals("CN=" + loop + ",O=samba-sidecars TLSv1.3 hello", answer);
        assertEquals(1, served.size());
    }

    @Test
    void aClientCertificateFromAnotherCaIsRefused() throws Exception {
        ClusterTls server = ClusterTls.load(pki.node("server", LOOPBACK), LOOPBACK);
        int port = serve(server, LOOPBACK);
        // The rogue trusts the cluster CA, so only its own certificate can be what fails.
        CertificateAuthority.NodeCredentials rogue = TestPki.create(tmp.resolve("other"), "other").issue(LOOPBACK);
        // A key manager that presents its certificate whatever CAs the server asks for: the JDK's
        // own would send none, as the server names only the cluster CA as acceptable.
        ManagedChannel ch = rogueChannel(port, SslContextBuilder.forClient().keyManager(new NodeKeyManager(
                new TlsMaterial(List.of(), List.of(rogue.certificate()), rogue.privateKey()))));

        String why = assertRefusedByServer(refused(ch));
        assertTrue(!why.contains("certificate_required"), "the certificate was sent, and refused: " + why);
    }

    @Test
    void aClientWithoutCertificateIsRefused() throws Exception {
        ClusterTls server = ClusterTls.load(pki.node("server", LOOPBACK), LOOPBACK);
        int port = serve(server, LOOPBACK);
        ManagedChannel ch = rogueChannel(port, SslContextBuilder.forClient());

        assertRefusedByServer(refused(ch));
    }

    @Test
    void aPlaintextClientIsRefused() throws Exception {
        ClusterTls server = ClusterTls.load(pki.node("server", LOOPBACK), LOOPBACK);
        int port = serve(server, LOOPBACK);

        refused(NettyChannelBuilder.forAddress(new InetSocketAddress(LOOPBACK, port)).usePlaintext().build());
    }

    @Test
    void aServerWhoseCertificateLacksTheDialledAddressIsRefusedByTheClient() throws Exception {
        // A certificate of another node (127.0.0.2) served on 127.0.0.1: signed by the CA, wrong address.
        InetAddress other = InetAddress.getByName("127.0.0.2");
        ClusterTls server = ClusterTls.load(pki.node("server", other), other);
        ClusterTls client = ClusterTls.load(pki.node("client", LOOPBACK), LOOPBACK);
        int port = serve(server, LOOPBACK);

        StatusRuntimeException e = refused(client.channelBuilder(LOOPBACK, port).build());

        assertTrue(causes(e).contains("127.0.0.2") || causes(e).contains("No subject alternative names matching"),
                causes(e));
    }

    @Test
    void aServerFromAnotherCaIsRefusedByTheClient() throws Exception {
        TestPki other = TestPki.create(tmp.resolve("other"), "other");
        ClusterTls server = ClusterTls.load(other.node("server", LOOPBACK), LOOPBACK);
        ClusterTls client = ClusterTls.load(pki.node("client", LOOPBACK), LOOPBACK);
        int port = serve(server, LOOPBACK);

        refused(client.channelBuilder(LOOPBACK, port).build());
    }

    @Test
    void aNodeDialledByAnotherAddressItsCertificateNamesIsAccepted() throws Exception {
        InetAddress second = InetAddress.getByName("127.0.0.3");
        ClusterTls server = ClusterTls.load(pki.node("server", LOOPBACK, second), LOOPBACK);
        ClusterTls client = ClusterTls.load(pki.node("client", LOOPBACK), LOOPBACK);
        int port = serve(server, second);

        assertTrue(call(client.channelBuilder(second, port).build(), "x").endsWith(" x"));
    }

    @Test
    void ipv6NodeAddressesWork() throws Exception {
        InetAddress v6 = InetAddress.getByName("::1");
        try (ServerSocket probe = new ServerSocket(0, 1, v6)) {
            assumeTrue(probe.isBound());
        } catch (IOException e) {
            assumeTrue(false, "no IPv6 loopback on this host: " + e.getMessage());
        }
        ClusterTls server = ClusterTls.load(pki.node("server", v6), v6);
        ClusterTls client = ClusterTls.load(pki.node("client", v6), v6);
        int port = serve(server, v6);

        assertEquals("CN=::1,O=samba-sidecars TLSv1.3 six", call(client.channelBuilder(v6, port).build(), "six"));
    }

    /** The serial of the certificate the server presents to a fresh client (no TLS session to resume). */
    private java.math.BigInteger presentedSerial(Path clientDir, int port) throws Exception {
        ManagedChannel ch = ClusterTls.load(clientDir, LOOPBACK).channelBuilder(LOOPBACK, port).build();
        channels.add(ch);
        java.util.concurrent.atomic.AtomicReference<javax.net.ssl.SSLSession> session =
                new java.util.concurrent.atomic.AtomicReference<>();
        io.grpc.Channel seen = io.grpc.ClientInterceptors.intercept(ch, new io.grpc.ClientInterceptor() {
            @Override
            public <Q, R> io.grpc.ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> m, io.grpc.CallOptions o,
                                                                 io.grpc.Channel next) {
                io.grpc.ClientCall<Q, R> call = next.newCall(m, o);
                return new io.grpc.ForwardingClientCall.SimpleForwardingClientCall<>(call) {
                    @Override
                    public void start(Listener<R> listener, io.grpc.Metadata headers) {
                        super.start(new io.grpc.ForwardingClientCallListener.SimpleForwardingClientCallListener<>(
                                listener) {
                            @Override
                            public void onHeaders(io.grpc.Metadata h) {
                                session.set(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION));
                                super.onHeaders(h);
                            }
                        }, headers);
                    }
                };
            }
        });
        ClientCalls.blockingUnaryCall(seen, WHO, io.grpc.CallOptions.DEFAULT.withDeadlineAfter(20, TimeUnit.SECONDS),
                new byte[] {'?'});
        return ((java.security.cert.X509Certificate) session.get().getPeerCertificates()[0]).getSerialNumber();
    }

    @Test
    void reloadPresentsTheRenewedCertificateAndKeepsTheOldWhenTheNewIsBroken() throws Exception {
        Path dir = pki.node("server", LOOPBACK);
        Path clientDir = pki.node("client", LOOPBACK);
        ClusterTls server = ClusterTls.load(dir, LOOPBACK);
        int port = serve(server, LOOPBACK);
        java.math.BigInteger before = server.node().serial();
        assertEquals(before, presentedSerial(clientDir, port));

        pki.node("server", LOOPBACK);   // renewed in place
        server.reload();
        java.math.BigInteger renewed = server.node().serial();
        assertNotEquals(before, renewed);
        assertEquals(renewed, presentedSerial(clientDir, port));

        Files.writeString(dir.resolve(TlsFiles.NODE_CERTIFICATE), "garbage");
        TlsFileException e = assertThrows(TlsFileException.class, server::reload);
        assertEquals(TlsFileException.Problem.MALFORMED, e.problem());
        assertEquals(renewed, server.node().serial());
        assertEquals(renewed, presentedSerial(clientDir, port));
    }
}
