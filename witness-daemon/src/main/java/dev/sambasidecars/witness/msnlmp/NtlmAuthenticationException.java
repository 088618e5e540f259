package dev.sambasidecars.witness.msnlmp;

import java.util.Objects;

/**
 * Well-formed messages whose content is refused: wrong password, unknown or disabled account,
 * refused protocol variant, MIC or message signature mismatch (MS-NLMP 3.2.5.1.2, 3.4.4).
 */
public final class NtlmAuthenticationException extends NtlmException {

    private static final long serialVersionUID = 1L;

    /** Why authentication or message verification failed. */
    public enum Reason {
        /** The user is not known to the credential backend. */
        UNKNOWN_USER,
        /** The NTLMv2 proof did not match the stored NT hash. */
        WRONG_PASSWORD,
        /** The account is disabled (smbpasswd flag 'D'). */
        ACCOUNT_DISABLED,
        /** The account has no usable NT hash (smbpasswd "NO PASSWORD", '*', 'X' or flag 'N'). */
        NO_PASSWORD,
        /** The client sent no credentials (anonymous authentication, MS-NLMP 3.2.5.1.2). */
        ANONYMOUS_REFUSED,
        /** The client sent only an LM response. */
        LM_REFUSED,
        /** The client sent a 24-byte NTLMv1 NtChallengeResponse. */
        NTLMV1_REFUSED,
        /** A flag this server requires (extended session security, 128-bit, Unicode) is missing. */
        FLAGS_REFUSED,
        /** The AV_PAIRs echoed in the NTLMv2 response differ from the ones the server sent. */
        TARGET_INFO_MISMATCH,
        /** The AUTHENTICATE_MESSAGE arrived after the challenge's lifetime. */
        CHALLENGE_EXPIRED,
        /** The MIC over NEGOTIATE, CHALLENGE and AUTHENTICATE did not match. */
        MIC_MISMATCH,
        /** A message signature did not match, or was not 16 bytes. */
        BAD_SIGNATURE,
        /** A message signature carried an unexpected sequence number. */
        BAD_SEQUENCE
    }

    private final Reason reason;

    /** Creates the exception with its reason and a human-readable detail. */
    public NtlmAuthenticationException(Reason reason, String message) {
        super(reason + ": " + message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** The reason for the failure, for metrics and for mapping to a DCE/RPC fault. */
    public Reason reason() {
        return reason;
    }
}
