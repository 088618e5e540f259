package dev.sambasidecars.witness.spnego;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The DER subset, OIDs and both NegotiationToken alternatives, on hand-checked bytes. */
class SpnegoCodecTest {

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    private static byte[] bytes(String hex) {
        return HexFormat.of().parseHex(hex.replace(" ", ""));
    }

    @Test
    void mechanismOidsEncodeAsOnTheWire() {
        assertEquals("2b0601050502", hex(Oid.SPNEGO.encodeContent()));
        assertEquals("2b06010401823702020a", hex(Oid.NTLMSSP.encodeContent()));
        assertEquals("2a864886f712010202", hex(Oid.KERBEROS.encodeContent()));
        assertEquals("2a864882f712010202", hex(Oid.MS_KERBEROS.encodeContent()));
        assertEquals("2b06010401823702021e", hex(Oid.NEGOEX.encodeContent()));
    }

    @Test
    void oidsDecodeBackIncludingLargeArcs() throws Exception {
        for (String dotted : List.of("1.3.6.1.5.5.2", "2.999.3", "0.0", "1.39.9223372036854775807", "2.9223372036854775727", "2.5.4.3")) {
            byte[] content = new Oid(dotted).encodeContent();
            assertEquals(dotted, Oid.decode(content, 0, content.length, "test").value());
        }
    }

    @Test
    void malformedOidContentIsRefused() {
        for (String content : List.of("", "2b8001", "2b06018a", "2bffffffffffffffffff7f", "80", "2b" + "01".repeat(64))) {
            byte[] c = bytes(content);
            SpnegoException e = assertThrows(SpnegoException.class, () -> Oid.decode(c, 0, c.length, "oid"), content);
            assertEquals(SpnegoException.Reason.MALFORMED, e.reason());
        }
        assertThrows(IllegalArgumentException.class, () -> new Oid("1.40"));
        assertThrows(IllegalArgumentException.class, () -> new Oid("3.1"));
        assertThrows(IllegalArgumentException.class, () -> new Oid("1"));
        assertThrows(IllegalArgumentException.class, () -> new Oid("1.2.9223372036854775808"));
        assertThrows(IllegalArgumentException.class, () -> new Oid("2.9223372036854775728"));
    }

    @Test
    void lengthsUseTheMinimalFormAndAreReadInEither() throws Exception {
        for (int n : new int[] {0, 1, 127, 128, 255, 256, 65535, 65536}) {
            byte[] tlv = DerWriter.octetString(new byte[n]);
            int lengthOctets = n < 128 ? 1 : n < 256 ? 2 : n < 65536 ? 3 : 4;
            assertEquals(1 + lengthOctets + n, tlv.length, "length " + n);
            if (tlv.length <= DerReader.MAX_INPUT) {
                assertEquals(n, DerReader.of(tlv).octetString("test").length);
            }
        }
        // Non-minimal long form (BER) is tolerated.
        assertEquals("0102", hex(DerReader.of(bytes("04 82 0002 0102")).octetString("test")));
    }

    @Test
    void contextFlagsBitString() throws Exception {
        // mutualFlag (1) and integFlag (6): 0100 0010 with one unused bit.
        assertEquals("03020142", hex(DerWriter.bitString((1 << 1) | (1 << 6))));
        assertEquals(0x42, DerReader.of(bytes("03020142")).bitString("f"));
        assertEquals("030100", hex(DerWriter.bitString(0)));
        assertEquals(0, DerReader.of(bytes("030100")).bitString("f"));
        assertEquals(1 << 8, DerReader.of(DerWriter.bitString(1 << 8)).bitString("f"));
        assertEquals("0303070080", hex(DerWriter.bitString(1 << 8)), "bit 8 opens the second octet");
    }

