package dev.sambasidecars.witness.msnlmp;

import dev.sambasidecars.witness.msnlmp.NtlmAuthenticationException.Reason;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The client (initiator) side of one NTLMSSP exchange, MS-NLMP 3.1.5.1: NEGOTIATE out, CHALLENGE
 * in, AUTHENTICATE out, {@link NtlmSession} (with client-side session security) as the result.
 * One instance per exchange, not thread-safe.
 *
 * <p>NTLMv2 only, with extended session security, 128-bit keys and Unicode: a server that does not
 * grant them, or drops SIGN or SEAL when they were asked for, is refused rather than given a
 * weaker exchange. With KEY_EXCH the ExportedSessionKey is a fresh random key sent RC4-encrypted
 * under the KeyExchangeKey (3.4.5.1). When the CHALLENGE carries an MsvAvTimestamp, that time goes
 * into the NTLMv2 response, the LmChallengeResponse is Z(24), and a MIC over the three messages is
 * sent and announced in MsvAvFlags (3.1.5.1.2); without one the client's clock is used, an LMv2
 * response is sent and no MIC.
 */
public final class NtlmClient {

    /**
     * What {@link #negotiate} offers unless told otherwise: Unicode, NTLM, request target,
     * always-sign, extended session security, VERSION, 128- and 56-bit keys and key exchange.
     * Callers add SIGN and SEAL for the protection they need.
     */
    public static final int DEFAULT_FLAGS = NegotiateFlags.UNICODE | NegotiateFlags.REQUEST_TARGET
            | NegotiateFlags.NTLM | NegotiateFlags.ALWAYS_SIGN | NegotiateFlags.EXTENDED_SESSIONSECURITY
            | NegotiateFlags.VERSION | NegotiateFlags.NEGOTIATE_128 | NegotiateFlags.KEY_EXCH
            | NegotiateFlags.NEGOTIATE_56;

    private static final int NEGOTIATE_LENGTH = 40;
    private static final int AUTHENTICATE_HEADER = AuthenticateMessage.MIC_OFFSET + AuthenticateMessage.MIC_LENGTH;
    private static final int AUTHENTICATE_HEADER_NO_MIC = AuthenticateMessage.MIC_OFFSET;

    private enum State { INITIAL, NEGOTIATE_SENT, DONE, FAILED }

    private final NtlmClientConfig config;
    private final int offered;
    private State state = State.INITIAL;
    private byte[] negotiateRaw;
    private NtlmSession session;

    /**
     * A client for one exchange.
     *
     * @param flags the NegotiateFlags to offer, e.g. {@code DEFAULT_FLAGS | NegotiateFlags.SIGN};
     *     Unicode, extended session security and 128-bit keys must be among them
     */
    public NtlmClient(NtlmClientConfig config, int flags) {
        this.config = Objects.requireNonNull(config, "config");
        if (!NegotiateFlags.has(flags, NtlmServer.REQUIRED)) {
            throw new IllegalArgumentException("this client speaks NTLMv2 with "
                    + NegotiateFlags.toString(NtlmServer.REQUIRED) + " only, not " + NegotiateFlags.toString(flags));
        }
        this.offered = flags;
    }

    /** The NEGOTIATE_MESSAGE (2.2.1.1): no domain or workstation supplied, VERSION when offered. */
    public byte[] negotiate() {
        if (state != State.INITIAL) {
            throw new IllegalStateException("NEGOTIATE_MESSAGE already sent");
        }
        NtlmBuffer.Writer w = new NtlmBuffer.Writer();
        w.bytes(NtlmBuffer.SIGNATURE).u32(NegotiateMessage.TYPE).u32(offered);
        w.payloadField(0, NEGOTIATE_LENGTH).payloadField(0, NEGOTIATE_LENGTH);
        writeVersion(w, offered);
        negotiateRaw = w.toByteArray();
        state = State.NEGOTIATE_SENT;
        return negotiateRaw.clone();
    }

