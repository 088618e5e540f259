package dev.sambasidecars.witness.msnlmp;

import dev.sambasidecars.witness.msnlmp.NtlmAuthenticationException.Reason;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server (acceptor) side of one NTLMSSP exchange, MS-NLMP 3.2.5: NEGOTIATE in, CHALLENGE out,
 * AUTHENTICATE in, {@link NtlmSession} out. One instance per exchange, not thread-safe; after any
 * failure it refuses further messages.
 *
 * <p>Policy: NTLMv2 only. Extended session security, 128-bit keys and Unicode are required (a
 * client dropping them between NEGOTIATE and AUTHENTICATE is treated as a downgrade); LM,
 * NTLMv1 and anonymous logons are refused. The MIC is checked whenever the client's MsvAvFlags
 * announce one. The AV_PAIRs the server sent must come back unchanged inside the NTLMv2 response
 * (as Samba checks). The client's own NTLMv2 TimeStamp is not compared with the clock; freshness
 * comes from the server-side challenge lifetime instead.
 */
public final class NtlmServer {

    private static final Logger LOG = LoggerFactory.getLogger(NtlmServer.class);

    /** Flags the client must offer and keep. */
    static final int REQUIRED = NegotiateFlags.UNICODE | NegotiateFlags.EXTENDED_SESSIONSECURITY
            | NegotiateFlags.NEGOTIATE_128;
    /** Flags granted when, and only when, the client asks. */
    static final int OPTIONAL = NegotiateFlags.SIGN | NegotiateFlags.SEAL
            | NegotiateFlags.ALWAYS_SIGN | NegotiateFlags.KEY_EXCH | NegotiateFlags.NEGOTIATE_56
            | NegotiateFlags.VERSION | NegotiateFlags.REQUEST_TARGET;
    /** Flags always sent: NTLM is set by every implementation, TargetInfo carries the AV_PAIRs. */
    static final int ALWAYS = NegotiateFlags.NTLM | NegotiateFlags.TARGET_INFO
            | NegotiateFlags.TARGET_TYPE_SERVER;

    private static final long FILETIME_EPOCH_OFFSET_SECONDS = 11_644_473_600L;

    private enum State { INITIAL, CHALLENGE_SENT, DONE, FAILED }

    private final NtlmServerConfig config;
    private final CredentialBackend backend;
    private State state = State.INITIAL;
    private byte[] negotiateRaw;
    private byte[] challengeRaw;
    private ChallengeMessage challenge;
    private Instant challengeIssued;

    /** A server for one exchange. */
    public NtlmServer(NtlmServerConfig config, CredentialBackend backend) {
        this.config = Objects.requireNonNull(config, "config");
        this.backend = Objects.requireNonNull(backend, "backend");
    }

    /** Takes the NEGOTIATE_MESSAGE and returns the CHALLENGE_MESSAGE to send (3.2.5.1.1). */
    public byte[] processNegotiate(byte[] negotiateMessage) throws NtlmException {
        expect(State.INITIAL, "NEGOTIATE_MESSAGE");
        try {
            NegotiateMessage negotiate = NegotiateMessage.decode(negotiateMessage);
            int offered = negotiate.flags();
            requireFlags(offered, "NEGOTIATE_MESSAGE");
            int flags = REQUIRED | ALWAYS | (offered & OPTIONAL);
            byte[] serverChallenge = new byte[8];
            config.random().nextBytes(serverChallenge);
            challengeIssued = config.clock().instant();
            challenge = new ChallengeMessage(flags, config.nbComputerName(), serverChallenge,
                    targetInfo(challengeIssued), config.version());
            negotiateRaw = negotiate.raw();
            challengeRaw = challenge.encode();
            state = State.CHALLENGE_SENT;
            return challengeRaw.clone();
        } catch (NtlmException e) {
            fail(e);
            throw e;
        }
    }

    /** Takes the AUTHENTICATE_MESSAGE; on success the exchange is complete (3.2.5.1.2). */
    public NtlmSession processAuthenticate(byte[] authenticateMessage) throws NtlmException {
        expect(State.CHALLENGE_SENT, "AUTHENTICATE_MESSAGE");
        try {
            NtlmSession session = authenticate(AuthenticateMessage.decode(authenticateMessage));
            state = State.DONE;
            LOG.debug("NTLMSSP authenticated {}", session);
            return session;
        } catch (NtlmException e) {
            fail(e);
            throw e;
        }
    }

