package dev.sambasidecars.witness.msnlmp;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * NTLMSSP for fuzz harnesses and their seeds outside this package: the deterministic server
 * configuration and accounts of {@link Fixtures} (fixed challenge, a clock that never moves, so a
 * recorded AUTHENTICATE stays valid), and a client that produces valid handshakes against it.
 */
public final class NtlmFuzzFixtures {
    private NtlmFuzzFixtures() {}

    public static NtlmServerConfig config() {
        return Fixtures.config(new Fixtures.MutableClock());
    }

    public static CredentialBackend credentials() {
        return Fixtures.credentials();
    }

    /** One client's side of a handshake with a server configured as {@link #config()}. */
    public static final class Handshake {
        private final TestNtlmClient client = new TestNtlmClient();
        private final byte[] negotiate = client.negotiate();
        private TestNtlmClient.ClientSecurity security;

        /** @param mic whether AUTHENTICATE carries a MIC (without one, its flags are not covered) */
        public Handshake(boolean mic) {
            client.sendMic = mic;
        }

        public byte[] negotiate() {
            return negotiate.clone();
        }

        /** The AUTHENTICATE answering the CHALLENGE such a server sends for {@link #negotiate()}. */
        public byte[] authenticate() throws NtlmException {
            byte[] challenge = new NtlmServer(config(), credentials()).processNegotiate(negotiate);
            byte[] auth = client.authenticate(challenge);
            security = client.security();
            return auth;
        }

        /** The client's next signature over {@code signed}. */
        public byte[] sign(byte[] signed) {
            return security.sign(signed);
        }

        /** Seals {@code signed[off, off+len)} in place; returns the signature over the plaintext of all of it. */
        public byte[] seal(byte[] signed, int off, int len) {
            return security.sealRange(signed, off, len);
        }
    }

    /** The NTLMSSP harness's target selectors (see NtlmMessagesFuzzTest). */
    private static byte[] input(int target, byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(target);
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static byte[] exchange(TestNtlmClient c) throws NtlmException {
        byte[] negotiate = c.negotiate();
        byte[] challenge = new NtlmServer(config(), credentials()).processNegotiate(negotiate);
        byte[] auth = c.authenticate(challenge);
        byte[] n = {(byte) negotiate.length, (byte) (negotiate.length >> 8)};
        return input(NtlmMessagesFuzzTest.EXCHANGE, n, negotiate, auth);
    }

    /** A NEGOTIATE that supplies an OEM domain and workstation in its payload. */
    private static byte[] negotiateWithNames() {
        byte[] domain = "DOMAIN".getBytes(StandardCharsets.US_ASCII);
        byte[] host = "CLIENT1".getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = ByteBuffer.allocate(40 + domain.length + host.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(NtlmBuffer.SIGNATURE).putInt(NegotiateMessage.TYPE)
                .putInt(0xe20882b7 | NegotiateFlags.OEM_DOMAIN_SUPPLIED | NegotiateFlags.OEM_WORKSTATION_SUPPLIED);
        b.putShort((short) domain.length).putShort((short) domain.length).putInt(40);
        b.putShort((short) host.length).putShort((short) host.length).putInt(40 + domain.length);
        b.put(new byte[] {10, 0, 0x61, 0x4a, 0, 0, 0, 0x0f}).put(domain).put(host);
        return b.array();
    }

    /** Seed inputs of NtlmMessagesFuzzTest: every message a client sends, valid and refused exchanges. */
    public static Map<String, byte[]> seeds() throws NtlmException {
        Map<String, byte[]> s = new LinkedHashMap<>();
        TestNtlmClient client = new TestNtlmClient();
        byte[] negotiate = client.negotiate();
        byte[] challenge = new NtlmServer(config(), credentials()).processNegotiate(negotiate);
        byte[] auth = client.authenticate(challenge);
        s.put("negotiate", input(NtlmMessagesFuzzTest.NEGOTIATE, negotiate));
        s.put("negotiate-minimal", input(NtlmMessagesFuzzTest.NEGOTIATE, Arrays.copyOf(negotiate, 16)));
        s.put("negotiate-oem-names", input(NtlmMessagesFuzzTest.NEGOTIATE, negotiateWithNames()));
        s.put("authenticate-mic", input(NtlmMessagesFuzzTest.AUTHENTICATE, auth));
        TestNtlmClient noMic = new TestNtlmClient();
        noMic.sendMic = false;
        noMic.negotiate();
        s.put("authenticate-no-mic", input(NtlmMessagesFuzzTest.AUTHENTICATE,
                noMic.authenticate(new NtlmServer(config(), credentials()).processNegotiate(noMic.negotiate))));
        ByteBuffer c = ByteBuffer.wrap(challenge).order(ByteOrder.LITTLE_ENDIAN);
        int infoLength = c.getShort(40) & 0xffff;
        int infoOffset = c.getInt(44);
        s.put("av-pairs-target-info", input(NtlmMessagesFuzzTest.AV_PAIRS,
                Arrays.copyOfRange(challenge, infoOffset, infoOffset + infoLength)));
        s.put("ntlmv2-response", input(NtlmMessagesFuzzTest.AV_PAIRS,
                AuthenticateMessage.decode(auth).ntChallengeResponse()));

        s.put("exchange-mic", exchange(new TestNtlmClient()));
        s.put("exchange-no-mic", exchange(noMic));
        TestNtlmClient v1 = new TestNtlmClient();
        v1.ntlmV1 = true;
        s.put("exchange-ntlmv1", exchange(v1));
        TestNtlmClient lm = new TestNtlmClient();
        lm.lmOnly = true;
        s.put("exchange-lm-only", exchange(lm));
        TestNtlmClient downgrade = new TestNtlmClient();
        downgrade.dropFromAuthenticate = NegotiateFlags.EXTENDED_SESSIONSECURITY;
        s.put("exchange-downgrade", exchange(downgrade));
        TestNtlmClient forged = new TestNtlmClient();
        forged.forgedComputerName = "EVIL";
        s.put("exchange-forged-target-info", exchange(forged));
        TestNtlmClient wrong = new TestNtlmClient();
        wrong.password = "not the password";
        s.put("exchange-wrong-password", exchange(wrong));
        TestNtlmClient disabled = new TestNtlmClient();
        disabled.user = "locked";
        s.put("exchange-disabled-account", exchange(disabled));
        return s;
    }
}
