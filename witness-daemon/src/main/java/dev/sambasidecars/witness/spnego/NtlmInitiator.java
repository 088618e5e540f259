package dev.sambasidecars.witness.spnego;

/**
 * What {@link SpnegoClient} needs from an NTLMSSP client, kept this small so that any NTLMSSP
 * initiator fits behind a few lines of adapter: the two messages it sends, and afterwards the
 * flags and key its session security is built from.
 */
public interface NtlmInitiator {

    /** The NEGOTIATE_MESSAGE. */
    byte[] negotiate();

    /** The AUTHENTICATE_MESSAGE answering {@code challenge}; failures as MECHANISM_FAILED. */
    byte[] authenticate(byte[] challenge) throws SpnegoException;

    /** The negotiated NegotiateFlags, once {@link #authenticate} returned. */
    int negotiatedFlags();

    /** The 16-byte ExportedSessionKey, once {@link #authenticate} returned. */
    byte[] exportedSessionKey();

    /** True when the AUTHENTICATE_MESSAGE carried a MIC (then a mechListMIC is sent too). */
    boolean micSent();
}
