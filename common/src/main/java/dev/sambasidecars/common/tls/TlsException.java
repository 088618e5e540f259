package dev.sambasidecars.common.tls;

/**
 * Mutual TLS between nodes cannot be set up: a certificate or key file is missing, unsafe or
 * wrong, or certificates cannot be made. The message is meant for an operator: it names the
 * file and what is wrong with it.
 */
public class TlsException extends Exception {
    private static final long serialVersionUID = 1L;

    public TlsException(String message) {
        super(message);
    }

    public TlsException(String message, Throwable cause) {
        super(message, cause);
    }
}
