package dev.sambasidecars.witness.spnego;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.sambasidecars.witness.msrpce.RpcSecurityException;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Bad bytes end in {@link SpnegoException} (MALFORMED for anything that is not well-formed
 * DER of the right shape), never in an unchecked exception: truncations at every length,
 * lengths beyond the input, indefinite and oversized lengths, deep nesting, wrong tags, and
 * random mutations of rpcclient's real tokens.
 */
class SpnegoMalformedTest {

    private static byte[] bytes(String hex) {
        return HexFormat.of().parseHex(hex.replace(" ", ""));
    }

    private static SpnegoException malformed(byte[] token) {
        SpnegoException e = assertThrows(SpnegoException.class, () -> NegotiationToken.decode(token),
                HexFormat.of().formatHex(token));
        assertEquals(SpnegoException.Reason.MALFORMED, e.reason(), e.getMessage());
        return e;
    }

    @Test
    void everyTruncationOfTheRealTokensIsMalformed() {
        RpcclientCaptures.Capture c = RpcclientCaptures.SIGN;
        for (byte[] token : List.of(c.bind(), c.bindAck(), c.alter(), c.alterResp())) {
            for (int n = 0; n < token.length; n++) {
                malformed(Arrays.copyOf(token, n));
            }
        }
    }

    @Test
    void trailingBytesAreMalformed() {
        byte[] bind = RpcclientCaptures.SIGN.bind();
        malformed(Arrays.copyOf(bind, bind.length + 1));
        byte[] resp = RpcclientCaptures.SIGN.alterResp();
        malformed(Arrays.copyOf(resp, resp.length + 2));
    }

    @Test
    void lengthsBeyondTheInputOrOutOfRangeAreMalformed() {
        byte[] bind = RpcclientCaptures.SIGN.bind();
        byte[] outer = bind.clone();
        outer[1]++; // one more than there is
        malformed(outer);
        byte[] inner = bind.clone();
        inner[11] = 0x7f; // [0] NegTokenInit claims more than the frame holds
        malformed(inner);
        malformed(bytes("a1 84 ffffffff 3000"));
        malformed(bytes("a1 84 7fffffff 3000"));
        malformed(bytes("a1 85 0000000002 3000"));
        malformed(bytes("a1 80 3000 0000")); // indefinite length
        malformed(bytes("a1 81"));
        malformed(bytes("a1 02 30 05 a0 03 0a 01 00"));
        assertTrue(malformed(new byte[DerReader.MAX_INPUT + 1]).getMessage().contains("at most"));
        malformed(new byte[0]);
    }

    @Test
    void deepNestingIsMalformed() throws Exception {
        byte[] deep = {0x04, 0x00};
        for (int i = 0; i < 2000; i++) {
            deep = DerWriter.sequence(deep);
        }
        DerReader r = DerReader.of(deep);
        SpnegoException e = assertThrows(SpnegoException.class, () -> {
            DerReader level = r;
            while (true) {
                level = level.enter(DerReader.SEQUENCE, "level");
            }
        });
        assertTrue(e.getMessage().contains("nested more than " + DerReader.MAX_DEPTH), e.getMessage());
        malformed(deep);

        byte[] hints = DerWriter.context(0, DerWriter.generalString("x"));
        for (int i = 0; i < 20; i++) {
            hints = DerWriter.sequence(DerWriter.context(0, hints));
        }
        malformed(GssFraming.wrap(DerWriter.context(0, DerWriter.sequence(DerWriter.context(3, hints)))));
    }

