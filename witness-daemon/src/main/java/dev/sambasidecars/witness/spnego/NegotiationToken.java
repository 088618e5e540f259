package dev.sambasidecars.witness.spnego;

/**
 * NegotiationToken (RFC 4178 section 4.2): the CHOICE of {@link NegTokenInit} ([0]) and
 * {@link NegTokenResp} ([1]). Only the initiator's first token travels inside the GSS-API
 * framing of RFC 2743 section 3.1 ({@link GssFraming}); every later token is the bare CHOICE.
 */
public sealed interface NegotiationToken permits NegTokenInit, NegTokenResp {

    /** The bare encoding: [0] NegTokenInit or [1] NegTokenResp. */
    byte[] encode();

    /**
     * Decodes a token as it arrives on the wire: the framed initial token (tag [APPLICATION 0]
     * with the SPNEGO OID around a NegTokenInit) or a bare NegotiationToken. Nothing may follow.
     */
    static NegotiationToken decode(byte[] token) throws SpnegoException {
        DerReader top = DerReader.of(token);
        NegotiationToken result;
        if (top.peekTag() == DerReader.APPLICATION_0) {
            DerReader frame = GssFraming.enter(top);
            if (frame.peekTag() != DerReader.context(0)) {
                throw SpnegoException.malformed("InitialContextToken around something else than a NegTokenInit");
            }
            result = choice(frame);
            frame.finish("InitialContextToken");
        } else {
            result = choice(top);
        }
        top.finish("NegotiationToken");
        return result;
    }

    private static NegotiationToken choice(DerReader r) throws SpnegoException {
        int tag = r.peekTag();
        if (tag == DerReader.context(0)) {
            return NegTokenInit.decodeChoice(r.enter(tag, "negTokenInit"));
        }
        if (tag == DerReader.context(1)) {
            return NegTokenResp.decodeChoice(r.enter(tag, "negTokenResp"));
        }
        throw SpnegoException.malformed("NegotiationToken: tag 0x" + Integer.toHexString(tag)
                + ", expected [0] or [1]");
    }
}
