package dev.sambasidecars.common.tls;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.net.InetAddress;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * The cluster node at the other end of a mutually authenticated connection, as its
 * certificate names it. A service served by {@link ClusterTls#serverBuilder} finds the
 * caller's identity with {@link #current()}.
 *
 * @param subject the peer certificate's subject, RFC 2253
 * @param addresses its IP subject alternative names: the node's CTDB address(es)
 * @param dnsNames its DNS subject alternative names
 */
public record NodeIdentity(String subject, List<InetAddress> addresses, List<String> dnsNames) {

    private static final Context.Key<NodeIdentity> KEY = Context.key("samba-sidecars-node-identity");

    public NodeIdentity {
        addresses = List.copyOf(addresses);
        dnsNames = List.copyOf(dnsNames);
    }

    /** The identity a certificate carries. */
    public static NodeIdentity of(X509Certificate certificate) {
        return new NodeIdentity(Certificates.subject(certificate), Certificates.ipAddresses(certificate),
                Certificates.dnsNames(certificate));
    }

    /** The peer of {@code session}; empty when it presented no certificate. */
    public static Optional<NodeIdentity> of(SSLSession session) {
        try {
            Certificate[] chain = session.getPeerCertificates();
            return chain.length > 0 && chain[0] instanceof X509Certificate x ? Optional.of(of(x)) : Optional.empty();
        } catch (SSLPeerUnverifiedException e) {
            return Optional.empty();
        }
    }

    /** The calling node of the gRPC call this thread serves; empty outside one. */
    public static Optional<NodeIdentity> current() {
        return Optional.ofNullable(KEY.get());
    }

    /**
     * Puts the calling node into the call's {@link Context}; refuses, as UNAUTHENTICATED, a
     * call whose transport carries no verified peer certificate (it cannot happen over a
     * {@link ClusterTls} server, and must not be served if a wrong server builder is used).
     */
    public static ServerInterceptor interceptor() {
        return new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                               ServerCallHandler<Q, R> next) {
                SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
                Optional<NodeIdentity> peer = session == null ? Optional.empty() : of(session);
                if (peer.isEmpty()) {
                    call.close(Status.UNAUTHENTICATED.withDescription("no verified node certificate"), new Metadata());
                    return new ServerCall.Listener<>() {};
                }
                return Contexts.interceptCall(Context.current().withValue(KEY, peer.get()), call, headers, next);
            }
        };
    }
}
