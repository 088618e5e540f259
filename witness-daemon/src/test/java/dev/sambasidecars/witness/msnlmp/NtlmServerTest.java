package dev.sambasidecars.witness.msnlmp;

import static dev.sambasidecars.witness.msnlmp.SpecVectors.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sambasidecars.witness.msnlmp.NtlmAuthenticationException.Reason;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The NtlmServer state machine against the independent test client and the 4.2.4 messages. */
class NtlmServerTest {

    private final Fixtures.MutableClock clock = new Fixtures.MutableClock();

    private NtlmServer server() {
        return new NtlmServer(Fixtures.config(clock), Fixtures.credentials());
    }

    private NtlmSession run(TestNtlmClient client) throws NtlmException {
        NtlmServer server = server();
        return server.processAuthenticate(client.authenticate(server.processNegotiate(
                client.negotiate())));
    }

    private Reason refused(TestNtlmClient client) {
        return assertThrows(NtlmAuthenticationException.class, () -> run(client)).reason();
    }

    private Reason refusedAfterTampering(TestNtlmClient client, Consumer<byte[]> tamper) {
        NtlmServer server = server();
        return assertThrows(NtlmAuthenticationException.class, () -> {
            byte[] auth = client.authenticate(server.processNegotiate(client.negotiate()));
            tamper.accept(auth);
            server.processAuthenticate(auth);
        }).reason();
    }

    @Test
    void specAuthenticateMessageYieldsTheSpecSession() throws Exception {
        // A server configured like the 4.2.4 example: names Domain/Server, no DNS names, no
        // timestamp, the 4.2.1 ServerChallenge.
        NtlmServerConfig config = new NtlmServerConfig(SpecVectors.DOMAIN, SpecVectors.SERVER_NAME,
                null, null, new NtlmVersion(6, 0, 6000, 15), false, Duration.ofMinutes(30), clock,
                Fixtures.fixedChallenge());
        NtlmServer server = new NtlmServer(config, NtHashCredentials.builder()
                .ntHash(SpecVectors.USER, SpecVectors.NT_HASH).build());
        TestNtlmClient c = new TestNtlmClient();
        byte[] challenge = server.processNegotiate(c.negotiate());

        // Same bytes as the 4.2.4.3 CHALLENGE_MESSAGE except the flags, which follow the NEGOTIATE.
        byte[] expected = SpecVectors.CHALLENGE_MESSAGE.clone();
        Arrays.fill(expected, 20, 24, (byte) 0);
        byte[] actual = challenge.clone();
        Arrays.fill(actual, 20, 24, (byte) 0);
        assertEquals(hex(expected), hex(actual));

        NtlmSession session = server.processAuthenticate(SpecVectors.AUTHENTICATE_MESSAGE);
        assertEquals("User", session.user());
        assertEquals("Domain", session.domain());
        assertEquals("COMPUTER", session.workstation());
        assertEquals(hex(SpecVectors.RANDOM_SESSION_KEY), hex(session.exportedSessionKey()));
        byte[] plain = session.security().unseal(SpecVectors.SEALED_DATA, SpecVectors.SEAL_SIGNATURE);
        assertArrayEquals(SpecVectors.PLAINTEXT, plain);
    }

    @Test
    void challengeCarriesTheConfiguredAvPairsAndFlags() throws Exception {
        TestNtlmClient c = new TestNtlmClient();
        byte[] challenge = server().processNegotiate(c.negotiate());
        ByteBuffer b = ByteBuffer.wrap(challenge).order(ByteOrder.LITTLE_ENDIAN);
        int flags = b.getInt(20);
        for (int f : new int[] {NegotiateFlags.UNICODE, NegotiateFlags.EXTENDED_SESSIONSECURITY,
                NegotiateFlags.NEGOTIATE_128, NegotiateFlags.KEY_EXCH, NegotiateFlags.SIGN,
                NegotiateFlags.SEAL, NegotiateFlags.TARGET_INFO, NegotiateFlags.VERSION}) {
            assertTrue(NegotiateFlags.has(flags, f), NegotiateFlags.toString(f));
        }
        assertFalse(NegotiateFlags.has(flags, NegotiateFlags.LM_KEY), "ESS wins over LM_KEY");
        assertFalse(NegotiateFlags.has(flags, NegotiateFlags.OEM));
        AvPairs info = AvPairs.decode(challenge, b.getInt(44), b.getShort(40));
        List<Integer> ids = info.pairs().stream().map(AvPairs.AvPair::id).toList();
        assertEquals(List.of(AvPairs.NB_DOMAIN_NAME, AvPairs.NB_COMPUTER_NAME,
                AvPairs.DNS_DOMAIN_NAME, AvPairs.DNS_COMPUTER_NAME, AvPairs.TIMESTAMP), ids);
        long filetime = ByteBuffer.wrap(info.find(AvPairs.TIMESTAMP).orElseThrow())
                .order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(Fixtures.NOW.getEpochSecond(), filetime / 10_000_000L - 11_644_473_600L);
        assertEquals("witness1.domain.example", new String(
                info.find(AvPairs.DNS_COMPUTER_NAME).orElseThrow(), StandardCharsets.UTF_16LE));
    }

