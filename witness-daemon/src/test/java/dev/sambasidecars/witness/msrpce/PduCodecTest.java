package dev.sambasidecars.witness.msrpce;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sambasidecars.witness.msrpce.Pdu.BindAckPdu;
import dev.sambasidecars.witness.msrpce.Pdu.BindPdu;
import dev.sambasidecars.witness.msrpce.Pdu.ContextResult;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * PDUs against bytes Debian's rpcclient (Samba 4.17.12) sent: captured in this project's test
 * cluster image by listening on TCP 135 while {@code rpcclient 'ncacn_ip_tcp:127.0.0.1[sign]'
 * -c epmlookup} (and without {@code [sign]}) connected.
 */
class PduCodecTest {
    /** rpcclient's bind to the endpoint mapper with NTLMSSP at packet integrity. */
    static final byte[] BIND_EPM_SIGN = HexFormat.of().parseHex(
            "05000b07100000007800280001000000b810b8100000000001000000000001000883afe11f5dc91191a408002b14a0fa"
                    + "03000000045d888aeb1cc9119fe808002b104860020000000a050000010000004e544c4d53535000010000001582086200"
                    + "000000280000000000000028000000060100000000000f");
    /** rpcclient's unauthenticated bind to the endpoint mapper. */
    static final byte[] BIND_EPM_NONE = HexFormat.of().parseHex(
            "05000b03100000004800000001000000b810b8100000000001000000000001000883afe11f5dc91191a408002b14a0fa"
                    + "03000000045d888aeb1cc9119fe808002b10486002000000");
    static final UUID EPMAPPER = UUID.fromString("e1af8308-5d1f-11c9-91a4-08002b14a0fa");

    @Test
    void decodesRpcclientsSignedBind() throws Exception {
        BindPdu b = (BindPdu) PduDecoder.decode(BIND_EPM_SIGN);
        assertEquals(PduType.BIND, b.header().type());
        assertEquals(0x07, b.header().flags(), "first, last, header signing supported");
        assertEquals(120, b.header().fragLength());
        assertEquals(40, b.header().authLength());
        assertEquals(1, b.header().callId());
        assertEquals(4280, b.maxXmitFrag());
        assertEquals(4280, b.maxRecvFrag());
        assertEquals(0, b.assocGroupId());
        assertEquals(1, b.contexts().size());
        Pdu.ContextElement c = b.contexts().getFirst();
        assertEquals(0, c.contextId());
        assertEquals(new SyntaxId(EPMAPPER, 3, 0), c.abstractSyntax());
        assertEquals(List.of(SyntaxId.NDR32), c.transferSyntaxes());
        AuthTrailer a = b.auth();
        assertEquals(AuthTrailer.TYPE_NTLMSSP, a.type());
        assertEquals(AuthTrailer.LEVEL_INTEGRITY, a.level());
        assertEquals(0, a.padLength());
        assertEquals(1, a.contextId());
        assertEquals("NTLMSSP\0", new String(a.value(), 0, 8, StandardCharsets.US_ASCII));
        assertEquals(1, a.value()[8], "an NTLMSSP NEGOTIATE");
    }

    @Test
    void reencodingRpcclientsBindsGivesTheirBytes() throws Exception {
        for (byte[] captured : List.of(BIND_EPM_SIGN, BIND_EPM_NONE)) {
            BindPdu b = (BindPdu) PduDecoder.decode(captured);
            byte[] again = PduEncoder.bind(b.header().type(), b.header().callId(), b.header().flags(), b.maxXmitFrag(),
                    b.maxRecvFrag(), b.assocGroupId(), b.contexts(), b.auth());
            assertArrayEquals(captured, again);
        }
        assertNull(PduDecoder.decode(BIND_EPM_NONE).auth());
    }

    @Test
    void bindAckRoundTripsWithSecondaryAddressPadding() throws Exception {
        List<ContextResult> results = List.of(new ContextResult(ContextResult.ACCEPTANCE, 0, SyntaxId.NDR32),
                new ContextResult(ContextResult.PROVIDER_REJECTION, ContextResult.TRANSFER_SYNTAXES_NOT_SUPPORTED,
                        SyntaxId.NONE));
        byte[] frag = PduEncoder.bindAck(PduType.BIND_ACK, 7, 0x03, 4280, 4280, 0x1234, "135", results, null);
        // header 16 + 8 + sec_addr length 2 + "135\0" 4 = 30, padded to 32, then 4 + 2 * 24.
        assertEquals(32 + 4 + 48, frag.length);
        assertEquals(4, frag[24] | frag[25] << 8, "sec_addr length counts the NUL");
        BindAckPdu ack = (BindAckPdu) PduDecoder.decode(frag);
        assertEquals("135", ack.secondaryAddress());
        assertEquals(0x1234, ack.assocGroupId());
        assertEquals(results, ack.results());
        assertEquals(7, ack.header().callId());
    }