    /** Takes the CHALLENGE_MESSAGE and returns the AUTHENTICATE_MESSAGE; {@link #session()} is then ready. */
    public byte[] authenticate(byte[] challengeMessage) throws NtlmException {
        if (state != State.NEGOTIATE_SENT) {
            state = State.FAILED;
            throw new NtlmProtocolException("CHALLENGE_MESSAGE without a NEGOTIATE_MESSAGE sent");
        }
        state = State.FAILED;
        ChallengeMessage challenge = ChallengeMessage.decode(challengeMessage);
        int flags = challenge.flags() & offered;
        int wanted = NtlmServer.REQUIRED | (offered & (NegotiateFlags.SIGN | NegotiateFlags.SEAL));
        if (!NegotiateFlags.has(flags, wanted)) {
            throw new NtlmAuthenticationException(Reason.FLAGS_REFUSED, "the server did not grant "
                    + NegotiateFlags.toString(wanted & ~flags));
        }
        AvPairs serverInfo = challenge.targetInfo() == null ? AvPairs.of(List.of()) : challenge.targetInfo();
        byte[] serverTime = serverInfo.find(AvPairs.TIMESTAMP).orElse(null);
        boolean mic = serverTime != null;

        byte[] clientChallenge = new byte[8];
        config.random().nextBytes(clientChallenge);
        byte[] time = serverTime != null ? serverTime : timestamp(NtlmServer.filetime(config.clock().instant()));
        byte[] temp = temp(time, clientChallenge, echoed(serverInfo, mic));
        byte[] responseKey = NtlmCrypto.ntowfV2(config.ntHash(), config.user(), config.domain());
        byte[] serverChallenge = challenge.serverChallenge();
        byte[] proof = NtlmCrypto.ntProofStr(responseKey, serverChallenge, temp);
        byte[] nt = concat(proof, temp);
        byte[] lm = mic ? new byte[24]
                : concat(NtlmCrypto.hmacMd5(responseKey, serverChallenge, clientChallenge), clientChallenge);
        // 3.4.5.1 KXKEY: with NTLMv2 the KeyExchangeKey is the SessionBaseKey.
        byte[] keyExchangeKey = NtlmCrypto.sessionBaseKeyV2(responseKey, proof);
        byte[] exportedSessionKey = keyExchangeKey;
        byte[] encryptedKey = new byte[0];
        if (NegotiateFlags.has(flags, NegotiateFlags.KEY_EXCH)) {
            exportedSessionKey = new byte[16];
            config.random().nextBytes(exportedSessionKey);
            encryptedKey = NtlmCrypto.rc4(keyExchangeKey, exportedSessionKey);
        }

        byte[] message = authenticateMessage(flags, mic, lm, nt, encryptedKey);
        if (mic) {
            byte[] code = NtlmCrypto.mic(exportedSessionKey, negotiateRaw, challengeMessage, message);
            System.arraycopy(code, 0, message, AuthenticateMessage.MIC_OFFSET, AuthenticateMessage.MIC_LENGTH);
        }
        session = new NtlmSession(config.user(), config.domain(), config.workstation(), flags, exportedSessionKey,
                SessionSecurity.create(SessionSecurity.Role.CLIENT, flags, exportedSessionKey), mic);
        state = State.DONE;
        return message;
    }

    /** The finished exchange: negotiated flags, ExportedSessionKey and client-side session security. */
    public NtlmSession session() {
        if (state != State.DONE) {
            throw new IllegalStateException("NTLMSSP exchange not finished");
        }
        return session;
    }

    /** The server's AV_PAIRs unchanged, plus MsvAvFlags announcing the MIC when one is sent. */
    private static byte[] echoed(AvPairs server, boolean mic) {
        List<AvPairs.AvPair> pairs = new ArrayList<>();
        int avFlags = mic ? AvPairs.FLAG_MIC_PRESENT : 0;
        for (AvPairs.AvPair p : server.pairs()) {
            if (p.id() == AvPairs.FLAGS) {
                avFlags |= NtlmBuffer.getInt(p.value(), 0);
            } else {
                pairs.add(p);
            }
        }
        if (avFlags != 0) {
            pairs.add(new AvPairs.AvPair(AvPairs.FLAGS, new NtlmBuffer.Writer().u32(avFlags).toByteArray()));
        }
        return AvPairs.of(pairs).encode();
    }

    /** The NTLMv2 client challenge structure of 2.2.2.7 as 3.3.2 builds it: "temp". */
    private static byte[] temp(byte[] time, byte[] clientChallenge, byte[] avPairs) {
        return new NtlmBuffer.Writer().u8(1).u8(1).u16(0).u32(0).bytes(time).bytes(clientChallenge).u32(0)
                .bytes(avPairs).u32(0).toByteArray();
    }

    private byte[] authenticateMessage(int flags, boolean mic, byte[] lm, byte[] nt, byte[] encryptedKey) {
        byte[] domain = NtlmCrypto.unicode(config.domain());
        byte[] user = NtlmCrypto.unicode(config.user());
        byte[] workstation = NtlmCrypto.unicode(config.workstation());
        int at = mic ? AUTHENTICATE_HEADER : AUTHENTICATE_HEADER_NO_MIC;
        int domainAt = at;
        int userAt = domainAt + domain.length;
        int workstationAt = userAt + user.length;
        int lmAt = workstationAt + workstation.length;
        int ntAt = lmAt + lm.length;
        int keyAt = ntAt + nt.length;
        NtlmBuffer.Writer w = new NtlmBuffer.Writer();
        w.bytes(NtlmBuffer.SIGNATURE).u32(AuthenticateMessage.TYPE);
        w.payloadField(lm.length, lmAt).payloadField(nt.length, ntAt).payloadField(domain.length, domainAt)
                .payloadField(user.length, userAt).payloadField(workstation.length, workstationAt)
                .payloadField(encryptedKey.length, keyAt).u32(flags);
        writeVersion(w, flags);
        if (mic) {
            w.bytes(new byte[AuthenticateMessage.MIC_LENGTH]);
        }
        return w.bytes(domain).bytes(user).bytes(workstation).bytes(lm).bytes(nt).bytes(encryptedKey).toByteArray();
    }

    private void writeVersion(NtlmBuffer.Writer w, int flags) {
        if (NegotiateFlags.has(flags, NegotiateFlags.VERSION)) {
            config.version().write(w);
        } else {
            w.u64(0);
        }
    }

    private static byte[] timestamp(long filetime) {
        return new NtlmBuffer.Writer().u64(filetime).toByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
