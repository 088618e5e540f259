package dev.sambasidecars.common.tls;

import dev.sambasidecars.common.net.LocalAddresses;
import dev.sambasidecars.common.tls.TlsFileException.Problem;
import java.net.InetAddress;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.stream.Collectors;

/**
 * How a node knows that {@code node.pem} is its own: peers dial it by its CTDB node address
 * and check that address against the certificate, so the certificate must name it.
 */
sealed interface NodeAddressCheck {

    /** Throws when {@code certificate} (read from {@code file}) is not this node's. */
    void check(Path file, X509Certificate certificate) throws TlsFileException;

    /** The certificate must name this address (a daemon that knows its CTDB node address). */
    record Exactly(InetAddress address) implements NodeAddressCheck {
        @Override
        public void check(Path file, X509Certificate certificate) throws TlsFileException {
            List<InetAddress> named = Certificates.ipAddresses(certificate);
            if (!named.contains(address)) {
                throw new TlsFileException(file, Problem.ADDRESS_NOT_IN_CERTIFICATE, "names " + list(named)
                        + " but this node's address is " + Certificates.text(address)
                        + "; peers that dial it would refuse it");
            }
        }
    }

    /** The certificate must name an address of one of this host's interfaces. */
    record ThisHost() implements NodeAddressCheck {
        @Override
        public void check(Path file, X509Certificate certificate) throws TlsFileException {
            List<InetAddress> named = Certificates.ipAddresses(certificate);
            List<InetAddress> local = LocalAddresses.list();
            if (named.stream().noneMatch(local::contains)) {
                throw new TlsFileException(file, Problem.ADDRESS_NOT_IN_CERTIFICATE, "names " + list(named)
                        + ", none of them an address of this host (" + list(local)
                        + "): is it another node's certificate?");
            }
        }
    }

    private static String list(List<InetAddress> addresses) {
        return addresses.isEmpty() ? "no IP address"
                : addresses.stream().map(Certificates::text).collect(Collectors.joining(", "));
    }
}
