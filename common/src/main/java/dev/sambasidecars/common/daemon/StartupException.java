package dev.sambasidecars.common.daemon;

/**
 * A daemon could not start for a reason outside it (address or socket in use, missing
 * permission, missing dependency); the launcher exits with status 3 and this message.
 */
public final class StartupException extends Exception {
    private static final long serialVersionUID = 1L;

    public StartupException(String message, Throwable cause) {
        super(message, cause);
    }
}
