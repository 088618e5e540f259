package dev.sambasidecars.witness.msnlmp;

/** A message that breaks MS-NLMP section 2.2: truncated, a field out of bounds, a bad header... */
public final class NtlmProtocolException extends NtlmException {

    private static final long serialVersionUID = 1L;

    /** Creates the exception with a description of what was malformed. */
    public NtlmProtocolException(String message) {
        super(message);
    }
}
