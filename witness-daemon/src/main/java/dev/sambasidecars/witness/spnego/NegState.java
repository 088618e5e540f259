package dev.sambasidecars.witness.spnego;

/** NegTokenResp.negState (RFC 4178 section 4.2.2); the ordinal is the ENUMERATED value. */
public enum NegState {
    /** The context is established; no more tokens but perhaps a final mechListMIC. */
    ACCEPT_COMPLETED,
    /** More tokens follow. */
    ACCEPT_INCOMPLETE,
    /** The acceptor refuses every mechanism offered. */
    REJECT,
    /** The acceptor chose a mechanism other than the preferred one and asks for the mechListMIC. */
    REQUEST_MIC;

    static NegState of(int value, String what) throws SpnegoException {
        NegState[] all = values();
        if (value < 0 || value >= all.length) {
            throw SpnegoException.malformed(what + ": negState " + value);
        }
        return all[value];
    }
}