    private NtlmSession authenticate(AuthenticateMessage auth) throws NtlmException {
        Duration age = Duration.between(challengeIssued, config.clock().instant());
        if (age.compareTo(config.challengeLifetime()) > 0) {
            throw new NtlmAuthenticationException(Reason.CHALLENGE_EXPIRED, "challenge is " + age
                    + " old");
        }
        int flags = challenge.flags() & auth.flags();
        requireFlags(flags, "AUTHENTICATE_MESSAGE");

        byte[] nt = auth.ntChallengeResponse();
        byte[] lm = auth.lmChallengeResponse();
        if (nt.length == 0) {
            boolean anonymous = lm.length == 0 || (lm.length == 1 && lm[0] == 0);
            throw new NtlmAuthenticationException(anonymous ? Reason.ANONYMOUS_REFUSED
                    : Reason.LM_REFUSED, "no NT response from " + auth.user());
        }
        if (nt.length == 24) {
            throw new NtlmAuthenticationException(Reason.NTLMV1_REFUSED, "user " + auth.user());
        }
        Ntlmv2Response response = Ntlmv2Response.parse(nt);
        checkEchoedTargetInfo(response.avPairs());
        boolean micExpected = response.avPairs().micPresent();
        if (micExpected && !auth.hasMicField()) {
            throw new NtlmProtocolException("MsvAvFlags announces a MIC but the header has no room");
        }

        byte[] sessionBaseKey = backend.verify(auth.user(), auth.domain(),
                challenge.serverChallenge(), nt, lm);
        if (sessionBaseKey == null || sessionBaseKey.length != 16) {
            throw new IllegalStateException("credential backend returned no 16-byte SessionBaseKey");
        }
        // 3.4.5.1 KXKEY: with NTLMv2 the KeyExchangeKey is the SessionBaseKey.
        byte[] keyExchangeKey = sessionBaseKey;
        byte[] exportedSessionKey = keyExchangeKey;
        if (NegotiateFlags.has(flags, NegotiateFlags.KEY_EXCH)) {
            byte[] encrypted = auth.encryptedRandomSessionKey();
            if (encrypted.length != 16) {
                throw new NtlmProtocolException("KEY_EXCH with an EncryptedRandomSessionKey of "
                        + encrypted.length + " bytes");
            }
            exportedSessionKey = NtlmCrypto.rc4(keyExchangeKey, encrypted);
        }
        if (micExpected) {
            byte[] mic = NtlmCrypto.mic(exportedSessionKey, negotiateRaw, challengeRaw,
                    auth.rawWithMicZeroed());
            if (!MessageDigest.isEqual(mic, auth.mic())) {
                throw new NtlmAuthenticationException(Reason.MIC_MISMATCH, "user " + auth.user());
            }
        }
        return new NtlmSession(auth.user(), auth.domain(), auth.workstation(), flags,
                exportedSessionKey,
                SessionSecurity.create(SessionSecurity.Role.SERVER, flags, exportedSessionKey),
                micExpected);
    }

    /**
     * Every AV_PAIR the server sent must be echoed with the same value; NTProofStr covers the
     * echo, so this binds the response to this server's names and timestamp.
     */
    private void checkEchoedTargetInfo(AvPairs echoed) throws NtlmAuthenticationException {
        for (AvPairs.AvPair sent : challenge.targetInfo().pairs()) {
            Optional<byte[]> got = echoed.find(sent.id());
            if (got.isEmpty() || !Arrays.equals(got.get(), sent.value())) {
                throw new NtlmAuthenticationException(Reason.TARGET_INFO_MISMATCH,
                        "AV_PAIR 0x" + Integer.toHexString(sent.id()) + " not echoed unchanged");
            }
        }
    }

    private AvPairs targetInfo(Instant now) {
        List<AvPairs.AvPair> pairs = new ArrayList<>();
        pairs.add(AvPairs.string(AvPairs.NB_DOMAIN_NAME, config.nbDomainName()));
        pairs.add(AvPairs.string(AvPairs.NB_COMPUTER_NAME, config.nbComputerName()));
        if (config.dnsDomainName() != null) {
            pairs.add(AvPairs.string(AvPairs.DNS_DOMAIN_NAME, config.dnsDomainName()));
        }
        if (config.dnsComputerName() != null) {
            pairs.add(AvPairs.string(AvPairs.DNS_COMPUTER_NAME, config.dnsComputerName()));
        }
        if (config.sendTimestamp()) {
            pairs.add(AvPairs.timestamp(filetime(now)));
        }
        return AvPairs.of(pairs);
    }

    /** FILETIME: 100-nanosecond intervals since 1601-01-01 UTC (MS-DTYP 2.3.3). */
    static long filetime(Instant t) {
        return (t.getEpochSecond() + FILETIME_EPOCH_OFFSET_SECONDS) * 10_000_000L
                + t.getNano() / 100;
    }

    private static void requireFlags(int flags, String where) throws NtlmAuthenticationException {
        int missing = REQUIRED & ~flags;
        if (missing != 0) {
            throw new NtlmAuthenticationException(Reason.FLAGS_REFUSED, where + " lacks "
                    + NegotiateFlags.toString(missing));
        }
    }

    private void expect(State wanted, String message) throws NtlmProtocolException {
        if (state != wanted) {
            State was = state;
            state = State.FAILED;
            throw new NtlmProtocolException("unexpected " + message + " in state " + was);
        }
    }

    private void fail(NtlmException e) {
        state = State.FAILED;
        LOG.debug("NTLMSSP exchange failed: {}", e.getMessage());
    }
}
