package dev.sambasidecars.common.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sambasidecars.common.tls.TlsFileException.Problem;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsInitTest {

    @TempDir
    Path tmp;

    private static NodeSpec node(String ip) throws Exception {
        return NodeSpec.of(InetAddress.getByName(ip));
    }

    private TlsInit.Result init(Path out, boolean force, NodeSpec... nodes) throws TlsException {
        return TlsInit.run(new TlsInit.Request(out, List.of(nodes), "prod", TlsInit.NODE_VALIDITY, force),
                Clock.systemUTC());
    }

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    @Test
    void writesTheCaAndOneDirectoryPerNodeWithPrivateKeysOwnerOnly() throws Exception {
        Path out = tmp.resolve("out");
        TlsInit.Result r = init(out, false, node("10.0.0.1"), node("fd00::2").withDnsName("node2.example"));

        assertTrue(r.caCreated());
        assertEquals("CN=prod cluster CA,O=samba-sidecars", r.ca().subject());
        assertEquals("rwx------", mode(out));
        assertEquals("rw-------", mode(out.resolve("ca.key")));
        assertEquals("rw-r--r--", mode(out.resolve("ca.pem")));
        for (String dir : List.of("10.0.0.1", "fd00::2")) {
            Path d = out.resolve(dir);
            assertEquals("rwx------", mode(d));
            assertEquals("rw-------", mode(d.resolve("node.key")));
            assertEquals("rw-r--r--", mode(d.resolve("node.pem")));
            assertEquals(Files.readString(out.resolve("ca.pem")), Files.readString(d.resolve("ca.pem")));
            assertFalse(Files.exists(d.resolve("ca.key")));
        }
        X509Certificate n2 = PemFiles.readCertificates(out.resolve("fd00::2/node.pem")).getFirst();
        assertEquals(List.of(InetAddress.getByName("fd00::2")), Certificates.ipAddresses(n2));
        assertEquals(List.of("node2.example"), Certificates.dnsNames(n2));
        assertEquals(List.of(Certificates.EKU_SERVER_AUTH, Certificates.EKU_CLIENT_AUTH), n2.getExtendedKeyUsage());
        assertEquals("EC", n2.getPublicKey().getAlgorithm());
        assertEquals("SHA256withECDSA", n2.getSigAlgName());
        assertEquals(-1, n2.getBasicConstraints());
        long days = Duration.between(Instant.now(), n2.getNotAfter().toInstant()).toDays();
        assertTrue(days >= 729 && days <= 730, days + " days");
        long caDays = Duration.between(Instant.now(), r.ca().notAfter()).toDays();
        assertTrue(caDays >= 3649 && caDays <= 3650, caDays + " days");

        // Each node directory is what a node loads.
        ClusterTls.load(out.resolve("10.0.0.1"), InetAddress.getByName("10.0.0.1"));
        ClusterTls.load(out.resolve("fd00::2"), InetAddress.getByName("fd00::2"));
    }

    @Test
    void existingNodeFilesAreNotOverwrittenWithoutForceAndNothingIsWritten() throws Exception {
        Path out = tmp.resolve("out");
        init(out, false, node("10.0.0.1"));
        String key = Files.readString(out.resolve("10.0.0.1/node.key"));

        TlsFileException e = assertThrows(TlsFileException.class, () -> init(out, false, node("10.0.0.2"),
                node("10.0.0.1")));
        assertEquals(Problem.ALREADY_EXISTS, e.problem());
        assertEquals(out.resolve("10.0.0.1/node.key"), e.file());
        assertTrue(e.getMessage().contains("--force"), e.getMessage());
        assertFalse(Files.exists(out.resolve("10.0.0.2")), "nothing written for the other node either");
        assertEquals(key, Files.readString(out.resolve("10.0.0.1/node.key")));
    }

    @Test
    void withoutForceTheExistingCaIssuesCertificatesForNewNodes() throws Exception {
        Path out = tmp.resolve("out");
        init(out, false, node("10.0.0.1"));
        String caPem = Files.readString(out.resolve("ca.pem"));

        TlsInit.Result r = init(out, false, node("10.0.0.2"));

        assertFalse(r.caCreated());
        assertEquals(caPem, Files.readString(out.resolve("ca.pem")));
        assertEquals(caPem, Files.readString(out.resolve("10.0.0.2/ca.pem")));
        // The new node's certificate chains to the CA the first node trusts.
        Path mixed = Files.createDirectories(tmp.resolve("mixed"));
        Files.copy(out.resolve("10.0.0.1/ca.pem"), mixed.resolve("ca.pem"));
        Files.copy(out.resolve("10.0.0.2/node.pem"), mixed.resolve("node.pem"));
        Files.copy(out.resolve("10.0.0.2/node.key"), mixed.resolve("node.key"),
                java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        ClusterTls.load(mixed, InetAddress.getByName("10.0.0.2"));
    }

    @Test
    void forceMakesEverythingAnewIncludingTheCa() throws Exception {
        Path out = tmp.resolve("out");
        TlsInit.Result first = init(out, false, node("10.0.0.1"));
        TlsInit.Result second = init(out, true, node("10.0.0.1"));
        assertTrue(second.caCreated());
        assertNotEquals(first.ca().serial(), second.ca().serial());
        assertEquals("rw-------", mode(out.resolve("10.0.0.1/node.key")));
        ClusterTls.load(out.resolve("10.0.0.1"), InetAddress.getByName("10.0.0.1"));
    }

    @Test
    void halfACaIsRefused() throws Exception {
        Path out = tmp.resolve("out");
        init(out, false, node("10.0.0.1"));
        Files.delete(out.resolve("ca.key"));
        TlsFileException e = assertThrows(TlsFileException.class, () -> init(out, false, node("10.0.0.2")));
        assertEquals(out.resolve("ca.pem"), e.file());
        assertTrue(e.getMessage().contains("exists without ca.key"), e.getMessage());
    }

    @Test
    void badRequestsAreRefused() throws Exception {
        Path out = tmp.resolve("out");
        assertThrows(TlsException.class, () -> init(out, false));
        TlsException twice = assertThrows(TlsException.class, () -> init(out, false, node("10.0.0.1"), node("10.0.0.1")));
        assertEquals("node 10.0.0.1 is listed twice", twice.getMessage());
        assertFalse(Files.exists(out));
    }
}