    @Test
    void requestStubSurvivesAuthPadding() throws Exception {
        byte[] stub = {1, 2, 3, 4, 5};
        AuthTrailer auth = new AuthTrailer(AuthTrailer.TYPE_NTLMSSP, AuthTrailer.LEVEL_INTEGRITY, 0, 1, new byte[16]);
        byte[] frag = PduEncoder.request(3, 0x03, 5, 0, 2, null, stub, auth);
        Pdu.RequestPdu r = (Pdu.RequestPdu) PduDecoder.decode(frag);
        assertArrayEquals(stub, r.stub());
        assertEquals(11, r.auth().padLength(), "stub padded to 16 bytes");
        assertEquals(2, r.opnum());
        assertEquals(frag.length - 16, PduEncoder.authValueOffset(frag, 16));
        assertEquals(0, (frag.length - 16 - AuthTrailer.SIZE) % 4, "trailer 4-byte aligned");
    }

    @Test
    void requestWithObjectUuid() throws Exception {
        UUID object = UUID.fromString("01234567-89ab-cdef-0123-456789abcdef");
        byte[] frag = PduEncoder.request(9, 0x03, 0, 1, 4, object, new byte[] {9}, null);
        Pdu.RequestPdu r = (Pdu.RequestPdu) PduDecoder.decode(frag);
        assertEquals(object, r.object());
        assertTrue(r.header().has(PduType.OBJECT_UUID));
        assertArrayEquals(new byte[] {9}, r.stub());
        // NDR's UUID layout: the first three fields little-endian.
        assertEquals("67452301ab89efcd0123456789abcdef", HexFormat.of().formatHex(Arrays.copyOfRange(frag, 24, 40)));
    }

    @Test
    void faultCarriesItsStatus() throws Exception {
        byte[] frag = PduEncoder.fault(5, 1, FaultStatus.UNKNOWN_INTERFACE, true);
        Pdu.FaultPdu f = (Pdu.FaultPdu) PduDecoder.decode(frag);
        assertEquals(FaultStatus.UNKNOWN_INTERFACE, f.status());
        assertTrue(f.header().has(PduType.DID_NOT_EXECUTE));
        assertEquals(32, frag.length);
    }

    @Test
    void badHeadersAreRefused() {
        byte[] v4 = BIND_EPM_NONE.clone();
        v4[0] = 4;
        assertThrows(CorruptPduException.class, () -> PduDecoder.decode(v4));
        byte[] bigEndian = BIND_EPM_NONE.clone();
        bigEndian[4] = 0x00;
        assertThrows(CorruptPduException.class, () -> PduDecoder.decode(bigEndian));
        byte[] shortFrag = BIND_EPM_NONE.clone();
        shortFrag[8] = 8;
        shortFrag[9] = 0;
        assertThrows(CorruptPduException.class, () -> PduDecoder.decode(shortFrag));
        byte[] hugeAuth = BIND_EPM_SIGN.clone();
        hugeAuth[10] = (byte) 0xff;
        assertThrows(CorruptPduException.class, () -> PduDecoder.decode(hugeAuth));
        assertThrows(CorruptPduException.class, () -> PduDecoder.decode(Arrays.copyOf(BIND_EPM_NONE, 50)));
    }

    @Test
    void bindTimeFeatureNegotiationSyntaxIsRecognised() {
        SyntaxId btfn = new SyntaxId(UUID.fromString("6cb71c2c-9812-4540-0300-000000000000"), 1, 0);
        assertTrue(btfn.isBindTimeFeatureNegotiation());
        assertEquals(3, btfn.featureBits());
        assertTrue(!SyntaxId.NDR64.isBindTimeFeatureNegotiation());
    }

    @Test
    void mutatedPdusOnlyEverFailAsProtocolErrors() {
        Random rnd = new Random(20261122);
        List<byte[]> seeds = List.of(BIND_EPM_SIGN, BIND_EPM_NONE,
                PduEncoder.bindAck(PduType.BIND_ACK, 1, 3, 4280, 4280, 1, "135",
                        List.of(new ContextResult(0, 0, SyntaxId.NDR32)), null),
                PduEncoder.request(3, 3, 5, 0, 2, null, new byte[] {1, 2, 3},
                        new AuthTrailer(10, 6, 0, 1, new byte[16])),
                PduEncoder.fault(1, 0, FaultStatus.PROTOCOL_ERROR, false));
        for (int i = 0; i < 20_000; i++) {
            byte[] p = seeds.get(rnd.nextInt(seeds.size())).clone();
            int flips = 1 + rnd.nextInt(4);
            for (int f = 0; f < flips; f++) {
                p[rnd.nextInt(p.length)] = (byte) rnd.nextInt(256);
            }
            if (rnd.nextInt(4) == 0) {
                p = Arrays.copyOf(p, rnd.nextInt(p.length + 8));
            }
            try {
                PduDecoder.decode(p);
            } catch (RpcProtocolException expected) {
                // malformed input must end here and nowhere else
            } catch (RuntimeException e) {
                throw new AssertionError("input " + HexFormat.of().formatHex(p) + " threw " + e, e);
            }
        }
    }
}