    @Test
    void wrongTagsAreMalformed() {
        // thisMech is Kerberos, not SPNEGO
        malformed(bytes("6011 06092a864886f712010202 a0043002a000"));
        // the frame around a NegTokenResp
        malformed(bytes("600c 06062b0601050502 a1023000"));
        // a CHOICE alternative [2]
        malformed(bytes("a2023000"));
        // SET instead of SEQUENCE
        malformed(bytes("a1023100"));
        // supportedMech as an OCTET STRING
        malformed(bytes("a1083006a104040201 02"));
        // negState 4 and a two-octet ENUMERATED
        malformed(bytes("a1073005a0030a0104"));
        malformed(bytes("a1083006a0040a020001"));
        // fields out of order, repeated, or not context-tagged
        malformed(bytes("a10e300c a2030401 00 a0030a0101"));
        malformed(bytes("a10c300aa0030a0101a0030a0101"));
        malformed(bytes("a1053003040100"));
        // multi-byte tag and end-of-contents tag
        malformed(bytes("bf8101023000"));
        malformed(bytes("0000"));
        // mechTypes holding something else than OIDs; a primitive where a SEQUENCE belongs
        malformed(bytes("6012 06062b0601050502 a008 3006 a004 3002 0400"));
        malformed(bytes("6010 06062b0601050502 a006 0404 a0023000"));
        // two mechListMICs, at [3] and [4]
        malformed(GssFraming.wrap(DerWriter.context(0, DerWriter.sequence(
                DerWriter.context(3, DerWriter.octetString(new byte[1])),
                DerWriter.context(4, DerWriter.octetString(new byte[1]))))));
        // negHints with a wrong inner tag
        malformed(GssFraming.wrap(DerWriter.context(0, DerWriter.sequence(DerWriter.context(3,
                DerWriter.sequence(DerWriter.context(0, DerWriter.octetString(new byte[1]))))))));
        // BIT STRING with 8 unused bits
        malformed(GssFraming.wrap(DerWriter.context(0, DerWriter.sequence(
                DerWriter.context(1, DerWriter.tlv(DerReader.BIT_STRING, new byte[] {8, 0}))))));
    }

    @Test
    void tooManyMechTypesAreMalformed() {
        List<Oid> many = java.util.stream.IntStream.range(0, NegTokenInit.MAX_MECH_TYPES + 1)
                .mapToObj(i -> new Oid("1.3.6.1.4.1." + i)).toList();
        malformed(NegTokenInit.of(many, null).encodeInitial());
    }

    /** Deterministic mutation fuzzing: decoder and acceptor throw only their checked exceptions. */
    @Test
    void mutatedRealTokensFailOnlyWithTypedExceptions() throws Exception {
        Random random = new Random(0x5e90);
        RpcclientCaptures.Capture c = RpcclientCaptures.SEAL;
        List<byte[]> seeds = List.of(c.bind(), c.bindAck(), c.alter(), c.alterResp());
        for (int i = 0; i < 20_000; i++) {
            byte[] seed = seeds.get(random.nextInt(seeds.size()));
            byte[] token = mutate(seed, random);
            try {
                NegotiationToken.decode(token);
            } catch (SpnegoException expected) {
                // fine
            } catch (RuntimeException e) {
                fail("unchecked " + e + " on " + HexFormat.of().formatHex(token), e);
            }
            if (seed == c.bind() || seed == c.alter()) {
                SpnegoRpcSecurity s = new SpnegoRpcSecurity(RpcclientCaptures.config(), RpcclientCaptures.credentials());
                try {
                    if (seed == c.alter()) {
                        s.accept(c.bind());
                    }
                    s.accept(token);
                } catch (RpcSecurityException expected) {
                    // fine
                } catch (RuntimeException e) {
                    fail("unchecked " + e + " from the acceptor on " + HexFormat.of().formatHex(token), e);
                }
            }
        }
    }

    private static byte[] mutate(byte[] seed, Random random) {
        byte[] t = seed.clone();
        switch (random.nextInt(5)) {
            case 0 -> t[random.nextInt(t.length)] ^= (byte) (1 << random.nextInt(8));
            case 1 -> t[random.nextInt(Math.min(t.length, 40))] = (byte) random.nextInt(256);
            case 2 -> {
                int at = random.nextInt(t.length);
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                out.write(t, 0, at);
                out.write(random.nextInt(256));
                out.write(t, at, t.length - at);
                t = out.toByteArray();
            }
            case 3 -> {
                int at = random.nextInt(t.length);
                byte[] shorter = new byte[t.length - 1];
                System.arraycopy(t, 0, shorter, 0, at);
                System.arraycopy(t, at + 1, shorter, at, t.length - at - 1);
                t = shorter;
            }
            default -> {
                int n = 1 + random.nextInt(4);
                for (int k = 0; k < n; k++) {
                    t[random.nextInt(t.length)] = (byte) random.nextInt(256);
                }
            }
        }
        return t;
    }
}
