package dev.sambasidecars.witness.spnego;

import java.util.Objects;

/**
 * Every way a SPNEGO token or negotiation can fail: malformed DER, no mechanism in common, a
 * token the state does not expect, a missing or wrong mechListMIC, or the negotiated mechanism
 * refusing its own token. Bad input never ends in anything but this exception.
 */
public final class SpnegoException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Why the token or the negotiation was refused. */
    public enum Reason {
        /** The bytes are not a well-formed token (truncated, bad length or tag, too deep, too big). */
        MALFORMED,
        /** The peer offered no mechanism this side implements (the acceptor answers reject). */
        NO_COMMON_MECHANISM,
        /** The peer answered negState reject. */
        REJECTED,
        /** A well-formed token that does not fit the state of the negotiation. */
        UNEXPECTED_TOKEN,
        /** The mechListMIC is required (RFC 4178 section 5, MS-SPNG 3.1.5.1) but was not sent. */
        MIC_MISSING,
        /** The mechListMIC does not verify over the mechTypes as sent. */
        MIC_MISMATCH,
        /** The negotiated mechanism (NTLMSSP) refused its token: bad credentials, bad message. */
        MECHANISM_FAILED
    }

    private final Reason reason;

    /** Creates the exception with its reason and a description. */
    public SpnegoException(Reason reason, String message) {
        super(reason + ": " + message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** Creates the exception with its reason, a description and the mechanism's own failure. */
    public SpnegoException(Reason reason, String message, Throwable cause) {
        super(reason + ": " + message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** Why the token or negotiation was refused. */
    public Reason reason() {
        return reason;
    }

    static SpnegoException malformed(String message) {
        return new SpnegoException(Reason.MALFORMED, message);
    }
}
