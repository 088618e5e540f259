package dev.sambasidecars.common.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sambasidecars.common.tls.TlsFileException.Problem;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What loading a node's TLS directory refuses, and how it says so. */
class ClusterTlsLoadTest {
    private static final InetAddress NODE = TestPki.LOOPBACK;

    @TempDir
    Path tmp;

    private TestPki pki;

    @BeforeEach
    void cluster() throws Exception {
        pki = TestPki.create(tmp.resolve("pki"), "test");
    }

    private TlsFileException refused(Path dir, Problem problem, Path file) {
        TlsFileException e = assertThrows(TlsFileException.class, () -> ClusterTls.load(dir, NODE));
        assertEquals(problem, e.problem(), e.getMessage());
        assertEquals(file, e.file());
        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        return e;
    }

    @Test
    void aGoodDirectoryLoadsAndDescribesItsCertificates() throws Exception {
        Path dir = pki.node("n", NodeSpec.of(NODE).withDnsName("node1.example"));
        ClusterTls tls = ClusterTls.load(dir, NODE);
        assertEquals(List.of(NODE), tls.node().addresses());
        assertEquals(List.of("node1.example"), tls.node().dnsNames());
        assertEquals("CN=test cluster CA,O=samba-sidecars", tls.cas().getFirst().subject());
        assertEquals(tls.cas().getFirst().subject(), tls.node().issuer());
        // The loopback address is this host's own.
        assertEquals(tls.node().serial(), ClusterTls.loadForThisHost(dir).node().serial());
    }

    @Test
    void expiryIsPublishedAsAMetric() throws Exception {
        ClusterTls tls = ClusterTls.load(pki.node("n", NODE), NODE);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        tls.bindMetrics(registry, "witness");
        double node = registry.get("sidecar.witness.tls.certificate.expiry").tag("certificate", "node").gauge().value();
        assertEquals(tls.node().notAfter().getEpochSecond(), (long) node);
        double ca = registry.get("sidecar.witness.tls.certificate.expiry").tag("certificate", "ca").gauge().value();
        assertEquals(tls.cas().getFirst().notAfter().getEpochSecond(), (long) ca);
    }

    @Test
    void missingFilesAreNamed() throws Exception {
        Path dir = pki.node("n", NODE);
        Files.delete(dir.resolve("node.key"));
        refused(dir, Problem.MISSING, dir.resolve("node.key"));
        Files.delete(dir.resolve("ca.pem"));
        TlsFileException e = refused(dir, Problem.MISSING, dir.resolve("ca.pem"));
        assertEquals(dir.resolve("ca.pem") + ": does not exist", e.getMessage());
        refused(tmp.resolve("nowhere"), Problem.MISSING, tmp.resolve("nowhere/ca.pem"));
    }

