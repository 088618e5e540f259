package dev.sambasidecars.common.tls;

import dev.sambasidecars.common.tls.TlsFileException.Problem;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The cluster CA: an EC P-256 key and a self-signed CA certificate, which issues node
 * certificates (EC P-256, SHA-256 with ECDSA) naming each node's addresses and allowing both
 * TLS server and client authentication. Bouncy Castle builds the certificates; keys come from
 * the JDK, so the JDK's TLS uses them as its own.
 */
public final class CertificateAuthority {
    private static final String SIGNATURE = "SHA256withECDSA";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final X509Certificate certificate;
    private final PrivateKey key;

    private CertificateAuthority(X509Certificate certificate, PrivateKey key) {
        this.certificate = certificate;
        this.key = key;
    }

    /** A node certificate and its private key. */
    public record NodeCredentials(NodeSpec node, X509Certificate certificate, PrivateKey privateKey) {}

    /** A new CA for cluster {@code clusterName}, valid from {@code notBefore} to {@code notAfter}. */
    public static CertificateAuthority create(String clusterName, Instant notBefore, Instant notAfter)
            throws TlsException {
        KeyPair pair = newKeyPair();
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.O, "samba-sidecars")
                .addRDN(BCStyle.CN, clusterName + " cluster CA")
                .build();
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, serial(), Date.from(notBefore),
                    Date.from(notAfter), subject, pair.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            ext.createSubjectKeyIdentifier(pair.getPublic()));
            return new CertificateAuthority(sign(b, pair.getPrivate()), pair.getPrivate());
        } catch (CertIOException | GeneralSecurityException e) {
            throw new TlsException("cannot make the CA certificate: " + e.getMessage(), e);
        }
    }

    /** The CA that {@code tls init} left in {@code caCertificate} and {@code caKey}. */
    public static CertificateAuthority load(Path caCertificate, Path caKey) throws TlsException {
        List<X509Certificate> certs = PemFiles.readCertificates(caCertificate);
        X509Certificate cert = certs.getFirst();
        if (certs.size() != 1 || !Certificates.isCa(cert)) {
            throw new TlsFileException(caCertificate, Problem.NOT_A_CA, "must hold exactly one CA certificate to "
                    + "issue node certificates with; it holds " + certs.size() + " certificate(s)");
        }
        PemFiles.requireOwnerOnly(caKey);
        PrivateKey key = PemFiles.readPrivateKey(caKey);
        if (!Certificates.isPair(key, cert.getPublicKey())) {
            throw new TlsFileException(caKey, Problem.KEY_MISMATCH,
                    "is not the private key of " + Certificates.subject(cert) + " in " + caCertificate);
        }
        return new CertificateAuthority(cert, key);
    }

    /** Issues a certificate for {@code node} with a fresh key, valid from {@code notBefore} to {@code notAfter}. */
    public NodeCredentials issue(NodeSpec node, Instant notBefore, Instant notAfter) throws TlsException {
        KeyPair pair = newKeyPair();
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.O, "samba-sidecars")
                .addRDN(BCStyle.CN, node.directoryName())
                .build();
        List<GeneralName> names = new ArrayList<>();
        for (InetAddress a : node.addresses()) {
            names.add(new GeneralName(GeneralName.iPAddress, Certificates.text(a)));
        }
        for (String dns : node.dnsNames()) {
            names.add(new GeneralName(GeneralName.dNSName, dns));
        }
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(certificate, serial(), Date.from(notBefore),
                    Date.from(notAfter), subject, pair.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                            new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}))
                    .addExtension(Extension.subjectAlternativeName, false,
                            new GeneralNames(names.toArray(GeneralName[]::new)))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            ext.createSubjectKeyIdentifier(pair.getPublic()))
                    .addExtension(Extension.authorityKeyIdentifier, false,
                            ext.createAuthorityKeyIdentifier(certificate));
            return new NodeCredentials(node, sign(b, key), pair.getPrivate());
        } catch (CertIOException | GeneralSecurityException e) {
            throw new TlsException("cannot make the certificate of node " + node.directoryName() + ": "
                    + e.getMessage(), e);
        }
    }

    /** The CA certificate: {@code ca.pem}. */
    public X509Certificate certificate() {
        return certificate;
    }

    /** The CA private key: {@code ca.key}, never on a node. */
    public PrivateKey privateKey() {
        return key;
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey signer) throws GeneralSecurityException {
        try {
            ContentSigner s = new JcaContentSignerBuilder(SIGNATURE).build(signer);
            return new JcaX509CertificateConverter().getCertificate(b.build(s));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e.getMessage(), e);
        }
    }

    private static KeyPair newKeyPair() throws TlsException {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new TlsException("cannot make an EC P-256 key: " + e.getMessage(), e);
        }
    }

    /** A positive random serial of up to 127 bits (RFC 5280 allows 20 octets). */
    private static BigInteger serial() {
        return new BigInteger(127, RANDOM).setBit(0);
    }
}
