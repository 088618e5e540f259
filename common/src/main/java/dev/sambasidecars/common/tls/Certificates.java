package dev.sambasidecars.common.tls;

import com.google.common.net.InetAddresses;
import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/** What the TLS code reads out of X.509 certificates, and how it names them to an operator. */
final class Certificates {
    private Certificates() {}

    static final String EKU_SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    static final String EKU_CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int SAN_DNS = 2;
    private static final int SAN_IP = 7;

    private static final DateTimeFormatter WHEN =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);

    /** The IP addresses among the subject alternative names. */
    static List<InetAddress> ipAddresses(X509Certificate c) {
        List<InetAddress> out = new ArrayList<>();
        for (String s : alternativeNames(c, SAN_IP)) {
            // The JDK renders IP names as literals; forString never resolves a name.
            if (InetAddresses.isInetAddress(s)) {
                out.add(InetAddresses.forString(s));
            }
        }
        return List.copyOf(out);
    }

    /** The DNS names among the subject alternative names. */
    static List<String> dnsNames(X509Certificate c) {
        return alternativeNames(c, SAN_DNS);
    }

    private static List<String> alternativeNames(X509Certificate c, int type) {
        Collection<List<?>> names;
        try {
            names = c.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        if (names != null) {
            for (List<?> n : names) {
                if (n.size() >= 2 && n.get(0) instanceof Integer t && t == type && n.get(1) instanceof String s) {
                    out.add(s);
                }
            }
        }
        return List.copyOf(out);
    }

    /** True when the certificate may be used both to serve and to call (TLS server and client). */
    static boolean allowsServerAndClient(X509Certificate c) {
        List<String> eku;
        try {
            eku = c.getExtendedKeyUsage();
        } catch (CertificateParsingException e) {
            return false;
        }
        // No extension at all means no restriction (RFC 5280 4.2.1.12).
        return eku == null || (eku.contains(EKU_SERVER_AUTH) && eku.contains(EKU_CLIENT_AUTH));
    }

    /** True for a CA certificate: basic constraints with cA set. */
    static boolean isCa(X509Certificate c) {
        return c.getBasicConstraints() >= 0;
    }

    /** The subject as RFC 2253 text, e.g. {@code CN=10.0.0.1,O=cluster}. */
    static String subject(X509Certificate c) {
        return c.getSubjectX500Principal().getName();
    }

    /** An instant as operators read it in messages. */
    static String when(Instant t) {
        return WHEN.format(t);
    }

    /** "in 12 days", "in 3 hours", "12 days ago". */
    static String relative(Instant t, Instant now) {
        Duration d = Duration.between(now, t);
        boolean past = d.isNegative();
        d = d.abs();
        String amount = d.toDays() >= 2 ? d.toDays() + " days"
                : d.toHours() >= 2 ? d.toHours() + " hours"
                : Math.max(1, d.toMinutes()) + " minutes";
        return past ? amount + " ago" : "in " + amount;
    }

    /**
     * True when {@code key} is the private half of {@code pub}: a random challenge signed with
     * one verifies with the other.
     */
    static boolean isPair(PrivateKey key, PublicKey pub) {
        if (!key.getAlgorithm().equals(pub.getAlgorithm())) {
            return false;
        }
        String alg = switch (pub.getAlgorithm()) {
            case "EC" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            default -> pub.getAlgorithm();   // Ed25519, Ed448, EdDSA sign as themselves
        };
        byte[] challenge = new byte[32];
        RANDOM.nextBytes(challenge);
        try {
            Signature s = Signature.getInstance(alg);
            s.initSign(key);
            s.update(challenge);
            byte[] sig = s.sign();
            Signature v = Signature.getInstance(alg);
            v.initVerify(pub);
            v.update(challenge);
            return v.verify(sig);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** An address the way the file names and messages write it (RFC 5952 for IPv6). */
    static String text(InetAddress a) {
        return InetAddresses.toAddrString(a);
    }
}