    @Test
    void negTokenInitRoundTripsWithEveryField() throws Exception {
        byte[] der = NegTokenInit.encodeMechTypes(List.of(Oid.NTLMSSP, Oid.KERBEROS));
        NegTokenInit init = new NegTokenInit(List.of(Oid.NTLMSSP, Oid.KERBEROS), der, 0x42, new byte[] {1, 2, 3},
                new byte[] {9, 9});
        byte[] framed = init.encodeInitial();
        assertEquals("60", hex(framed).substring(0, 2));
        assertEquals(framed.length - 2, framed[1]);
        assertEquals(init, NegotiationToken.decode(framed));
        assertEquals(init, NegotiationToken.decode(init.encode()));
        assertArrayEquals(init.encode(), GssFraming.unwrap(framed));
    }

    @Test
    void negTokenInit2WithNegHintsIsRead() throws Exception {
        // MS-SPNG 2.2.1 as a server sends it: mechTypes, negHints with the conventional name,
        // mechListMIC moved to [4].
        byte[] hints = DerWriter.sequence(DerWriter.context(0,
                DerWriter.generalString("not_defined_in_RFC4178@please_ignore")));
        byte[] mechTypes = NegTokenInit.encodeMechTypes(List.of(Oid.MS_KERBEROS, Oid.NTLMSSP));
        byte[] token = GssFraming.wrap(DerWriter.context(0, DerWriter.sequence(
                DerWriter.context(0, mechTypes), DerWriter.context(3, hints),
                DerWriter.context(4, DerWriter.octetString(new byte[] {7})))));
        NegTokenInit init = (NegTokenInit) NegotiationToken.decode(token);
        assertEquals(List.of(Oid.MS_KERBEROS, Oid.NTLMSSP), init.mechTypes());
        assertArrayEquals(mechTypes, init.mechTypesDer());
        assertArrayEquals(new byte[] {7}, init.mechListMic());
        assertNull(init.mechToken());

        byte[] hintsWithAddress = DerWriter.sequence(DerWriter.context(1, DerWriter.octetString(new byte[4])));
        byte[] onlyHints = GssFraming.wrap(DerWriter.context(0, DerWriter.sequence(DerWriter.context(3, hintsWithAddress))));
        NegTokenInit noMechs = (NegTokenInit) NegotiationToken.decode(onlyHints);
        assertEquals(List.of(), noMechs.mechTypes());
        assertNull(noMechs.mechTypesDer());
    }

    @Test
    void unknownLaterFieldsAreSkipped() throws Exception {
        byte[] token = DerWriter.context(1, DerWriter.sequence(
                DerWriter.context(0, DerWriter.enumerated(1)),
                DerWriter.context(2, DerWriter.octetString("tok".getBytes(StandardCharsets.US_ASCII))),
                DerWriter.context(7, DerWriter.sequence(DerWriter.octetString(new byte[2])))));
        NegTokenResp r = NegTokenResp.decode(token);
        assertEquals(NegState.ACCEPT_INCOMPLETE, r.negState());
        assertEquals("tok", new String(r.responseToken(), StandardCharsets.US_ASCII));
    }

    @Test
    void negTokenRespRoundTripsAndMatchesTheAcceptorsBytes() throws Exception {
        NegTokenResp r = new NegTokenResp(NegState.ACCEPT_COMPLETED, null, null, bytes("01000000 2bffc60200c1fdc6 00000000"));
        // The shape of the engine's final reply that rpcclient accepted.
        assertEquals("a11b3019a0030a0100a3120410010000002bffc60200c1fdc600000000", hex(r.encode()));
        assertEquals(r, NegotiationToken.decode(r.encode()));
        NegTokenResp all = new NegTokenResp(NegState.REQUEST_MIC, Oid.NTLMSSP, new byte[200], new byte[16]);
        assertEquals(all, NegotiationToken.decode(all.encode()));
        assertEquals(new NegTokenResp(null, null, null, null), NegotiationToken.decode(bytes("a1023000")));
    }
}
