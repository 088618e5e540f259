package dev.sambasidecars.witness.msnlmp;

import static dev.sambasidecars.witness.msnlmp.SpecVectors.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** MS-NLMP 4.2.4 (NTLMv2) vectors against the production crypto and codecs. */
class SpecVectorTest {

    @Test
    void ntHashIsNtowfV1() {
        assertEquals(hex(SpecVectors.NT_HASH), hex(NtlmCrypto.ntHash(SpecVectors.PASSWORD)));
    }

    @Test
    void ntowfV2() {
        byte[] key = NtlmCrypto.ntowfV2(SpecVectors.NT_HASH, SpecVectors.USER, SpecVectors.DOMAIN);
        assertEquals(hex(SpecVectors.NTOWF_V2), hex(key));
    }

    @Test
    void ntProofStrAndSessionBaseKey() {
        byte[] proof = NtlmCrypto.ntProofStr(SpecVectors.NTOWF_V2, SpecVectors.SERVER_CHALLENGE,
                SpecVectors.TEMP);
        assertEquals(hex(SpecVectors.NT_PROOF_STR), hex(proof));
        assertEquals(hex(SpecVectors.SESSION_BASE_KEY),
                hex(NtlmCrypto.sessionBaseKeyV2(SpecVectors.NTOWF_V2, proof)));
    }

    @Test
    void lmV2ResponseOfTheTestClientMatches() {
        // 4.2.4.2.1; the server ignores LMv2 but the independent test client must get it right.
        byte[] lm = TestNtlmClient.concat(TestNtlmClient.hmac(SpecVectors.NTOWF_V2,
                SpecVectors.SERVER_CHALLENGE, SpecVectors.CLIENT_CHALLENGE), SpecVectors.CLIENT_CHALLENGE);
        assertEquals(hex(SpecVectors.LMV2_RESPONSE), hex(lm));
    }

    @Test
    void encryptedRandomSessionKeyBothWays() {
        // 4.2.4.2.3: KeyExchangeKey = SessionBaseKey for NTLMv2.
        assertEquals(hex(SpecVectors.ENCRYPTED_SESSION_KEY),
                hex(NtlmCrypto.rc4(SpecVectors.SESSION_BASE_KEY, SpecVectors.RANDOM_SESSION_KEY)));
        assertEquals(hex(SpecVectors.RANDOM_SESSION_KEY),
                hex(NtlmCrypto.rc4(SpecVectors.SESSION_BASE_KEY, SpecVectors.ENCRYPTED_SESSION_KEY)));
    }

    @Test
    void backendAcceptsTheSpecResponse() throws Exception {
        NtHashCredentials creds = NtHashCredentials.builder()
                .ntHash(SpecVectors.USER, SpecVectors.NT_HASH).build();
        byte[] nt = TestNtlmClient.concat(SpecVectors.NT_PROOF_STR, SpecVectors.TEMP);
        byte[] key = creds.verify(SpecVectors.USER, SpecVectors.DOMAIN,
                SpecVectors.SERVER_CHALLENGE, nt, SpecVectors.LMV2_RESPONSE);
        assertEquals(hex(SpecVectors.SESSION_BASE_KEY), hex(key));
    }

    @Test
    void challengeMessageEncodesToTheSpecBytes() {
        AvPairs info = AvPairs.of(List.of(
                AvPairs.string(AvPairs.NB_DOMAIN_NAME, SpecVectors.DOMAIN),
                AvPairs.string(AvPairs.NB_COMPUTER_NAME, SpecVectors.SERVER_NAME)));
        assertEquals(hex(SpecVectors.TARGET_INFO), hex(info.encode()));
        ChallengeMessage msg = new ChallengeMessage(SpecVectors.CHALLENGE_FLAGS,
                SpecVectors.SERVER_NAME, SpecVectors.SERVER_CHALLENGE, info,
                new NtlmVersion(6, 0, 6000, 15));
        assertEquals(hex(SpecVectors.CHALLENGE_MESSAGE), hex(msg.encode()));
    }

