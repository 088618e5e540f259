package dev.sambasidecars.common.tls;

import dev.sambasidecars.common.tls.TlsFileException.Problem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One node's TLS material, read from a {@link TlsFiles} directory and checked as a whole: the
 * cluster CA certificates, the node certificate chain, and the node's private key.
 *
 * @param cas the certificates of {@code ca.pem}, the only trust anchors
 * @param chain {@code node.pem}: the node certificate first
 * @param key {@code node.key}
 */
record TlsMaterial(List<X509Certificate> cas, List<X509Certificate> chain, PrivateKey key) {
    private static final String NODE_PEM = TlsFiles.NODE_CERTIFICATE;

    X509Certificate certificate() {
        return chain.getFirst();
    }

    /**
     * Reads and checks {@code files} at {@code now}. The checks run in the order an operator
     * would fix things: files present and safe, then parsable, then valid and signed, then
     * the node's own.
     */
    static TlsMaterial load(TlsFiles files, NodeAddressCheck self, Instant now) throws TlsFileException {
        if (Files.exists(files.caKey())) {
            throw new TlsFileException(files.caKey(), Problem.CA_KEY_ON_NODE, "the cluster CA's private key must "
                    + "not be on a node: whoever reads it can make certificates every node trusts. Keep it where "
                    + "'sidecarctl tls init' ran and remove it here");
        }
        List<X509Certificate> cas = PemFiles.readCertificates(files.caCertificate());
        for (X509Certificate ca : cas) {
            if (!Certificates.isCa(ca)) {
                throw new TlsFileException(files.caCertificate(), Problem.NOT_A_CA,
                        Certificates.subject(ca) + " is not a CA certificate (no basic constraints cA=true)");
            }
            checkValidity(files.caCertificate(), ca, now);
        }
        PemFiles.requireOwnerOnly(files.nodeKey());
        PrivateKey key = PemFiles.readPrivateKey(files.nodeKey());
        List<X509Certificate> chain = PemFiles.readCertificates(files.nodeCertificate());
        X509Certificate leaf = chain.getFirst();
        checkValidity(files.nodeCertificate(), leaf, now);
        checkSignedBy(files, chain, cas, now);
        if (Certificates.isCa(leaf) || !Certificates.allowsServerAndClient(leaf)) {
            throw new TlsFileException(files.nodeCertificate(), Problem.WRONG_KEY_USAGE, Certificates.subject(leaf)
                    + " must be an end-entity certificate for both TLS server and client authentication "
                    + "(extended key usage serverAuth and clientAuth)");
        }
        checkKeyMatches(files.nodeKey(), key, leaf);
        self.check(files.nodeCertificate(), leaf);
        return new TlsMaterial(cas, chain, key);
    }

    private static void checkValidity(Path file, X509Certificate c, Instant now) throws TlsFileException {
        Instant from = c.getNotBefore().toInstant();
        Instant until = c.getNotAfter().toInstant();
        if (now.isAfter(until)) {
            throw new TlsFileException(file, Problem.EXPIRED, Certificates.subject(c) + " expired "
                    + Certificates.relative(until, now) + " (" + Certificates.when(until) + ")");
        }
        if (now.isBefore(from)) {
            throw new TlsFileException(file, Problem.NOT_YET_VALID, Certificates.subject(c) + " is valid only from "
                    + Certificates.when(from) + " (" + Certificates.relative(from, now) + "): is this host's clock right?");
        }
    }

    private static void checkSignedBy(TlsFiles files, List<X509Certificate> chain, List<X509Certificate> cas,
                                      Instant now) throws TlsFileException {
        Set<TrustAnchor> anchors = new HashSet<>();
        cas.forEach(ca -> anchors.add(new TrustAnchor(ca, null)));
        // A chain may end with the CA itself; the path to validate stops below the anchor.
        List<X509Certificate> path = chain.stream().filter(c -> !cas.contains(c)).toList();
        try {
            CertPath certPath = CertificateFactory.getInstance("X.509").generateCertPath(path);
            PKIXParameters params = new PKIXParameters(anchors);
            params.setRevocationEnabled(false);
            params.setDate(Date.from(now));
            CertPathValidator.getInstance("PKIX").validate(certPath, params);
        } catch (CertPathValidatorException e) {
            throw new TlsFileException(files.nodeCertificate(), Problem.NOT_SIGNED_BY_CA,
                    Certificates.subject(chain.getFirst()) + " is not signed by the cluster CA of "
                            + files.caCertificate() + " (" + cas.stream().map(Certificates::subject).toList() + "): "
                            + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new TlsFileException(files.nodeCertificate(), Problem.MALFORMED,
                    "cannot check the certificate chain: " + e.getMessage(), e);
        }
    }

    private static void checkKeyMatches(Path keyFile, PrivateKey key, X509Certificate cert) throws TlsFileException {
        if (!Certificates.isPair(key, cert.getPublicKey())) {
            throw new TlsFileException(keyFile, Problem.KEY_MISMATCH, "is not the private key of the certificate "
                    + Certificates.subject(cert) + " in " + NODE_PEM + " (a " + key.getAlgorithm() + " key; the "
                    + "certificate's is " + cert.getPublicKey().getAlgorithm() + ")");
        }
    }
}
