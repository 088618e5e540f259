package dev.sambasidecars.witness.spnego;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sambasidecars.witness.msrpce.RpcSecurityException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The acceptor against Samba's rpcclient, replayed from {@link RpcclientCaptures}: every server
 * token comes out byte for byte as rpcclient accepted it, and the first protected request after
 * the handshake verifies, which it only does with the post-mechListMIC reset done as Samba does.
 */
class RpcclientCaptureTest {

    private static RpcclientCaptures.Capture capture(String level) {
        return level.equals("sign") ? RpcclientCaptures.SIGN : RpcclientCaptures.SEAL;
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    @Test
    void bindTokenIsAFramedNegTokenInitOfferingNtlmsspWithAnOptimisticNegotiate() throws Exception {
        byte[] bind = RpcclientCaptures.SIGN.bind();
        assertTrue(hex(bind).startsWith("604806062b0601050502a03e"));
        NegTokenInit init = (NegTokenInit) NegotiationToken.decode(bind);
        assertEquals(List.of(Oid.NTLMSSP), init.mechTypes());
        assertEquals("300c060a2b06010401823702020a", hex(init.mechTypesDer()));
        assertNull(init.reqFlags());
        assertNull(init.mechListMic());
        assertEquals("4e544c4d5353500001000000", hex(Arrays.copyOf(init.mechToken(), 12)));
        assertArrayEquals(bind, init.encodeInitial(), "re-encoding gives rpcclient's bytes");
    }

    @Test
    void everyLegRoundTrips() throws Exception {
        for (RpcclientCaptures.Capture c : List.of(RpcclientCaptures.SIGN, RpcclientCaptures.SEAL)) {
            for (byte[] leg : List.of(c.bindAck(), c.alter(), c.alterResp())) {
                assertArrayEquals(leg, NegotiationToken.decode(leg).encode());
            }
            NegTokenResp alter = NegTokenResp.decode(c.alter());
            assertNull(alter.negState(), "Samba leaves negState out of its AUTHENTICATE leg");
            assertEquals(16, alter.mechListMic().length);
            assertEquals(0, ByteBuffer.wrap(alter.mechListMic()).order(ByteOrder.LITTLE_ENDIAN).getInt(12),
                    "the mechListMIC uses sequence number 0");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sign", "seal"})
    void replayReproducesTheServerTokensAndAcceptsTheFirstRequest(String level) throws Exception {
        RpcclientCaptures.Capture c = capture(level);
        boolean sealed = level.equals("seal");
        SpnegoRpcSecurity server = new SpnegoRpcSecurity(RpcclientCaptures.config(), RpcclientCaptures.credentials());

        assertEquals(hex(c.bindAck()), hex(server.accept(c.bind())));
        assertFalse(server.established());
        assertEquals(hex(c.alterResp()), hex(server.accept(c.alter())));
        assertTrue(server.established());
        assertTrue(server.user().endsWith("\\" + RpcclientCaptures.USER), server.user());
        NegTokenResp done = NegTokenResp.decode(c.alterResp());
        assertEquals(NegState.ACCEPT_COMPLETED, done.negState());
        assertNull(done.supportedMech());

        byte[] frag = c.request().clone();
        int authLength = ByteBuffer.wrap(frag).order(ByteOrder.LITTLE_ENDIAN).getShort(10);
        int signed = frag.length - authLength;
        byte[] signature = Arrays.copyOfRange(frag, signed, frag.length);
        assertEquals(1, ByteBuffer.wrap(signature).order(ByteOrder.LITTLE_ENDIAN).getInt(12),
                "rpcclient's first request carries sequence number 1: the MICs used 0 and were not undone");
        server.verify(frag, sealed, 24, signed - 8 - 24, signed, signature);
        assertArrayEquals(c.requestPlain(), frag);

        byte[] response = c.responsePlain().clone();
        int respSigned = response.length - 16;
        byte[] sig = server.protect(response, sealed, 24, respSigned - 8 - 24, respSigned);
        System.arraycopy(sig, 0, response, respSigned, 16);
        assertEquals(hex(c.responseWire()), hex(response));
    }

    @Test
    void theSameRequestWithoutTheResetOfTheRc4HandleFails() throws Exception {
        // Replays the sign capture, then feeds the request a second time: the handle has moved
        // on and the sequence number too, so a server that skipped the reset fails the same way.
        RpcclientCaptures.Capture c = RpcclientCaptures.SIGN;
        SpnegoRpcSecurity server = new SpnegoRpcSecurity(RpcclientCaptures.config(), RpcclientCaptures.credentials());
        server.accept(c.bind());
        server.accept(c.alter());
        byte[] frag = c.request().clone();
        int signed = frag.length - 16;
        byte[] signature = Arrays.copyOfRange(frag, signed, frag.length);
        server.verify(frag.clone(), false, 24, signed - 32, signed, signature);
        assertThrows(RpcSecurityException.class,
                () -> server.verify(frag.clone(), false, 24, signed - 32, signed, signature));
    }

    @Test
    void aTamperedRealMechListMicIsRefused() throws Exception {
        RpcclientCaptures.Capture c = RpcclientCaptures.SEAL;
        NegTokenResp alter = NegTokenResp.decode(c.alter());
        byte[] mic = alter.mechListMic().clone();
        mic[6] ^= 0x01;
        byte[] forged = new NegTokenResp(alter.negState(), alter.supportedMech(), alter.responseToken(), mic).encode();
        SpnegoAcceptor acceptor = new SpnegoAcceptor(
                new dev.sambasidecars.witness.msnlmp.NtlmServer(RpcclientCaptures.config(), RpcclientCaptures.credentials()));
        acceptor.accept(c.bind());
        SpnegoException e = assertThrows(SpnegoException.class, () -> acceptor.accept(forged));
        assertEquals(SpnegoException.Reason.MIC_MISMATCH, e.reason());
        assertFalse(acceptor.established());
    }

    @Test
    void theRealAuthenticateWithoutItsMechListMicGetsTheServerMicAndWaitsForTheClients() throws Exception {
        RpcclientCaptures.Capture c = RpcclientCaptures.SIGN;
        NegTokenResp alter = NegTokenResp.decode(c.alter());
        byte[] stripped = new NegTokenResp(null, null, alter.responseToken(), null).encode();
        SpnegoAcceptor acceptor = new SpnegoAcceptor(
                new dev.sambasidecars.witness.msnlmp.NtlmServer(RpcclientCaptures.config(), RpcclientCaptures.credentials()));
        acceptor.accept(c.bind());
        NegTokenResp reply = NegTokenResp.decode(acceptor.accept(stripped));
        assertEquals(NegState.ACCEPT_INCOMPLETE, reply.negState());
        assertArrayEquals(NegTokenResp.decode(c.alterResp()).mechListMic(), reply.mechListMic(),
                "the same server MIC as in the real exchange");
        assertFalse(acceptor.established());
        NegTokenResp late = NegTokenResp.decode(acceptor.accept(new NegTokenResp(null, null, null,
                alter.mechListMic()).encode()));
        assertEquals(NegState.ACCEPT_COMPLETED, late.negState());
        assertNull(late.mechListMic());
        assertTrue(acceptor.established());
    }
}
