package dev.sambasidecars.witness.msnlmp;

import static dev.sambasidecars.witness.msnlmp.SpecVectors.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sambasidecars.witness.msnlmp.NtlmAuthenticationException.Reason;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import javax.crypto.Cipher;
import org.junit.jupiter.api.Test;

/** Signing and sealing (MS-NLMP 3.4), proven on the 4.2.4.4 vectors and in both directions. */
class SessionSecurityTest {

    private static final int SPEC_FLAGS = SpecVectors.CHALLENGE_FLAGS;
    private static final int NO_KEY_EXCH = SPEC_FLAGS & ~NegotiateFlags.KEY_EXCH;

    @Test
    void sealMatchesSpecExample() {
        SessionSecurity client = SessionSecurity.create(SessionSecurity.Role.CLIENT, SPEC_FLAGS,
                SpecVectors.RANDOM_SESSION_KEY);
        SessionSecurity.Sealed sealed = client.seal(SpecVectors.PLAINTEXT);
        assertEquals(hex(SpecVectors.SEALED_DATA), hex(sealed.ciphertext()));
        assertEquals(hex(SpecVectors.SEAL_SIGNATURE), hex(sealed.signature()));
    }

    @Test
    void serverUnsealsSpecExample() throws Exception {
        SessionSecurity server = SessionSecurity.create(SessionSecurity.Role.SERVER, SPEC_FLAGS,
                SpecVectors.RANDOM_SESSION_KEY);
        byte[] plain = server.unseal(SpecVectors.SEALED_DATA, SpecVectors.SEAL_SIGNATURE);
        assertEquals("Plaintext", new String(plain, StandardCharsets.UTF_16LE));
    }

    /**
     * The order matters because one RC4 stream encrypts both message and checksum. Encrypting the
     * checksum first (a plausible mistake) does not give the 4.2.4.4 signature; checksum over the
     * plaintext, message, then checksum does.
     */
    @Test
    void orderOfOperationsIsTheOneThatReproducesTheSpec() {
        Cipher rc4 = TestNtlmClient.rc4(SpecVectors.CLIENT_SEALING_KEY);
        byte[] checksumFirst = rc4.update(SpecVectors.CHECKSUM_BEFORE_RC4);
        assertNotEquals(hex(Arrays.copyOfRange(SpecVectors.SEAL_SIGNATURE, 4, 12)),
                hex(checksumFirst));

        Cipher rc4b = TestNtlmClient.rc4(SpecVectors.CLIENT_SEALING_KEY);
        assertEquals(hex(SpecVectors.SEALED_DATA), hex(rc4b.update(SpecVectors.PLAINTEXT)));
        assertEquals(hex(Arrays.copyOfRange(SpecVectors.SEAL_SIGNATURE, 4, 12)),
                hex(rc4b.update(SpecVectors.CHECKSUM_BEFORE_RC4)));
    }

    @Test
    void signWithoutKeyExchangeIsTheBareHmac() {
        SessionSecurity client = SessionSecurity.create(SessionSecurity.Role.CLIENT, NO_KEY_EXCH,
                SpecVectors.RANDOM_SESSION_KEY);
        assertEquals("01000000" + hex(SpecVectors.CHECKSUM_BEFORE_RC4) + "00000000",
                hex(client.sign(SpecVectors.PLAINTEXT)));
    }

    @Test
    void signWithKeyExchangeEncryptsTheChecksumWithTheSealingHandle() {
        SessionSecurity client = SessionSecurity.create(SessionSecurity.Role.CLIENT, SPEC_FLAGS,
                SpecVectors.RANDOM_SESSION_KEY);
        byte[] expected = TestNtlmClient.rc4(SpecVectors.CLIENT_SEALING_KEY)
                .update(SpecVectors.CHECKSUM_BEFORE_RC4);
        assertEquals("01000000" + hex(expected) + "00000000", hex(client.sign(SpecVectors.PLAINTEXT)));
    }

    @Test
    void bothDirectionsOverManyMessagesWithKeyExchange() throws Exception {
        exerciseBothDirections(new TestNtlmClient());
    }

    @Test
    void bothDirectionsOverManyMessagesWithoutKeyExchange() throws Exception {
        TestNtlmClient c = new TestNtlmClient();
        c.offeredFlags &= ~NegotiateFlags.KEY_EXCH;
        exerciseBothDirections(c);
    }

