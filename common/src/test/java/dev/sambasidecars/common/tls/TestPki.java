package dev.sambasidecars.common.tls;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** A cluster CA in a temporary directory that writes node TLS directories for tests. */
final class TestPki {
    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    final Path root;
    final CertificateAuthority ca;

    private TestPki(Path root, CertificateAuthority ca) {
        this.root = root;
        this.ca = ca;
    }

    static TestPki create(Path root, String clusterName) throws Exception {
        Instant now = Instant.now();
        Files.createDirectories(root);
        return new TestPki(root, CertificateAuthority.create(clusterName, now.minus(Duration.ofHours(1)),
                now.plus(Duration.ofDays(3650))));
    }

    /** A node directory {@code root/name} for {@code node}, valid from an hour ago for a year. */
    Path node(String name, NodeSpec node) throws Exception {
        Instant now = Instant.now();
        return node(name, node, now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(365)));
    }

    Path node(String name, InetAddress... addresses) throws Exception {
        NodeSpec spec = NodeSpec.of(addresses[0]);
        for (int i = 1; i < addresses.length; i++) {
            spec = spec.withAddress(addresses[i]);
        }
        return node(name, spec);
    }

    Path node(String name, NodeSpec node, Instant notBefore, Instant notAfter) throws Exception {
        Path dir = Files.createDirectories(root.resolve(name));
        CertificateAuthority.NodeCredentials c = ca.issue(node, notBefore, notAfter);
        PemFiles.writePrivateKey(dir.resolve(TlsFiles.NODE_KEY), c.privateKey(), true);
        PemFiles.writeCertificates(dir.resolve(TlsFiles.NODE_CERTIFICATE), List.of(c.certificate()), true);
        PemFiles.writeCertificates(dir.resolve(TlsFiles.CA_CERTIFICATE), List.of(ca.certificate()), true);
        return dir;
    }

    CertificateAuthority.NodeCredentials issue(InetAddress address) throws Exception {
        Instant now = Instant.now();
        return ca.issue(NodeSpec.of(address), now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(30)));
    }
}
