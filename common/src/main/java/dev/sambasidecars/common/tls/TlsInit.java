package dev.sambasidecars.common.tls;

import dev.sambasidecars.common.tls.CertificateAuthority.NodeCredentials;
import dev.sambasidecars.common.tls.TlsFileException.Problem;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Makes a cluster's certificates ({@code sidecarctl tls init}). The output directory gets
 *
 * <pre>
 * OUT/ca.pem, OUT/ca.key           the cluster CA (the key stays here, never on a node)
 * OUT/&lt;ip&gt;/ca.pem, node.pem, node.key   one directory per node, to copy into its TLS directory
 * </pre>
 *
 * <p>Nothing is overwritten unless {@link Request#force()}: with it, everything is made anew,
 * including the CA (every node must then get its new files). Without it, a CA already in
 * {@code OUT} is reused to issue certificates for nodes that have none yet — so adding a node
 * to the cluster, or renewing one node's certificate after removing its directory, leaves the
 * others' certificates valid. Every file that would be written is checked before any is.
 */
public final class TlsInit {
    private TlsInit() {}

    /** Validity of a new cluster CA. */
    public static final Duration CA_VALIDITY = Duration.ofDays(3650);
    /** Default validity of a node certificate. */
    public static final Duration NODE_VALIDITY = Duration.ofDays(730);
    /** Certificates start this much before "now", so a node whose clock lags accepts them at once. */
    static final Duration BACKDATE = Duration.ofHours(1);

    /**
     * What to make.
     *
     * @param out the output directory (made, mode 0700, when missing)
     * @param nodes the nodes to issue certificates for
     * @param clusterName names the CA, e.g. {@code "prod-fs"}
     * @param nodeValidity how long node certificates are valid
     * @param force overwrite existing files, making a new CA
     */
    public record Request(Path out, List<NodeSpec> nodes, String clusterName, Duration nodeValidity, boolean force) {
        public Request {
            Objects.requireNonNull(out, "out");
            nodes = List.copyOf(nodes);
            Objects.requireNonNull(clusterName, "clusterName");
            Objects.requireNonNull(nodeValidity, "nodeValidity");
        }
    }

    /** One node's output. */
    public record NodeResult(NodeSpec node, Path directory, CertificateInfo certificate) {}

    /**
     * What was made.
     *
     * @param caCertificate {@code OUT/ca.pem}
     * @param caKey {@code OUT/ca.key}
     * @param ca the CA certificate
     * @param caCreated false when an existing CA was reused
     * @param nodes one entry per node, in request order
     */
    public record Result(Path caCertificate, Path caKey, CertificateInfo ca, boolean caCreated,
                         List<NodeResult> nodes) {}

    /** Makes what {@code request} asks for. */
    public static Result run(Request request, Clock clock) throws TlsException {
        validate(request);
        Path out = request.out();
        Path caPem = out.resolve(TlsFiles.CA_CERTIFICATE);
        Path caKey = out.resolve(TlsFiles.CA_KEY);
        boolean reuse = !request.force() && reusableCa(caPem, caKey);
        if (!request.force()) {
            refuseExisting(request, reuse ? List.of() : List.of(caKey, caPem));
        }
        makeDirectory(out);
        Instant now = clock.instant();
        CertificateAuthority ca = reuse ? CertificateAuthority.load(caPem, caKey)
                : CertificateAuthority.create(request.clusterName(), now.minus(BACKDATE), now.plus(CA_VALIDITY));
        if (!reuse) {
            PemFiles.writePrivateKey(caKey, ca.privateKey(), request.force());
            PemFiles.writeCertificates(caPem, List.of(ca.certificate()), request.force());
        }
        Instant caEnd = ca.certificate().getNotAfter().toInstant();
        Instant nodeEnd = now.plus(request.nodeValidity());
        if (nodeEnd.isAfter(caEnd)) {
            nodeEnd = caEnd;   // a certificate outliving its CA would be refused after the CA's end anyway
        }
        List<NodeResult> results = new ArrayList<>();
        for (NodeSpec node : request.nodes()) {
            Path dir = out.resolve(node.directoryName());
            makeDirectory(dir);
            NodeCredentials c = ca.issue(node, now.minus(BACKDATE), nodeEnd);
            PemFiles.writePrivateKey(dir.resolve(TlsFiles.NODE_KEY), c.privateKey(), request.force());
            PemFiles.writeCertificates(dir.resolve(TlsFiles.NODE_CERTIFICATE), List.of(c.certificate()), request.force());
            PemFiles.writeCertificates(dir.resolve(TlsFiles.CA_CERTIFICATE), List.of(ca.certificate()), request.force());
            results.add(new NodeResult(node, dir, CertificateInfo.of(c.certificate())));
        }
        return new Result(caPem, caKey, CertificateInfo.of(ca.certificate()), !reuse, List.copyOf(results));
    }

    private static void validate(Request r) throws TlsException {
        if (r.nodes().isEmpty()) {
            throw new TlsException("no nodes to make certificates for");
        }
        Set<InetAddress> seen = new HashSet<>();
        for (NodeSpec n : r.nodes()) {
            if (!seen.add(n.address())) {
                throw new TlsException("node " + n.directoryName() + " is listed twice");
            }
        }
        if (r.clusterName().isBlank()) {
            throw new TlsException("the cluster name is empty");
        }
        if (r.nodeValidity().isNegative() || r.nodeValidity().compareTo(Duration.ofDays(1)) < 0) {
            throw new TlsException("node certificates must be valid for at least a day");
        }
    }

    /** True when OUT holds a CA to issue with; refuses half a CA. */
    private static boolean reusableCa(Path caPem, Path caKey) throws TlsFileException {
        boolean pem = Files.exists(caPem, LinkOption.NOFOLLOW_LINKS);
        boolean key = Files.exists(caKey, LinkOption.NOFOLLOW_LINKS);
        if (pem != key) {
            Path present = pem ? caPem : caKey;
            throw new TlsFileException(present, Problem.ALREADY_EXISTS, "exists without "
                    + (pem ? caKey : caPem).getFileName() + ": no CA to reuse (--force makes a new CA)");
        }
        return pem;
    }

    private static void refuseExisting(Request r, List<Path> caFiles) throws TlsFileException {
        List<Path> existing = new ArrayList<>();
        for (Path p : caFiles) {
            if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                existing.add(p);
            }
        }
        for (NodeSpec n : r.nodes()) {
            Path dir = r.out().resolve(n.directoryName());
            for (String f : List.of(TlsFiles.NODE_KEY, TlsFiles.NODE_CERTIFICATE, TlsFiles.CA_CERTIFICATE)) {
                if (Files.exists(dir.resolve(f), LinkOption.NOFOLLOW_LINKS)) {
                    existing.add(dir.resolve(f));
                }
            }
        }
        if (!existing.isEmpty()) {
            throw new TlsFileException(existing.getFirst(), Problem.ALREADY_EXISTS, "exists already"
                    + (existing.size() > 1 ? " (and " + (existing.size() - 1) + " more file(s) that would be written)" : "")
                    + ". Nothing was written: remove a node's directory to issue it a new certificate from the "
                    + "existing CA, or use --force to make everything anew, CA included");
        }
    }

    private static void makeDirectory(Path dir) throws TlsFileException {
        if (Files.isDirectory(dir)) {
            return;
        }
        try {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (IOException e) {
            throw new TlsFileException(dir, Problem.UNWRITABLE, "cannot make the directory: " + e.getMessage(), e);
        }
    }
}
