package dev.sambasidecars.witness.spnego;

import dev.sambasidecars.witness.msnlmp.NtlmException;
import dev.sambasidecars.witness.msnlmp.NtlmServer;
import dev.sambasidecars.witness.msnlmp.NtlmSession;
import dev.sambasidecars.witness.spnego.SpnegoException.Reason;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The acceptor side of SPNEGO (RFC 4178, MS-SPNG) with NTLMSSP as the only mechanism. One
 * instance per negotiation, not thread-safe; after any failure it refuses further tokens.
 *
 * <ul>
 *   <li>NTLMSSP is chosen wherever it is in the initiator's list. When it is first, an
 *       optimistic NEGOTIATE_MESSAGE is answered at once; when another mechanism (Kerberos,
 *       say) is preferred, its optimistic token is ignored and the reply is request-mic with
 *       supportedMech NTLMSSP and no token (what Samba answers; RFC 4178 4.2.2 defines
 *       request-mic for exactly this), and the NEGOTIATE_MESSAGE comes next.</li>
 *   <li>Without NTLMSSP in the list the negotiation fails with NO_COMMON_MECHANISM (reject).</li>
 *   <li>mechListMIC (as Samba's gensec_spnego server): once NTLMSSP has finished with signing
 *       negotiated, the MIC exchange is required when AUTHENTICATE carried an NTLMSSP MIC, when
 *       the initiator sent a mechListMIC, or when NTLMSSP was not its preferred mechanism (RFC
 *       4178 section 5). A mechListMIC that came is verified over the mechTypes bytes as
 *       received; the acceptor's own goes into its accept-completed reply. When a required MIC
 *       did not come with AUTHENTICATE, the reply is accept-incomplete with the acceptor's MIC
 *       and the next token must carry the initiator's (and nothing else).</li>
 *   <li>At completion the NTLMSSP cipher state is reset (see {@link MechListMic#reset}).</li>
 * </ul>
 */
public final class SpnegoAcceptor {

    private static final Logger LOG = LoggerFactory.getLogger(SpnegoAcceptor.class);

    private enum State { INITIAL, AWAIT_NEGOTIATE, AWAIT_AUTHENTICATE, AWAIT_MIC, DONE, FAILED }

    private final NtlmServer ntlm;
    private State state = State.INITIAL;
    private byte[] mechTypesDer;
    private boolean downgraded;
    private boolean supportedMechSent;
    private NtlmSession session;

    /** An acceptor whose NTLMSSP exchange is run by {@code ntlm} (fresh, one per negotiation). */
    public SpnegoAcceptor(NtlmServer ntlm) {
        this.ntlm = Objects.requireNonNull(ntlm, "ntlm");
    }

    /**
     * Takes the initiator's next token and returns the reply (a bare NegTokenResp). The first
     * token is the framed NegTokenInit, every later one a NegTokenResp.
     */
    public byte[] accept(byte[] token) throws SpnegoException {
        try {
            NegTokenResp reply = switch (state) {
                case INITIAL -> init(token);
                case AWAIT_NEGOTIATE -> negotiate(response(token));
                case AWAIT_AUTHENTICATE -> authenticate(response(token));
                case AWAIT_MIC -> lateMic(response(token));
                case DONE, FAILED -> throw new SpnegoException(Reason.UNEXPECTED_TOKEN,
                        "token after the negotiation " + (state == State.DONE ? "finished" : "failed"));
            };
            return reply.encode();
        } catch (SpnegoException e) {
            state = State.FAILED;
            LOG.debug("SPNEGO negotiation failed: {}", e.getMessage());
            throw e;
        }
    }

    /** True once the negotiation completed: NTLMSSP authenticated and any MIC exchange done. */
    public boolean established() {
        return state == State.DONE;
    }

    /** The NTLMSSP session once established, else null. */
    public NtlmSession session() {
        return established() ? session : null;
    }

    private NegTokenResp init(byte[] token) throws SpnegoException {
        if (token.length == 0 || (token[0] & 0xff) != DerReader.APPLICATION_0) {
            throw SpnegoException.malformed("the first token lacks the GSS-API framing");
        }
        NegTokenInit init = (NegTokenInit) NegotiationToken.decode(token);
        int index = init.mechTypes().indexOf(Oid.NTLMSSP);
        if (index < 0) {
            throw new SpnegoException(Reason.NO_COMMON_MECHANISM, "NTLMSSP not among " + init.mechTypes());
        }
        mechTypesDer = init.mechTypesDer();
        if (index > 0) {
            // The optimistic token belongs to the preferred mechanism and is ignored.
            downgraded = true;
            state = State.AWAIT_NEGOTIATE;
            return reply(NegState.REQUEST_MIC, null, null);
        }
        if (init.mechToken() == null || init.mechToken().length == 0) {
            state = State.AWAIT_NEGOTIATE;
            return reply(NegState.ACCEPT_INCOMPLETE, null, null);
        }
        return challenge(init.mechToken());
    }

    private NegTokenResp negotiate(NegTokenResp in) throws SpnegoException {
        if (in.responseToken() == null || in.responseToken().length == 0) {
            throw new SpnegoException(Reason.UNEXPECTED_TOKEN, "no NTLMSSP NEGOTIATE_MESSAGE");
        }
        return challenge(in.responseToken());
    }

    private NegTokenResp challenge(byte[] negotiateMessage) throws SpnegoException {
        try {
            byte[] challenge = ntlm.processNegotiate(negotiateMessage);
            state = State.AWAIT_AUTHENTICATE;
            return reply(NegState.ACCEPT_INCOMPLETE, challenge, null);
        } catch (NtlmException e) {
            throw new SpnegoException(Reason.MECHANISM_FAILED, "NTLMSSP NEGOTIATE refused: " + e.getMessage(), e);
        }
    }

    private NegTokenResp authenticate(NegTokenResp in) throws SpnegoException {
        if (in.responseToken() == null || in.responseToken().length == 0) {
            throw new SpnegoException(Reason.UNEXPECTED_TOKEN, "no NTLMSSP AUTHENTICATE_MESSAGE");
        }
        try {
            session = ntlm.processAuthenticate(in.responseToken());
        } catch (NtlmException e) {
            throw new SpnegoException(Reason.MECHANISM_FAILED, "NTLMSSP authentication failed: " + e.getMessage(), e);
        }
        int flags = session.flags();
        if (!MechListMic.integrity(flags)) {
            return complete(false, null);
        }
        boolean required = session.micPresent() || downgraded || in.mechListMic() != null;
        boolean checked = false;
        if (in.mechListMic() != null) {
            MechListMic.verify(session.security(), mechTypesDer, in.mechListMic());
            checked = true;
        }
        if (!required) {
            return complete(false, null);
        }
        byte[] ours = MechListMic.sign(session.security(), mechTypesDer);
        if (!checked) {
            state = State.AWAIT_MIC;
            return reply(NegState.ACCEPT_INCOMPLETE, null, ours);
        }
        return complete(true, ours);
    }

    private NegTokenResp lateMic(NegTokenResp in) throws SpnegoException {
        if (in.responseToken() != null && in.responseToken().length > 0) {
            throw new SpnegoException(Reason.UNEXPECTED_TOKEN, "a mechanism token where only the mechListMIC belongs");
        }
        if (in.mechListMic() == null) {
            throw new SpnegoException(Reason.MIC_MISSING, "the initiator did not send its mechListMIC");
        }
        MechListMic.verify(session.security(), mechTypesDer, in.mechListMic());
        return complete(true, null);
    }

    private NegTokenResp complete(boolean micChecked, byte[] ourMic) {
        MechListMic.reset(session.security(), session.flags(), micChecked);
        state = State.DONE;
        LOG.debug("SPNEGO established for {}\\{} (mechListMIC {})", session.domain(), session.user(),
                micChecked ? "checked" : "not exchanged");
        return new NegTokenResp(NegState.ACCEPT_COMPLETED, null, null, ourMic);
    }

    /** The reply; supportedMech goes only into the first (RFC 4178 4.2.2). */
    private NegTokenResp reply(NegState negState, byte[] responseToken, byte[] mic) {
        Oid mech = supportedMechSent ? null : Oid.NTLMSSP;
        supportedMechSent = true;
        return new NegTokenResp(negState, mech, responseToken, mic);
    }

    private static NegTokenResp response(byte[] token) throws SpnegoException {
        NegotiationToken t = NegotiationToken.decode(token);
        if (!(t instanceof NegTokenResp r)) {
            throw new SpnegoException(Reason.UNEXPECTED_TOKEN, "a NegTokenInit after the first token");
        }
        if (r.negState() == NegState.REJECT) {
            throw new SpnegoException(Reason.REJECTED, "the initiator rejected the negotiation");
        }
        return r;
    }
}
