package dev.sambasidecars.witness.msnlmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random and mutated messages must end in {@link NtlmProtocolException} or
 * {@link NtlmAuthenticationException}, never in any other exception. Fixed seeds keep failures
 * reproducible.
 */
class NtlmFuzzTest {

    private static final long SEED = 0x4e544c4d5353L;

    /** A valid AUTHENTICATE for the fixed-challenge, fixed-clock server. */
    private static byte[] validAuthenticate(TestNtlmClient c) throws NtlmException {
        NtlmServer server = freshServer();
        return c.authenticate(server.processNegotiate(c.negotiate()));
    }

    private static NtlmServer freshServer() {
        return new NtlmServer(Fixtures.config(new Fixtures.MutableClock()), Fixtures.credentials());
    }

    /** Runs one AUTHENTICATE through a server that has seen {@code negotiate}. */
    private static String outcome(byte[] negotiate, byte[] auth) {
        NtlmServer server = freshServer();
        try {
            server.processNegotiate(negotiate);
            server.processAuthenticate(auth);
            return "accepted";
        } catch (NtlmProtocolException e) {
            return "protocol";
        } catch (NtlmAuthenticationException e) {
            return "auth";
        } catch (NtlmException e) {
            throw new AssertionError("NtlmException is sealed", e);
        } catch (RuntimeException | Error e) {
            fail("unexpected " + e + " for " + SpecVectors.hex(auth), e);
            return null;
        }
    }

    @Test
    void mutatedAuthenticateMessages() throws Exception {
        TestNtlmClient c = new TestNtlmClient();
        byte[] valid = validAuthenticate(c);
        assertEquals("accepted", outcome(c.negotiate, valid), "the unmutated message is valid");
        Random r = new Random(SEED);
        int protocol = 0;
        int auth = 0;
        for (int i = 0; i < 4000; i++) {
            byte[] m = mutate(valid, r);
            String o = outcome(c.negotiate, m);
            if (o.equals("protocol")) {
                protocol++;
            } else if (o.equals("auth")) {
                auth++;
            }
        }
        // Both failure kinds must actually occur, or the mutator is not reaching the checks.
        assertTrue(protocol > 100, "protocol errors: " + protocol);
        assertTrue(auth > 100, "authentication errors: " + auth);
    }

    @Test
    void randomBytesWithAValidHeader() {
        Random r = new Random(SEED + 1);
        byte[] negotiate = new TestNtlmClient().negotiate();
        for (int i = 0; i < 3000; i++) {
            byte[] m = new byte[r.nextInt(300)];
            r.nextBytes(m);
            if (m.length >= 12 && r.nextBoolean()) {
                System.arraycopy("NTLMSSP\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, m,
                        0, 8);
                m[8] = 3;
                m[9] = 0;
                m[10] = 0;
                m[11] = 0;
            }
            outcome(negotiate, m);
        }
    }

    @Test
    void randomNegotiateMessages() {
        Random r = new Random(SEED + 2);
        byte[] valid = new TestNtlmClient().negotiate();
        for (int i = 0; i < 3000; i++) {
            byte[] m = mutateNegotiate(valid, r);
            try {
                freshServer().processNegotiate(m);
            } catch (NtlmProtocolException | NtlmAuthenticationException e) {
                // expected kinds
            } catch (NtlmException e) {
                throw new AssertionError(e);
            } catch (RuntimeException e) {
                fail("unexpected " + e + " for " + SpecVectors.hex(m), e);
            }
        }
    }

    @Test
    void randomAvPairLists() {
        Random r = new Random(SEED + 3);
        for (int i = 0; i < 5000; i++) {
            byte[] m = new byte[r.nextInt(64)];
            r.nextBytes(m);
            try {
                AvPairs.decode(m, 0, m.length);
            } catch (NtlmProtocolException e) {
                // expected
            }
        }
    }

    private static byte[] mutateNegotiate(byte[] valid, Random r) {
        byte[] m = valid.clone();
        ByteBuffer b = ByteBuffer.wrap(m).order(ByteOrder.LITTLE_ENDIAN);
        switch (r.nextInt(5)) {
            case 0 -> m[r.nextInt(m.length)] ^= (byte) (1 << r.nextInt(8));
            case 1 -> m = Arrays.copyOf(m, r.nextInt(m.length));
            case 2 -> m = Arrays.copyOf(m, m.length + r.nextInt(40));
            case 3 -> { // supplied-name flags with hostile descriptors
                b.putInt(12, b.getInt(12) | NegotiateFlags.OEM_DOMAIN_SUPPLIED
                        | NegotiateFlags.OEM_WORKSTATION_SUPPLIED);
                b.putShort(16 + 8 * r.nextInt(2), (short) r.nextInt(0x10000));
                b.putInt(20 + 8 * r.nextInt(2), r.nextBoolean() ? -1 : r.nextInt(80));
            }
            default -> b.putInt(12, r.nextInt());
        }
        return m;
    }

    private static byte[] mutate(byte[] valid, Random r) {
        byte[] m = valid.clone();
        switch (r.nextInt(6)) {
            case 0 -> { // flip a few bytes anywhere
                for (int k = 1 + r.nextInt(4); k > 0; k--) {
                    m[r.nextInt(m.length)] ^= (byte) (1 << r.nextInt(8));
                }
            }
            case 1 -> m = Arrays.copyOf(m, r.nextInt(m.length)); // truncate
            case 2 -> m = Arrays.copyOf(m, m.length + 1 + r.nextInt(40)); // extend with zeros
            case 3 -> { // hostile payload descriptor: extreme length or offset
                ByteBuffer b = ByteBuffer.wrap(m).order(ByteOrder.LITTLE_ENDIAN);
                int d = 12 + 8 * r.nextInt(6);
                if (r.nextBoolean()) {
                    b.putShort(d, (short) (r.nextBoolean() ? 0xffff : r.nextInt(0x10000)));
                } else {
                    b.putInt(d + 4, r.nextBoolean() ? 0xffffffff : r.nextInt(m.length + 64));
                }
            }
            case 4 -> { // corrupt inside the NTLMv2 blob (AV pair ids and lengths live there)
                ByteBuffer b = ByteBuffer.wrap(m).order(ByteOrder.LITTLE_ENDIAN);
                int ntOff = b.getInt(24);
                int ntLen = b.getShort(20) & 0xffff;
                int at = ntOff + 16 + r.nextInt(ntLen - 16);
                m[at] = (byte) r.nextInt(256);
            }
            default -> { // random flags
                ByteBuffer.wrap(m).order(ByteOrder.LITTLE_ENDIAN).putInt(60, r.nextInt());
            }
        }
        return m;
    }
}