    @Test
    void authenticateMessageDecodesTheSpecBytes() throws Exception {
        AuthenticateMessage msg = AuthenticateMessage.decode(SpecVectors.AUTHENTICATE_MESSAGE);
        assertEquals(SpecVectors.USER, msg.user());
        assertEquals(SpecVectors.DOMAIN, msg.domain());
        assertEquals(SpecVectors.WORKSTATION, msg.workstation());
        assertEquals(0xe2888235, msg.flags());
        assertEquals(new NtlmVersion(5, 1, 2600, 15), msg.version().orElseThrow());
        assertFalse(msg.hasMicField(), "the 4.2.4.3 payload starts at 0x48: no MIC");
        assertEquals(hex(SpecVectors.LMV2_RESPONSE), hex(msg.lmChallengeResponse()));
        assertEquals(hex(SpecVectors.ENCRYPTED_SESSION_KEY), hex(msg.encryptedRandomSessionKey()));
        Ntlmv2Response v2 = Ntlmv2Response.parse(msg.ntChallengeResponse());
        assertEquals(hex(SpecVectors.NT_PROOF_STR), hex(v2.ntProofStr()));
        assertEquals(hex(SpecVectors.TEMP), hex(v2.clientChallengeBlob()));
        assertEquals(SpecVectors.TIME, v2.timestamp());
        assertEquals(hex(SpecVectors.CLIENT_CHALLENGE), hex(v2.clientChallenge()));
        assertEquals("Server", new String(v2.avPairs().find(AvPairs.NB_COMPUTER_NAME).orElseThrow(),
                java.nio.charset.StandardCharsets.UTF_16LE));
        assertFalse(v2.avPairs().micPresent());
    }

    @Test
    void sealingAndSigningKeys() {
        assertEquals(hex(SpecVectors.CLIENT_SEALING_KEY), hex(NtlmCrypto.subKey(
                SpecVectors.RANDOM_SESSION_KEY,
                "session key to client-to-server sealing key magic constant")));
        assertEquals(hex(SpecVectors.CLIENT_SIGNING_KEY), hex(NtlmCrypto.subKey(
                SpecVectors.RANDOM_SESSION_KEY,
                "session key to client-to-server signing key magic constant")));
    }

    /**
     * The MIC covers NEGOTIATE || CHALLENGE || AUTHENTICATE with the MIC zeroed (3.1.5.1.2). MS-NLMP
     * has no MIC example; Chromium's vector is one produced by an independent implementation.
     */
    @Test
    void micMatchesChromiumVector() throws Exception {
        AuthenticateMessage auth = AuthenticateMessage.decode(SpecVectors.CHROMIUM_AUTHENTICATE);
        assertTrue(auth.hasMicField());
        assertEquals(hex(SpecVectors.CHROMIUM_MIC), hex(auth.mic()));
        Ntlmv2Response v2 = Ntlmv2Response.parse(auth.ntChallengeResponse());
        assertTrue(v2.avPairs().micPresent());
        NtHashCredentials creds = NtHashCredentials.builder()
                .password(SpecVectors.USER, SpecVectors.PASSWORD).build();
        byte[] sessionBaseKey = creds.verify(auth.user(), auth.domain(),
                SpecVectors.SERVER_CHALLENGE, auth.ntChallengeResponse(), auth.lmChallengeResponse());
        assertEquals(hex(SpecVectors.CHROMIUM_SESSION_BASE_KEY), hex(sessionBaseKey));
        byte[] mic = NtlmCrypto.mic(sessionBaseKey, SpecVectors.CHROMIUM_NEGOTIATE,
                SpecVectors.CHALLENGE_MESSAGE, auth.rawWithMicZeroed());
        assertEquals(hex(SpecVectors.CHROMIUM_MIC), hex(mic));
        assertArrayEquals(SpecVectors.CHROMIUM_AUTHENTICATE, auth.raw());
    }
}