    @Test
    void versionIsZeroAndKeyExchangeAbsentWhenNotOffered() throws Exception {
        TestNtlmClient c = new TestNtlmClient();
        c.offeredFlags &= ~(NegotiateFlags.VERSION | NegotiateFlags.KEY_EXCH);
        byte[] challenge = server().processNegotiate(c.negotiate());
        int flags = ByteBuffer.wrap(challenge).order(ByteOrder.LITTLE_ENDIAN).getInt(20);
        assertFalse(NegotiateFlags.has(flags, NegotiateFlags.KEY_EXCH));
        assertFalse(NegotiateFlags.has(flags, NegotiateFlags.VERSION));
        assertEquals("0000000000000000", hex(Arrays.copyOfRange(challenge, 48, 56)));
    }

    @Test
    void correctPasswordWithKeyExchange() throws Exception {
        TestNtlmClient c = new TestNtlmClient();
        NtlmSession s = run(c);
        assertEquals("User", s.user());
        assertTrue(NegotiateFlags.has(s.flags(), NegotiateFlags.KEY_EXCH));
        assertEquals(hex(c.randomSessionKey), hex(s.exportedSessionKey()));
    }

    @Test
    void correctPasswordWithoutKeyExchange() throws Exception {
        TestNtlmClient c = new TestNtlmClient();
        c.offeredFlags &= ~NegotiateFlags.KEY_EXCH;
        NtlmSession s = run(c);
        assertFalse(NegotiateFlags.has(s.flags(), NegotiateFlags.KEY_EXCH));
        assertEquals(hex(c.sessionBaseKey), hex(s.exportedSessionKey()));
    }

    @Test
    void userNameIsCaseInsensitiveAndDomainIsIgnoredForLookup() throws Exception {
        TestNtlmClient c = new TestNtlmClient();
        c.user = "uSeR";
        c.domain = "ANYWHERE";
        assertEquals("uSeR", run(c).user());
    }

    @Test
    void clientWithoutMicIsAccepted() throws Exception {
        TestNtlmClient c = new TestNtlmClient();
        c.sendMic = false;
        assertEquals("User", run(c).user());
    }

    @Test
    void wrongPassword() {
        TestNtlmClient c = new TestNtlmClient();
        c.password = "password";
        assertEquals(Reason.WRONG_PASSWORD, refused(c));
    }

    @Test
    void unknownDisabledAndPasswordlessAccounts() {
        TestNtlmClient c = new TestNtlmClient();
        c.user = "nobody";
        assertEquals(Reason.UNKNOWN_USER, refused(c));
        c.user = "locked";
        c.password = "x";
        assertEquals(Reason.ACCOUNT_DISABLED, refused(c));
        c.user = "nopass";
        assertEquals(Reason.NO_PASSWORD, refused(c));
    }

    @Test
    void ntlmV1ResponseIsRefused() {
        TestNtlmClient c = new TestNtlmClient();
        c.ntlmV1 = true;
        c.sendMic = false;
        assertEquals(Reason.NTLMV1_REFUSED, refused(c));
    }

    @Test
    void lmOnlyAndAnonymousAreRefused() {
        TestNtlmClient c = new TestNtlmClient();
        c.lmOnly = true;
        c.sendMic = false;
        assertEquals(Reason.LM_REFUSED, refused(c));
        assertEquals(Reason.ANONYMOUS_REFUSED, refusedAfterTampering(new TestNtlmClient(), auth -> {
            Arrays.fill(auth, 12, 28, (byte) 0); // LM and NT descriptors: empty
        }));
    }

    @Test
    void tamperedMicIsRefused() {
        assertEquals(Reason.MIC_MISMATCH, refusedAfterTampering(new TestNtlmClient(),
                auth -> auth[AuthenticateMessage.MIC_OFFSET] ^= 1));
    }

