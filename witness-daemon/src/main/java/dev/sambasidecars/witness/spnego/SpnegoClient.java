package dev.sambasidecars.witness.spnego;

import dev.sambasidecars.witness.msnlmp.SessionSecurity;
import dev.sambasidecars.witness.spnego.SpnegoException.Reason;
import java.util.List;
import java.util.Objects;

/**
 * The initiator side of SPNEGO with NTLMSSP, mirroring {@link SpnegoAcceptor}: the framed
 * NegTokenInit first, then one NegTokenResp per reply until {@link #established()}. One
 * instance per negotiation, not thread-safe.
 *
 * <p>NTLMSSP is normally the only and preferred mechanism and its NEGOTIATE_MESSAGE rides along
 * optimistically. A list that prefers another mechanism (to exercise an acceptor's fallback)
 * sends that mechanism's opaque optimistic token, and NTLMSSP starts only when the acceptor
 * picks it. The mechListMIC is sent with AUTHENTICATE when signing was negotiated and the
 * AUTHENTICATE carried an NTLMSSP MIC, NTLMSSP was not preferred, or the acceptor answered
 * request-mic; an acceptor's mechListMIC is verified, and required whenever this side sent one.
 * At completion the session security is reset as on the acceptor side.
 */
public final class SpnegoClient {

    private enum State { INITIAL, AWAIT_SELECTION, AWAIT_CHALLENGE, AWAIT_COMPLETION, AWAIT_FINAL, DONE, FAILED }

    private final NtlmInitiator ntlm;
    private final List<Oid> mechTypes;
    private final byte[] foreignToken;
    private State state = State.INITIAL;
    private byte[] mechTypesDer;
    private boolean downgraded;
    private boolean micRequested;
    private boolean micSent;
    private SessionSecurity security;

    /** Offers NTLMSSP alone, with an optimistic NEGOTIATE_MESSAGE. */
    public SpnegoClient(NtlmInitiator ntlm) {
        this(ntlm, List.of(Oid.NTLMSSP), null);
    }

    /**
     * Offers {@code mechTypes}, which must include NTLMSSP. When NTLMSSP is not first,
     * {@code preferredToken} (may be null) goes out as the preferred mechanism's optimistic token.
     */
    public SpnegoClient(NtlmInitiator ntlm, List<Oid> mechTypes, byte[] preferredToken) {
        this.ntlm = Objects.requireNonNull(ntlm, "ntlm");
        this.mechTypes = List.copyOf(mechTypes);
        if (!this.mechTypes.contains(Oid.NTLMSSP)) {
            throw new IllegalArgumentException("NTLMSSP must be offered: " + mechTypes);
        }
        this.foreignToken = preferredToken == null ? null : preferredToken.clone();
    }

    /** The framed NegTokenInit for the first leg. */
    public byte[] initialToken() {
        if (state != State.INITIAL) {
            throw new IllegalStateException("the initial token was already produced");
        }
        boolean ntlmFirst = mechTypes.get(0).equals(Oid.NTLMSSP);
        NegTokenInit init = NegTokenInit.of(mechTypes, ntlmFirst ? ntlm.negotiate() : foreignToken);
        mechTypesDer = init.mechTypesDer();
        state = ntlmFirst ? State.AWAIT_CHALLENGE : State.AWAIT_SELECTION;
        return init.encodeInitial();
    }

    /**
     * Takes the acceptor's reply and returns the next token to send, or null when the
     * negotiation is complete and there is nothing more to send.
     */
    public byte[] step(byte[] acceptorToken) throws SpnegoException {
        try {
            NegTokenResp in = NegTokenResp.decode(acceptorToken);
            if (in.negState() == NegState.REJECT) {
                throw new SpnegoException(Reason.REJECTED, "the acceptor rejected every mechanism offered");
            }
            if (in.negState() == NegState.REQUEST_MIC) {
                micRequested = true;
            }
            checkSupportedMech(in);
            NegTokenResp out = switch (state) {
                case AWAIT_SELECTION -> startNtlm(in);
                case AWAIT_CHALLENGE -> authenticate(in);
                case AWAIT_COMPLETION -> completion(in);
                case AWAIT_FINAL -> finalReply(in);
                case INITIAL, DONE, FAILED -> throw new SpnegoException(Reason.UNEXPECTED_TOKEN,
                        "acceptor token in state " + state);
            };
            return out == null ? null : out.encode();
        } catch (SpnegoException e) {
            state = State.FAILED;
            throw e;
        }
    }

