package dev.sambasidecars.witness.msnlmp;

/**
 * Base of the two NTLMSSP failure kinds, so that a caller can catch both at once while still
 * telling a malformed message ({@link NtlmProtocolException}) from refused credentials or a bad
 * signature ({@link NtlmAuthenticationException}).
 */
public abstract sealed class NtlmException extends Exception
        permits NtlmProtocolException, NtlmAuthenticationException {

    private static final long serialVersionUID = 1L;

    NtlmException(String message) {
        super(message);
    }

    NtlmException(String message, Throwable cause) {
        super(message, cause);
    }
}