    @Test
    void aKeyOthersMayReadIsRefused() throws Exception {
        Path dir = pki.node("n", NODE);
        Path key = dir.resolve("node.key");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
        TlsFileException e = refused(dir, Problem.INSECURE_PERMISSIONS, key);
        assertTrue(e.getMessage().contains("mode 0644") && e.getMessage().contains("chmod 600"), e.getMessage());
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw----r--"));
        refused(dir, Problem.INSECURE_PERMISSIONS, key);
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("r--------"));
        ClusterTls.load(dir, NODE);
    }

    @Test
    void anExpiredNodeCertificateIsRefusedSayingWhen() throws Exception {
        Instant now = Instant.now();
        Path dir = pki.node("n", NodeSpec.of(NODE), now.minus(Duration.ofDays(800)), now.minus(Duration.ofDays(3)));
        TlsFileException e = refused(dir, Problem.EXPIRED, dir.resolve("node.pem"));
        assertTrue(e.getMessage().contains("CN=127.0.0.1,O=samba-sidecars expired 3 days ago ("), e.getMessage());
    }

    @Test
    void aNodeCertificateNotYetValidIsRefused() throws Exception {
        Instant now = Instant.now();
        Path dir = pki.node("n", NodeSpec.of(NODE), now.plus(Duration.ofDays(2)), now.plus(Duration.ofDays(30)));
        TlsFileException e = refused(dir, Problem.NOT_YET_VALID, dir.resolve("node.pem"));
        assertTrue(e.getMessage().contains("clock"), e.getMessage());
    }

    @Test
    void anExpiredCaIsRefused() throws Exception {
        Instant now = Instant.now();
        CertificateAuthority old = CertificateAuthority.create("old", now.minus(Duration.ofDays(100)),
                now.minus(Duration.ofDays(1)));
        Path dir = pki.node("n", NODE);
        PemFiles.writeCertificates(dir.resolve("ca.pem"), List.of(old.certificate()), true);
        refused(dir, Problem.EXPIRED, dir.resolve("ca.pem"));
    }

    @Test
    void aNodeCertificateFromAnotherCaIsRefused() throws Exception {
        Path dir = TestPki.create(tmp.resolve("other"), "other").node("n", NODE);
        PemFiles.writeCertificates(dir.resolve("ca.pem"), List.of(pki.ca.certificate()), true);
        TlsFileException e = refused(dir, Problem.NOT_SIGNED_BY_CA, dir.resolve("node.pem"));
        assertTrue(e.getMessage().contains("is not signed by the cluster CA of " + dir.resolve("ca.pem")), e.getMessage());
        assertTrue(e.getMessage().contains("CN=test cluster CA"), e.getMessage());
    }

    @Test
    void aCaBundleTrustsCertificatesOfEitherCa() throws Exception {
        TestPki next = TestPki.create(tmp.resolve("next"), "next");
        Path dir = next.node("n", NODE);
        PemFiles.writeCertificates(dir.resolve("ca.pem"), List.of(pki.ca.certificate(), next.ca.certificate()), true);
        assertEquals(2, ClusterTls.load(dir, NODE).cas().size());
    }

    @Test
    void theNodesOwnAddressMustBeInItsCertificate() throws Exception {
        Path dir = pki.node("n", InetAddress.getByName("10.1.2.3"));
        TlsFileException e = refused(dir, Problem.ADDRESS_NOT_IN_CERTIFICATE, dir.resolve("node.pem"));
        assertEquals(dir.resolve("node.pem") + ": names 10.1.2.3 but this node's address is 127.0.0.1; "
                + "peers that dial it would refuse it", e.getMessage());
        TlsFileException host = assertThrows(TlsFileException.class, () -> ClusterTls.loadForThisHost(dir));
        assertEquals(Problem.ADDRESS_NOT_IN_CERTIFICATE, host.problem());
        assertTrue(host.getMessage().contains("names 10.1.2.3, none of them an address of this host"), host.getMessage());
    }

    @Test
    void aKeyOfAnotherCertificateIsRefused() throws Exception {
        Path dir = pki.node("n", NODE);
        Path other = pki.node("m", NODE);
        Files.copy(other.resolve("node.key"), dir.resolve("node.key"), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        TlsFileException e = refused(dir, Problem.KEY_MISMATCH, dir.resolve("node.key"));
        assertTrue(e.getMessage().contains("is not the private key of the certificate"), e.getMessage());
    }

    @Test
    void garbageAndWrongPemObjectsAreRefused() throws Exception {
        Path dir = pki.node("n", NODE);
        Files.writeString(dir.resolve("node.pem"), "not pem at all\n");
        TlsFileException e = refused(dir, Problem.MALFORMED, dir.resolve("node.pem"));
        assertTrue(e.getMessage().endsWith("holds no PEM certificate (BEGIN CERTIFICATE)"), e.getMessage());

        Files.writeString(dir.resolve("node.pem"), "-----BEGIN CERTIFICATE-----\nAAAA!!!!\n-----END CERTIFICATE-----\n");
        refused(dir, Problem.MALFORMED, dir.resolve("node.pem"));

        // The key where the certificate belongs.
        Files.copy(dir.resolve("node.key"), dir.resolve("node.pem"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        e = refused(dir, Problem.MALFORMED, dir.resolve("node.pem"));
        assertTrue(e.getMessage().endsWith("holds a private key where only certificates belong"), e.getMessage());
    }

    @Test
    void aSec1EcKeyAsOpensslEcparamWritesItIsAccepted() throws Exception {
        Path dir = pki.node("n", NODE);
        java.security.PrivateKey key = PemFiles.readPrivateKey(dir.resolve("node.key"));
        org.bouncycastle.asn1.pkcs.PrivateKeyInfo info = org.bouncycastle.asn1.pkcs.PrivateKeyInfo.getInstance(
                key.getEncoded());
        // SEC1 ECPrivateKey with the curve named inside, as 'openssl ecparam -genkey' writes it.
        org.bouncycastle.asn1.sec.ECPrivateKey inner = org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(
                info.parsePrivateKey());
        byte[] sec1 = new org.bouncycastle.asn1.sec.ECPrivateKey(256, inner.getKey(), null,
                info.getPrivateKeyAlgorithm().getParameters()).getEncoded();
        Files.writeString(dir.resolve("node.key"), "-----BEGIN EC PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(sec1) + "\n-----END EC PRIVATE KEY-----\n");
        ClusterTls.load(dir, NODE);
    }

    @Test
    void anEncryptedKeyIsRefused() throws Exception {
        Path dir = pki.node("n", NODE);
        String body = Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(new byte[] {0x30, 0x03, 0x02, 0x01, 0x00});
        Files.writeString(dir.resolve("node.key"),
                "-----BEGIN ENCRYPTED PRIVATE KEY-----\n" + body + "\n-----END ENCRYPTED PRIVATE KEY-----\n");
        refused(dir, Problem.MALFORMED, dir.resolve("node.key"));
    }

    @Test
    void anOversizedFileIsRefusedUnread() throws Exception {
        Path dir = pki.node("n", NODE);
        Files.write(dir.resolve("ca.pem"), new byte[PemFiles.MAX_BYTES + 1]);
        TlsFileException e = refused(dir, Problem.MALFORMED, dir.resolve("ca.pem"));
        assertTrue(e.getMessage().contains("at most " + PemFiles.MAX_BYTES), e.getMessage());
    }

    @Test
    void aCaCertificateIsNoNodeCertificate() throws Exception {
        Path dir = pki.node("n", NODE);
        PemFiles.writeCertificates(dir.resolve("ca.pem"), List.of(pki.ca.certificate()), true);
        // node.pem is not a CA here, but put a CA's certificate where a node's belongs.
        CertificateAuthority fake = CertificateAuthority.create("fake", Instant.now().minusSeconds(60),
                Instant.now().plusSeconds(3600));
        PemFiles.writeCertificates(dir.resolve("ca.pem"), List.of(fake.certificate()), true);
        PemFiles.writeCertificates(dir.resolve("node.pem"), List.of(fake.certificate()), true);
        PemFiles.writePrivateKey(dir.resolve("node.key"), fake.privateKey(), true);
        refused(dir, Problem.WRONG_KEY_USAGE, dir.resolve("node.pem"));
    }

    @Test
    void aNonCaCertificateInCaPemIsRefused() throws Exception {
        Path dir = pki.node("n", NODE);
        Files.copy(dir.resolve("node.pem"), dir.resolve("ca.pem"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        refused(dir, Problem.NOT_A_CA, dir.resolve("ca.pem"));
    }

    @Test
    void theCaKeyOnANodeIsRefused() throws Exception {
        Path dir = pki.node("n", NODE);
        PemFiles.writePrivateKey(dir.resolve("ca.key"), pki.ca.privateKey(), false);
        TlsFileException e = refused(dir, Problem.CA_KEY_ON_NODE, dir.resolve("ca.key"));
        assertTrue(e.getMessage().contains("must not be on a node"), e.getMessage());
    }
}