    private static void exerciseBothDirections(TestNtlmClient c) throws Exception {
        Fixtures.Done done = Fixtures.exchange(c);
        SessionSecurity server = done.session().security();
        TestNtlmClient.ClientSecurity client = c.security();
        for (int i = 0; i < 5; i++) {
            byte[] request = ("request " + i).getBytes(StandardCharsets.UTF_8);
            byte[][] sealed = client.seal(request);
            assertEquals(2 * i, seq(sealed[1]));
            assertArrayEquals(request, server.unseal(sealed[0], sealed[1]));

            byte[] signedOnly = ("signed " + i).getBytes(StandardCharsets.UTF_8);
            server.verify(signedOnly, client.sign(signedOnly));

            byte[] reply = ("reply " + i).getBytes(StandardCharsets.UTF_8);
            SessionSecurity.Sealed out = server.seal(reply);
            assertEquals(2 * i, seq(out.signature()));
            assertArrayEquals(reply, client.unseal(out.ciphertext(), out.signature()));
            byte[] sig = server.sign(reply);
            assertEquals(2 * i + 1, seq(sig));
            client.verify(reply, sig);
        }
    }

    /** DCE/RPC shape: the whole PDU is signed, only the stub in the middle is sealed. */
    @Test
    void sealOneRangeSignAnother() throws Exception {
        TestNtlmClient c = new TestNtlmClient();
        SessionSecurity server = Fixtures.exchange(c).session().security();
        TestNtlmClient.ClientSecurity client = c.security();

        byte[] pdu = "HEADER16BYTES...stub data to hide|trailer!".getBytes(StandardCharsets.US_ASCII);
        byte[] original = pdu.clone();
        int stubOff = 16;
        int stubLen = 17;
        byte[] sig = client.sealRange(pdu, stubOff, stubLen);
        assertArrayEquals(Arrays.copyOf(original, 16), Arrays.copyOf(pdu, 16), "header stays clear");
        assertNotEquals(hex(original), hex(pdu));
        server.unsealInPlace(pdu, stubOff, stubLen, 0, pdu.length, sig);
        assertArrayEquals(original, pdu);

        byte[] reply = original.clone();
        byte[] replySig = server.sealInPlace(reply, stubOff, stubLen, 0, reply.length);
        assertArrayEquals(Arrays.copyOf(original, 16), Arrays.copyOf(reply, 16));
        client.unsealRange(reply, stubOff, stubLen, replySig);
        assertArrayEquals(original, reply);
    }

    @Test
    void tamperedCiphertextIsRefusedAndTheDirectionIsDeadAfterwards() throws Exception {
        TestNtlmClient c = new TestNtlmClient();
        SessionSecurity server = Fixtures.exchange(c).session().security();
        byte[][] sealed = c.security().seal("pay 10 EUR".getBytes(StandardCharsets.UTF_8));
        sealed[0][4] ^= 1;
        NtlmAuthenticationException e = assertThrows(NtlmAuthenticationException.class,
                () -> server.unseal(sealed[0], sealed[1]));
        assertEquals(Reason.BAD_SIGNATURE, e.reason());
        assertThrows(IllegalStateException.class, () -> server.verify(new byte[1], new byte[16]));
    }

    @Test
    void replayedMessageHasTheWrongSequenceNumber() throws Exception {
        TestNtlmClient c = new TestNtlmClient();
        SessionSecurity server = Fixtures.exchange(c).session().security();
        TestNtlmClient.ClientSecurity client = c.security();
        byte[] msg = "once".getBytes(StandardCharsets.UTF_8);
        byte[] sig = client.sign(msg);
        server.verify(msg, sig);
        NtlmAuthenticationException e = assertThrows(NtlmAuthenticationException.class,
                () -> server.verify(msg, sig));
        assertEquals(Reason.BAD_SEQUENCE, e.reason());
    }

    @Test
    void skippedMessageHasTheWrongSequenceNumber() throws Exception {
        TestNtlmClient c = new TestNtlmClient();
        SessionSecurity server = Fixtures.exchange(c).session().security();
        TestNtlmClient.ClientSecurity client = c.security();
        client.sign(new byte[] {1});
        byte[] msg = {2};
        NtlmAuthenticationException e = assertThrows(NtlmAuthenticationException.class,
                () -> server.verify(msg, client.sign(msg)));
        assertEquals(Reason.BAD_SEQUENCE, e.reason());
    }