    /** True once the negotiation completed on this side. */
    public boolean established() {
        return state == State.DONE;
    }

    /** The client's NTLMSSP session security, once established. */
    public SessionSecurity security() {
        if (!established()) {
            throw new IllegalStateException("SPNEGO negotiation not complete");
        }
        return security;
    }

    private void checkSupportedMech(NegTokenResp in) throws SpnegoException {
        Oid mech = in.supportedMech();
        if (mech == null) {
            if (state == State.AWAIT_SELECTION) {
                throw new SpnegoException(Reason.UNEXPECTED_TOKEN, "the first reply names no supportedMech");
            }
            return;
        }
        if (!mech.equals(Oid.NTLMSSP)) {
            throw new SpnegoException(Reason.NO_COMMON_MECHANISM, "the acceptor chose " + mech);
        }
        if (state == State.AWAIT_SELECTION) {
            downgraded = true;
        }
    }

    private NegTokenResp startNtlm(NegTokenResp in) throws SpnegoException {
        if (in.responseToken() != null) {
            throw new SpnegoException(Reason.UNEXPECTED_TOKEN, "a token before NTLMSSP started");
        }
        state = State.AWAIT_CHALLENGE;
        return new NegTokenResp(null, null, ntlm.negotiate(), null);
    }

    private NegTokenResp authenticate(NegTokenResp in) throws SpnegoException {
        if (in.negState() == NegState.ACCEPT_COMPLETED || in.responseToken() == null) {
            throw new SpnegoException(Reason.UNEXPECTED_TOKEN, "no NTLMSSP CHALLENGE_MESSAGE in " + in);
        }
        byte[] authenticate = ntlm.authenticate(in.responseToken());
        int flags = ntlm.negotiatedFlags();
        security = SessionSecurity.create(SessionSecurity.Role.CLIENT, flags, ntlm.exportedSessionKey());
        byte[] mic = null;
        if (MechListMic.integrity(flags) && (ntlm.micSent() || downgraded || micRequested)) {
            mic = MechListMic.sign(security, mechTypesDer);
            micSent = true;
        }
        state = State.AWAIT_COMPLETION;
        return new NegTokenResp(null, null, authenticate, mic);
    }

    private NegTokenResp completion(NegTokenResp in) throws SpnegoException {
        if (in.responseToken() != null && in.responseToken().length > 0) {
            throw new SpnegoException(Reason.UNEXPECTED_TOKEN, "a mechanism token after AUTHENTICATE");
        }
        int flags = ntlm.negotiatedFlags();
        boolean checked = false;
        if (in.mechListMic() != null && MechListMic.integrity(flags)) {
            MechListMic.verify(security, mechTypesDer, in.mechListMic());
            checked = true;
        } else if (micSent) {
            throw new SpnegoException(Reason.MIC_MISSING, "the acceptor sent no mechListMIC");
        }
        if (in.negState() == NegState.ACCEPT_COMPLETED) {
            return done(checked);
        }
        if (in.negState() == NegState.ACCEPT_INCOMPLETE && checked && !micSent) {
            // The acceptor requires the exchange and goes first; ours follows alone.
            state = State.AWAIT_FINAL;
            micSent = true;
            return new NegTokenResp(null, null, null, MechListMic.sign(security, mechTypesDer));
        }
        throw new SpnegoException(Reason.UNEXPECTED_TOKEN, "negState " + in.negState() + " after AUTHENTICATE");
    }

    private NegTokenResp finalReply(NegTokenResp in) throws SpnegoException {
        if (in.negState() != NegState.ACCEPT_COMPLETED || in.responseToken() != null || in.mechListMic() != null) {
            throw new SpnegoException(Reason.UNEXPECTED_TOKEN, "expected a bare accept-completed, got " + in);
        }
        return done(true);
    }

    private NegTokenResp done(boolean micChecked) {
        MechListMic.reset(security, ntlm.negotiatedFlags(), micChecked);
        state = State.DONE;
        return null;
    }
}