    @Test
    void micCoversFieldsTheNtlmV2ProofDoesNot() {
        // Clearing SEAL in the AUTHENTICATE flags or renaming the workstation leaves NTProofStr
        // valid; only the MIC catches it.
        assertEquals(Reason.MIC_MISMATCH, refusedAfterTampering(new TestNtlmClient(),
                auth -> auth[60] &= ~NegotiateFlags.SEAL));
        assertEquals(Reason.MIC_MISMATCH, refusedAfterTampering(new TestNtlmClient(), auth -> {
            int at = ByteBuffer.wrap(auth).order(ByteOrder.LITTLE_ENDIAN).getInt(48);
            auth[at] = 'X';
        }));
    }

    @Test
    void micAnnouncedWithoutRoomForItIsMalformed() {
        TestNtlmClient c = new TestNtlmClient();
        NtlmServer server = server();
        assertThrows(NtlmProtocolException.class, () -> {
            byte[] auth = c.authenticate(server.processNegotiate(c.negotiate()));
            // Move every payload descriptor 16 bytes down so the payload appears to start at 72.
            ByteBuffer b = ByteBuffer.wrap(auth).order(ByteOrder.LITTLE_ENDIAN);
            byte[] shifted = new byte[auth.length - 16];
            System.arraycopy(auth, 0, shifted, 0, 72);
            System.arraycopy(auth, 88, shifted, 72, auth.length - 88);
            ByteBuffer s = ByteBuffer.wrap(shifted).order(ByteOrder.LITTLE_ENDIAN);
            for (int d = 12; d < 60; d += 8) {
                s.putInt(d + 4, b.getInt(d + 4) - 16);
            }
            server.processAuthenticate(shifted);
        });
    }

    @Test
    void requiredFlagsMissingFromNegotiate() {
        for (int f : new int[] {NegotiateFlags.EXTENDED_SESSIONSECURITY,
                NegotiateFlags.NEGOTIATE_128, NegotiateFlags.UNICODE}) {
            TestNtlmClient c = new TestNtlmClient();
            c.offeredFlags &= ~f;
            NtlmAuthenticationException e = assertThrows(NtlmAuthenticationException.class,
                    () -> server().processNegotiate(c.negotiate()));
            assertEquals(Reason.FLAGS_REFUSED, e.reason());
        }
    }

    @Test
    void downgradeBetweenNegotiateAndAuthenticateIsRefused() {
        TestNtlmClient c = new TestNtlmClient();
        c.dropFromAuthenticate = NegotiateFlags.EXTENDED_SESSIONSECURITY;
        assertEquals(Reason.FLAGS_REFUSED, refused(c));
    }

    @Test
    void alteredTargetInfoEchoIsRefused() {
        TestNtlmClient c = new TestNtlmClient();
        c.forgedComputerName = "EVIL";
        assertEquals(Reason.TARGET_INFO_MISMATCH, refused(c));
    }

    @Test
    void expiredChallengeIsRefused() {
        TestNtlmClient c = new TestNtlmClient();
        NtlmServer server = server();
        NtlmAuthenticationException e = assertThrows(NtlmAuthenticationException.class, () -> {
            byte[] auth = c.authenticate(server.processNegotiate(c.negotiate()));
            clock.now = clock.now.plus(Duration.ofMinutes(31));
            server.processAuthenticate(auth);
        });
        assertEquals(Reason.CHALLENGE_EXPIRED, e.reason());
    }

    @Test
    void messagesOutOfOrderAndReuseAfterFailure() throws Exception {
        TestNtlmClient c = new TestNtlmClient();
        assertThrows(NtlmProtocolException.class,
                () -> server().processAuthenticate(SpecVectors.AUTHENTICATE_MESSAGE));

        NtlmServer twice = server();
        twice.processNegotiate(c.negotiate());
        assertThrows(NtlmProtocolException.class, () -> twice.processNegotiate(c.negotiate()));

        NtlmServer failed = server();
        byte[] challenge = failed.processNegotiate(c.negotiate());
        TestNtlmClient wrong = new TestNtlmClient();
        wrong.password = "nope";
        wrong.negotiate();
        assertThrows(NtlmAuthenticationException.class,
                () -> failed.processAuthenticate(wrong.authenticate(challenge)));
        byte[] good = c.authenticate(challenge);
        assertThrows(NtlmProtocolException.class, () -> failed.processAuthenticate(good));
    }
}