    @Test
    void malformedSignatureIsRefused() throws Exception {
        TestNtlmClient c = new TestNtlmClient();
        SessionSecurity server = Fixtures.exchange(c).session().security();
        NtlmAuthenticationException e = assertThrows(NtlmAuthenticationException.class,
                () -> server.verify(new byte[3], new byte[15]));
        assertEquals(Reason.BAD_SIGNATURE, e.reason());
    }

    @Test
    void sealingNeedsTheSealFlag() {
        SessionSecurity signOnly = SessionSecurity.create(SessionSecurity.Role.SERVER,
                SPEC_FLAGS & ~NegotiateFlags.SEAL, SpecVectors.RANDOM_SESSION_KEY);
        assertThrows(IllegalStateException.class, () -> signOnly.seal(new byte[1]));
        assertThrows(IllegalArgumentException.class, () -> SessionSecurity.create(
                SessionSecurity.Role.SERVER, SPEC_FLAGS & ~NegotiateFlags.NEGOTIATE_128,
                SpecVectors.RANDOM_SESSION_KEY));
    }

    /**
     * The SPNEGO reset (MS-SPNG 3.3.5.1): after one MIC each way, both handles start over, so the
     * next signature's checksum is encrypted with the first keystream bytes again, but with
     * sequence number 1. The independent test client models it with a fresh RC4 stream.
     */
    @Test
    void resetRekeysTheHandlesAndKeepsSequenceNumbers() throws Exception {
        TestNtlmClient c = new TestNtlmClient();
        SessionSecurity server = Fixtures.exchange(c).session().security();
        SessionSecurity client = SessionSecurity.create(SessionSecurity.Role.CLIENT, c.negotiatedFlags,
                c.exportedSessionKey);
        byte[] mechTypes = SpecVectors.hex("300c060a2b06010401823702020a");
        server.verify(mechTypes, client.sign(mechTypes));
        client.verify(mechTypes, server.sign(mechTypes));
        client.reset(false);
        server.reset(false);

        byte[] request = "first request".getBytes(StandardCharsets.UTF_8);
        byte[] sig = client.sign(request);
        assertEquals(1, seq(sig));
        Cipher fresh = TestNtlmClient.rc4(TestNtlmClient.md5(c.exportedSessionKey,
                "session key to client-to-server sealing key magic constant\0".getBytes(StandardCharsets.US_ASCII)));
        byte[] checksum = Arrays.copyOf(TestNtlmClient.hmac(TestNtlmClient.md5(c.exportedSessionKey,
                "session key to client-to-server signing key magic constant\0".getBytes(StandardCharsets.US_ASCII)),
                new byte[] {1, 0, 0, 0}, request), 8);
        assertEquals(hex(fresh.update(checksum)), hex(Arrays.copyOfRange(sig, 4, 12)));
        server.verify(request, sig);

        SessionSecurity.Sealed reply = server.seal(request);
        assertEquals(1, seq(reply.signature()));
        assertArrayEquals(request, client.unseal(reply.ciphertext(), reply.signature()));
    }

    @Test
    void aSideThatDoesNotResetCannotReadTheOther() throws Exception {
        TestNtlmClient c = new TestNtlmClient();
        SessionSecurity server = Fixtures.exchange(c).session().security();
        SessionSecurity client = SessionSecurity.create(SessionSecurity.Role.CLIENT, c.negotiatedFlags,
                c.exportedSessionKey);
        byte[] mic = "mechTypes".getBytes(StandardCharsets.US_ASCII);
        server.verify(mic, client.sign(mic));
        client.reset(false);
        byte[] msg = {1, 2, 3};
        NtlmAuthenticationException e = assertThrows(NtlmAuthenticationException.class,
                () -> server.verify(msg, client.sign(msg)));
        assertEquals(Reason.BAD_SIGNATURE, e.reason());
    }

    @Test
    void fullResetAlsoRestartsTheSequenceNumbers() {
        SessionSecurity client = SessionSecurity.create(SessionSecurity.Role.CLIENT, SPEC_FLAGS,
                SpecVectors.RANDOM_SESSION_KEY);
        byte[] first = client.sign(SpecVectors.PLAINTEXT);
        client.sign(SpecVectors.PLAINTEXT);
        client.reset(true);
        assertEquals(hex(first), hex(client.sign(SpecVectors.PLAINTEXT)));
    }

    private static int seq(byte[] signature) {
        return NtlmBuffer.getInt(signature, 12);
    }
}
