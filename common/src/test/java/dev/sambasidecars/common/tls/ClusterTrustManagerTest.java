package dev.sambasidecars.common.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client's own check that a node's certificate names the address dialled. */
class ClusterTrustManagerTest {

    @TempDir
    Path tmp;

    private static X509Certificate cert(TestPki pki, NodeSpec spec) throws Exception {
        return pki.ca.issue(spec, Instant.now().minusSeconds(60), Instant.now().plusSeconds(3600)).certificate();
    }

    @Test
    void theDialledAddressMustBeNamed() throws Exception {
        TestPki pki = TestPki.create(tmp, "t");
        X509Certificate c = cert(pki, NodeSpec.of(InetAddress.getByName("10.0.0.1"))
                .withAddress(InetAddress.getByName("fd00::1")).withDnsName("node1.example"));
        ClusterTrustManager.checkDialled(c, "10.0.0.1");
        ClusterTrustManager.checkDialled(c, "[fd00::1]");
        ClusterTrustManager.checkDialled(c, "fd00:0:0:0:0:0:0:1");
        ClusterTrustManager.checkDialled(c, "NODE1.example");
        CertificateException e = assertThrows(CertificateException.class,
                () -> ClusterTrustManager.checkDialled(c, "10.0.0.2"));
        assertEquals("server certificate CN=10.0.0.1,O=samba-sidecars names [10.0.0.1, fd00::1], "
                + "not the address dialled, 10.0.0.2", e.getMessage());
        assertThrows(CertificateException.class, () -> ClusterTrustManager.checkDialled(c, "node2.example"));
        assertThrows(CertificateException.class, () -> ClusterTrustManager.checkDialled(c, null));
    }

    @Test
    void theEngineCheckRefusesAnotherNodesCertificateEvenWithoutEndpointIdentification() throws Exception {
        TestPki pki = TestPki.create(tmp, "t");
        ClusterTrustManager tm = new ClusterTrustManager(List.of(pki.ca.certificate()));
        X509Certificate c = cert(pki, NodeSpec.of(InetAddress.getByName("10.0.0.1")));
        // A bare engine: no HTTPS endpoint identification set, as a hand-built channel might have.
        SSLEngine engine = SSLContext.getDefault().createSSLEngine("10.0.0.2", 4000);
        CertificateException e = assertThrows(CertificateException.class,
                () -> tm.checkServerTrusted(new X509Certificate[] {c}, "ECDHE_ECDSA", engine));
        assertEquals(true, e.getMessage().contains("not the address dialled, 10.0.0.2"), e.getMessage());
    }
}
