package dev.sambasidecars.witness.msnlmp;

import static dev.sambasidecars.witness.msnlmp.SpecVectors.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sambasidecars.witness.msnlmp.NtlmAuthenticationException.Reason;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/**
 * NtlmClient against the MS-NLMP 4.2.4 vectors, byte for byte against the independent test
 * client, and against NtlmServer.
 */
class NtlmClientTest {

    /** Hands out the given byte strings to nextBytes in order: ClientChallenge, then the session key. */
    static RandomGenerator sequence(byte[]... values) {
        Deque<byte[]> queue = new ArrayDeque<>(List.of(values));
        return new RandomGenerator() {
            @Override
            public long nextLong() {
                throw new UnsupportedOperationException("the client draws bytes only");
            }

            @Override
            public void nextBytes(byte[] bytes) {
                byte[] next = queue.removeFirst();
                assertEquals(next.length, bytes.length);
                System.arraycopy(next, 0, bytes, 0, bytes.length);
            }
        };
    }

    static NtlmClientConfig specConfig() {
        return NtlmClientConfig.password(SpecVectors.USER, SpecVectors.DOMAIN, SpecVectors.PASSWORD)
                .withWorkstation(SpecVectors.WORKSTATION)
                .withRandom(sequence(SpecVectors.CLIENT_CHALLENGE, SpecVectors.RANDOM_SESSION_KEY));
    }

    @Test
    void answersTheSpecChallengeWithTheSpecAuthenticateMessage() throws Exception {
        // 4.2.4: Time is 0 (the CHALLENGE has no MsvAvTimestamp, so the client's clock counts and
        // no MIC is sent), VERSION 5.1.2600 r15, client flags e2888235.
        Clock filetimeZero = Clock.fixed(Instant.parse("1601-01-01T00:00:00Z"), ZoneOffset.UTC);
        NtlmClient client = new NtlmClient(specConfig().withClock(filetimeZero)
                .withVersion(new NtlmVersion(5, 1, 2600, 15)), 0xe2888235);
        client.negotiate();
        byte[] auth = client.authenticate(SpecVectors.CHALLENGE_MESSAGE);

        // The spec's message shows the client's own flags; this client sends what both sides
        // negotiated (e28a8233 & e2888235). Every other byte is the spec's.
        assertEquals(0xe2888231, NtlmBuffer.getInt(auth, 60));
        byte[] expected = SpecVectors.AUTHENTICATE_MESSAGE.clone();
        Arrays.fill(expected, 60, 64, (byte) 0);
        Arrays.fill(auth, 60, 64, (byte) 0);
        assertEquals(hex(expected), hex(auth));

        NtlmSession session = client.session();
        assertEquals(hex(SpecVectors.RANDOM_SESSION_KEY), hex(session.exportedSessionKey()));
        // 4.2.4.4: the client seals "Plaintext" with SeqNum 0.
        SessionSecurity.Sealed sealed = session.security().seal(SpecVectors.PLAINTEXT);
        assertEquals(hex(SpecVectors.SEALED_DATA), hex(sealed.ciphertext()));
        assertEquals(hex(SpecVectors.SEAL_SIGNATURE), hex(sealed.signature()));
    }

    @Test
    void sameBytesAsTheIndependentTestClientAndTheServerAcceptsThem() throws Exception {
        TestNtlmClient reference = new TestNtlmClient();
        NtlmClient client = new NtlmClient(specConfig().withVersion(new NtlmVersion(10, 0, 19041, 15)),
                reference.offeredFlags);
        assertEquals(hex(reference.negotiate()), hex(client.negotiate()));

        NtlmServer server = new NtlmServer(Fixtures.config(new Fixtures.MutableClock()), Fixtures.credentials());
        byte[] challenge = server.processNegotiate(reference.negotiate);
        byte[] auth = client.authenticate(challenge);
        assertEquals(hex(reference.authenticate(challenge)), hex(auth),
                "timestamped challenge: Z(24) LM response, MsvAvFlags and a MIC, as the test client sends them");

        NtlmSession serverSide = server.processAuthenticate(auth);
        assertEquals("User", serverSide.user());
        SessionSecurity c = client.session().security();
        SessionSecurity s = serverSide.security();
        SessionSecurity.Sealed toServer = c.seal("request".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertEquals("request", new String(s.unseal(toServer.ciphertext(), toServer.signature()),
                java.nio.charset.StandardCharsets.UTF_8));
        byte[] reply = {1, 2, 3};
        c.verify(reply, s.sign(reply));
    }

    @Test
    void wrongPasswordIsRefusedByTheServer() throws Exception {
        NtlmClient client = new NtlmClient(NtlmClientConfig.password("User", "Domain", "wrong"),
                NtlmClient.DEFAULT_FLAGS | NegotiateFlags.SIGN);
        NtlmServer server = new NtlmServer(Fixtures.config(new Fixtures.MutableClock()), Fixtures.credentials());
        byte[] auth = client.authenticate(server.processNegotiate(client.negotiate()));
        assertEquals(Reason.WRONG_PASSWORD, assertThrows(NtlmAuthenticationException.class,
                () -> server.processAuthenticate(auth)).reason());
    }

    @Test
    void aServerThatDropsSealingIsRefused() throws Exception {
        NtlmClient client = new NtlmClient(specConfig(), NtlmClient.DEFAULT_FLAGS | NegotiateFlags.SIGN
                | NegotiateFlags.SEAL);
        NtlmServer server = new NtlmServer(Fixtures.config(new Fixtures.MutableClock()), Fixtures.credentials());
        byte[] challenge = server.processNegotiate(client.negotiate());
        NtlmBuffer.putInt(challenge, 20, NtlmBuffer.getInt(challenge, 20) & ~NegotiateFlags.SEAL);
        assertEquals(Reason.FLAGS_REFUSED, assertThrows(NtlmAuthenticationException.class,
                () -> client.authenticate(challenge)).reason());
    }

    @Test
    void malformedChallengesAreProtocolErrors() {
        for (int cut : new int[] {0, 12, 40, 50, 60}) {
            NtlmClient client = new NtlmClient(specConfig(), NtlmClient.DEFAULT_FLAGS);
            client.negotiate();
            byte[] truncated = Arrays.copyOf(SpecVectors.CHALLENGE_MESSAGE, cut);
            assertThrows(NtlmProtocolException.class, () -> client.authenticate(truncated), "cut at " + cut);
        }
        NtlmClient client = new NtlmClient(specConfig(), NtlmClient.DEFAULT_FLAGS);
        client.negotiate();
        assertThrows(NtlmProtocolException.class, () -> client.authenticate(SpecVectors.AUTHENTICATE_MESSAGE),
                "an AUTHENTICATE is no CHALLENGE");
        assertThrows(IllegalArgumentException.class, () -> new NtlmClient(specConfig(), NegotiateFlags.UNICODE),
                "NTLMv2 with extended session security only");
    }

    @Test
    void decodedChallengeKeepsItsFields() throws Exception {
        ChallengeMessage c = ChallengeMessage.decode(SpecVectors.CHALLENGE_MESSAGE);
        assertEquals(SpecVectors.CHALLENGE_FLAGS, c.flags());
        assertEquals("Server", c.targetName());
        assertArrayEquals(SpecVectors.SERVER_CHALLENGE, c.serverChallenge());
        assertEquals(new NtlmVersion(6, 0, 6000, 15), c.version());
        assertEquals(hex(SpecVectors.TARGET_INFO), hex(c.targetInfo().encode()));
        assertEquals(hex(SpecVectors.CHALLENGE_MESSAGE), hex(c.encode()), "decode and encode agree");
    }
}
