package dev.sambasidecars.common.tls;

import com.google.common.net.InetAddresses;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts exactly the cluster CA: the JDK's PKIX checks (chain, validity, extended key usage)
 * against {@code ca.pem} alone, and on the client side the server certificate must also name
 * the address dialled. gRPC asks the JDK for the same address check; doing it here too keeps
 * it from depending on how a channel was built, and gives a message an operator can act on.
 * The address is compared first (a comparison decides nothing alone: the chain is checked
 * after it either way), so a certificate of the wrong node is reported as that.
 */
final class ClusterTrustManager extends X509ExtendedTrustManager {
    private volatile X509ExtendedTrustManager delegate;

    ClusterTrustManager(List<X509Certificate> cas) throws TlsException {
        update(cas);
    }

    void update(List<X509Certificate> cas) throws TlsException {
        try {
            KeyStore anchors = KeyStore.getInstance("PKCS12");
            anchors.load(null, null);
            for (int i = 0; i < cas.size(); i++) {
                anchors.setCertificateEntry("cluster-ca-" + i, cas.get(i));
            }
            TrustManagerFactory f = TrustManagerFactory.getInstance("PKIX");
            f.init(anchors);
            for (TrustManager tm : f.getTrustManagers()) {
                if (tm instanceof X509ExtendedTrustManager x) {
                    delegate = x;
                    return;
                }
            }
            throw new TlsException("the JDK offers no X509ExtendedTrustManager for PKIX");
        } catch (GeneralSecurityException | IOException e) {
            throw new TlsException("cannot trust the cluster CA: " + e.getMessage(), e);
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        delegate.checkClientTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        delegate.checkClientTrusted(chain, authType, socket);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        delegate.checkClientTrusted(chain, authType, engine);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("a node's certificate is checked against the address dialled, "
                + "which this call does not give");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        SSLSession s = socket instanceof SSLSocket ssl ? ssl.getHandshakeSession() : null;
        checkDialled(chain[0], s == null ? null : s.getPeerHost());
        delegate.checkServerTrusted(chain, authType, socket);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        checkDialled(chain[0], engine.getPeerHost());
        delegate.checkServerTrusted(chain, authType, engine);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return delegate.getAcceptedIssuers();
    }

    /** The server certificate must name {@code host}: the IP literal (or name) the client dialled. */
    static void checkDialled(X509Certificate server, String host) throws CertificateException {
        if (host == null || host.isEmpty()) {
            throw new CertificateException("no dialled address to check the server certificate "
                    + Certificates.subject(server) + " against");
        }
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        int zone = h.indexOf('%');
        if (zone >= 0) {
            h = h.substring(0, zone);
        }
        if (InetAddresses.isInetAddress(h)) {
            InetAddress dialled = InetAddresses.forString(h);
            List<InetAddress> named = Certificates.ipAddresses(server);
            if (!named.contains(dialled)) {
                throw new CertificateException("server certificate " + Certificates.subject(server) + " names "
                        + named.stream().map(Certificates::text).toList() + ", not the address dialled, "
                        + Certificates.text(dialled));
            }
            return;
        }
        String name = h.toLowerCase(Locale.ROOT);
        if (Certificates.dnsNames(server).stream().noneMatch(n -> n.toLowerCase(Locale.ROOT).equals(name))) {
            throw new CertificateException("server certificate " + Certificates.subject(server)
                    + " does not name the host dialled, " + h);
        }
    }
}
