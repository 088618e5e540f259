package dev.sambasidecars.common.tls;

import java.math.BigInteger;
import java.net.InetAddress;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/**
 * What an operator wants to know about one certificate: who it names and how long it is valid.
 *
 * @param subject the subject, RFC 2253
 * @param issuer the issuer, RFC 2253
 * @param serial the serial number
 * @param addresses the IP addresses among the subject alternative names
 * @param dnsNames the DNS names among the subject alternative names
 * @param notBefore start of validity
 * @param notAfter end of validity
 */
public record CertificateInfo(String subject, String issuer, BigInteger serial, List<InetAddress> addresses,
                              List<String> dnsNames, Instant notBefore, Instant notAfter) {

    public CertificateInfo {
        addresses = List.copyOf(addresses);
        dnsNames = List.copyOf(dnsNames);
    }

    /** "valid until 2027-05-01 10:00:00 UTC (in 729 days)", or why it is not valid at {@code now}. */
    public String validity(Instant now) {
        if (now.isBefore(notBefore)) {
            return "not valid before " + Certificates.when(notBefore) + " (" + Certificates.relative(notBefore, now) + ")";
        }
        String verb = now.isAfter(notAfter) ? "expired " : "valid until ";
        return verb + Certificates.when(notAfter) + " (" + Certificates.relative(notAfter, now) + ")";
    }

    /** Reads the facts out of {@code c}. */
    public static CertificateInfo of(X509Certificate c) {
        return new CertificateInfo(Certificates.subject(c), c.getIssuerX500Principal().getName(), c.getSerialNumber(),
                Certificates.ipAddresses(c), Certificates.dnsNames(c), c.getNotBefore().toInstant(),
                c.getNotAfter().toInstant());
    }
}
