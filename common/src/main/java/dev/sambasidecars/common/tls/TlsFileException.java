package dev.sambasidecars.common.tls;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One file of a TLS directory (or of {@code sidecarctl tls init}'s output) cannot be used. The
 * message reads {@code <file>: <what is wrong>}; {@link #problem()} says the same for code.
 */
public final class TlsFileException extends TlsException {
    private static final long serialVersionUID = 1L;

    /** What is wrong with the file. */
    public enum Problem {
        /** The file does not exist. */
        MISSING,
        /** The file exists but cannot be read. */
        UNREADABLE,
        /** A private key that users other than its owner may read or write. */
        INSECURE_PERMISSIONS,
        /** Not PEM, not the PEM objects expected, too large, or an encrypted key. */
        MALFORMED,
        /** A certificate in {@code ca.pem} that is not a CA certificate. */
        NOT_A_CA,
        /** The node certificate does not chain to a certificate of {@code ca.pem}. */
        NOT_SIGNED_BY_CA,
        /** A certificate whose validity has ended. */
        EXPIRED,
        /** A certificate whose validity has not begun. */
        NOT_YET_VALID,
        /** The node certificate lacks the extended key usages serverAuth and clientAuth. */
        WRONG_KEY_USAGE,
        /** The private key does not belong to the certificate. */
        KEY_MISMATCH,
        /** The node's own address is not among the certificate's subject alternative names. */
        ADDRESS_NOT_IN_CERTIFICATE,
        /** The cluster CA's private key lies in a node's TLS directory. */
        CA_KEY_ON_NODE,
        /** A file that would be written exists already and overwriting was not asked for. */
        ALREADY_EXISTS,
        /** The file could not be written. */
        UNWRITABLE
    }

    private final Path file;
    private final Problem problem;

    public TlsFileException(Path file, Problem problem, String detail) {
        this(file, problem, detail, null);
    }

    public TlsFileException(Path file, Problem problem, String detail, Throwable cause) {
        super(file + ": " + detail, cause);
        this.file = Objects.requireNonNull(file, "file");
        this.problem = Objects.requireNonNull(problem, "problem");
    }

    /** The file at fault. */
    public Path file() {
        return file;
    }

    /** What is wrong with it. */
    public Problem problem() {
        return problem;
    }
}
