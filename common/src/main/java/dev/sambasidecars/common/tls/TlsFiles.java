package dev.sambasidecars.common.tls;

import dev.sambasidecars.common.config.CommonOptions;
import dev.sambasidecars.common.config.SidecarConfig;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The files of one node's TLS directory ({@code sidecar common:tls directory}, default
 * {@code /etc/samba/sidecars/tls}):
 *
 * <ul>
 *   <li>{@code ca.pem} — the cluster CA certificate(s) peers are checked against; more than one
 *       while a new CA is rolled out</li>
 *   <li>{@code node.pem} — this node's certificate, optionally followed by intermediates</li>
 *   <li>{@code node.key} — its private key, PKCS#8 PEM, unencrypted, mode 0600</li>
 * </ul>
 *
 * <p>{@code ca.key} must not be there: it stays in the directory where {@code sidecarctl tls
 * init} ran (ideally a machine that is no node), because whoever reads it can make certificates
 * every node trusts. A node whose TLS directory holds it refuses to load.
 *
 * @param directory the TLS directory
 */
public record TlsFiles(Path directory) {

    /** File name of the cluster CA certificate. */
    public static final String CA_CERTIFICATE = "ca.pem";
    /** File name of the cluster CA private key (never on a node). */
    public static final String CA_KEY = "ca.key";
    /** File name of the node certificate chain. */
    public static final String NODE_CERTIFICATE = "node.pem";
    /** File name of the node private key. */
    public static final String NODE_KEY = "node.key";

    public TlsFiles {
        Objects.requireNonNull(directory, "directory");
    }

    /** The TLS directory {@code config} names. */
    public static TlsFiles of(SidecarConfig config) {
        return new TlsFiles(config.get(CommonOptions.COMMON, CommonOptions.TLS_DIRECTORY));
    }

    public Path caCertificate() {
        return directory.resolve(CA_CERTIFICATE);
    }

    public Path caKey() {
        return directory.resolve(CA_KEY);
    }

    public Path nodeCertificate() {
        return directory.resolve(NODE_CERTIFICATE);
    }

    public Path nodeKey() {
        return directory.resolve(NODE_KEY);
    }
}
