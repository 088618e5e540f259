package dev.sambasidecars.witness.spnego;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sambasidecars.witness.msnlmp.NegotiateFlags;
import dev.sambasidecars.witness.msnlmp.NtlmServer;
import dev.sambasidecars.witness.msnlmp.SessionSecurity;
import dev.sambasidecars.witness.msnlmp.TestNtlmInitiator;
import dev.sambasidecars.witness.msrpce.RpcSecurityException;
import dev.sambasidecars.witness.spnego.SpnegoException.Reason;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** SpnegoClient against SpnegoAcceptor and SpnegoRpcSecurity, with the independent NTLM test client. */
class SpnegoHandshakeTest {

    private static final String DOMAIN = "SIDECARS";

    private static TestNtlmInitiator ntlm() {
        return new TestNtlmInitiator(RpcclientCaptures.USER, DOMAIN, RpcclientCaptures.PASSWORD, true);
    }

    private static SpnegoAcceptor acceptor() {
        return new SpnegoAcceptor(new NtlmServer(RpcclientCaptures.config(), RpcclientCaptures.credentials()));
    }

    private static SpnegoRpcSecurity rpcSecurity() {
        return new SpnegoRpcSecurity(RpcclientCaptures.config(), RpcclientCaptures.credentials());
    }

    /** Runs the negotiation, the client's tokens through {@code inTransit}; returns the acceptor's replies. */
    private static List<NegTokenResp> run(SpnegoClient client, SpnegoAcceptor acceptor, UnaryOperator<byte[]> inTransit)
            throws SpnegoException {
        List<NegTokenResp> replies = new ArrayList<>();
        byte[] token = client.initialToken();
        while (token != null) {
            byte[] reply = acceptor.accept(inTransit.apply(token));
            replies.add(NegTokenResp.decode(reply));
            token = client.step(reply);
        }
        return replies;
    }

    private static int seq(byte[] signature) {
        return ByteBuffer.wrap(signature).order(ByteOrder.LITTLE_ENDIAN).getInt(12);
    }

    /** A request-shaped fragment: 24-byte header, stub, 8-byte sec_trailer, room for the signature. */
    private static byte[] pdu(String stub) {
        byte[] s = stub.getBytes(StandardCharsets.US_ASCII);
        byte[] frag = new byte[24 + s.length + 8 + 16];
        Arrays.fill(frag, 0, 24, (byte) 0x05);
        System.arraycopy(s, 0, frag, 24, s.length);
        Arrays.fill(frag, 24 + s.length, 32 + s.length, (byte) 0x09);
        return frag;
    }

    @Test
    void fullHandshakeWithMechListMicsThenSignAndSealBothWays() throws Exception {
        SpnegoClient client = new SpnegoClient(ntlm());
        SpnegoRpcSecurity server = rpcSecurity();
        byte[] init = client.initialToken();
        NegTokenResp first = NegTokenResp.decode(server.accept(init));
        assertEquals(NegState.ACCEPT_INCOMPLETE, first.negState());
        assertEquals(Oid.NTLMSSP, first.supportedMech());
        assertEquals("NTLMSSP\0", new String(first.responseToken(), 0, 8, StandardCharsets.US_ASCII));
        assertNull(first.mechListMic());

        byte[] authLeg = client.step(first.encode());
        assertNotNull(NegTokenResp.decode(authLeg).mechListMic(), "the client protects the list");
        assertFalse(server.established());
        byte[] last = server.accept(authLeg);
        assertTrue(server.established());
        NegTokenResp done = NegTokenResp.decode(last);
        assertEquals(NegState.ACCEPT_COMPLETED, done.negState());
        assertNull(done.supportedMech());
        assertNull(done.responseToken());
        assertEquals(16, done.mechListMic().length);
        assertNull(client.step(last));
        assertTrue(client.established());
        assertEquals(DOMAIN + "\\" + RpcclientCaptures.USER, server.user());

        SessionSecurity c = client.security();
        for (int i = 0; i < 3; i++) {
            byte[] signedReq = pdu("signed request " + i);
            int signedLen = signedReq.length - 16;
            byte[] sig = c.sign(signedReq, 0, signedLen);
            assertEquals(1 + 2 * i, seq(sig), "the mechListMIC took sequence number 0");
            server.verify(signedReq, false, 24, signedLen - 32, signedLen, sig);

            byte[] sealedReq = pdu("sealed request " + i);
            byte[] plain = sealedReq.clone();
            int sealedLen = sealedReq.length - 16;
            byte[] sealSig = c.sealInPlace(sealedReq, 24, sealedLen - 32, 0, sealedLen);
            assertFalse(Arrays.equals(plain, sealedReq));
            server.verify(sealedReq, true, 24, sealedLen - 32, sealedLen, sealSig);
            assertArrayEquals(plain, sealedReq);

            byte[] resp = pdu("response " + i);
            int respSigned = resp.length - 16;
            c.verify(resp, 0, respSigned, server.protect(resp, false, 24, respSigned - 32, respSigned));
            byte[] sealedResp = pdu("sealed response " + i);
            byte[] respPlain = sealedResp.clone();
            int sealedSigned = sealedResp.length - 16;
            byte[] respSig = server.protect(sealedResp, true, 24, sealedSigned - 32, sealedSigned);
            c.unsealInPlace(sealedResp, 24, sealedSigned - 32, 0, sealedSigned, respSig);
            assertArrayEquals(respPlain, sealedResp);
        }
    }

    @Test
    void tamperedMechListMicIsRefused() throws Exception {
        SpnegoAcceptor acceptor = acceptor();
        SpnegoException e = assertThrows(SpnegoException.class, () -> run(new SpnegoClient(ntlm()), acceptor, t -> {
            if (t[0] != (byte) 0xa1) {
                return t;
            }
            NegTokenResp r = decodeUnchecked(t);
            byte[] mic = r.mechListMic().clone();
            mic[5] ^= 0x40;
            return new NegTokenResp(r.negState(), r.supportedMech(), r.responseToken(), mic).encode();
        }));
        assertEquals(Reason.MIC_MISMATCH, e.reason());
        assertFalse(acceptor.established());
        assertEquals(Reason.UNEXPECTED_TOKEN, assertThrows(SpnegoException.class,
                () -> acceptor.accept(new NegTokenResp(null, null, null, null).encode())).reason());
    }

    @Test
    void mechListChangedInTransitFailsTheMic() throws Exception {
        // The client offers NTLMSSP then Kerberos; someone drops Kerberos from the list on the way.
        SpnegoClient client = new SpnegoClient(ntlm(), List.of(Oid.NTLMSSP, Oid.KERBEROS), null);
        SpnegoAcceptor acceptor = acceptor();
        SpnegoException e = assertThrows(SpnegoException.class, () -> run(client, acceptor, t -> {
            if (t[0] != 0x60) {
                return t;
            }
            NegTokenInit init = (NegTokenInit) decodeAnyUnchecked(t);
            return NegTokenInit.of(List.of(Oid.NTLMSSP), init.mechToken()).encodeInitial();
        }));
        assertEquals(Reason.MIC_MISMATCH, e.reason());
    }

    @Test
    void requiredMicMissingIsAskedForOnceThenRefused() throws Exception {
        SpnegoClient client = new SpnegoClient(ntlm());
        SpnegoAcceptor acceptor = acceptor();
        byte[] challenge = acceptor.accept(client.initialToken());
        NegTokenResp auth = NegTokenResp.decode(client.step(challenge));
        NegTokenResp reply = NegTokenResp.decode(acceptor.accept(
                new NegTokenResp(null, null, auth.responseToken(), null).encode()));
        assertEquals(NegState.ACCEPT_INCOMPLETE, reply.negState(), "the NTLMSSP MIC makes the mechListMIC required");
        assertNotNull(reply.mechListMic(), "the acceptor sends its own first");
        assertFalse(acceptor.established());
        SpnegoException e = assertThrows(SpnegoException.class,
                () -> acceptor.accept(new NegTokenResp(null, null, null, null).encode()));
        assertEquals(Reason.MIC_MISSING, e.reason());
        assertFalse(acceptor.established());
    }

    @Test
    void onlyTheMicMayFollowWhenTheAcceptorWaitsForIt() throws Exception {
        SpnegoClient client = new SpnegoClient(ntlm());
        SpnegoAcceptor acceptor = acceptor();
        NegTokenResp auth = NegTokenResp.decode(client.step(acceptor.accept(client.initialToken())));
        acceptor.accept(new NegTokenResp(null, null, auth.responseToken(), null).encode());
        SpnegoException e = assertThrows(SpnegoException.class,
                () -> acceptor.accept(new NegTokenResp(null, null, new byte[] {1}, auth.mechListMic()).encode()));
        assertEquals(Reason.UNEXPECTED_TOKEN, e.reason());
    }

    @Test
    void aClientThatWaitsForTheAcceptorsMicSendsItsOwnInAFourthLeg() throws Exception {
        // The NTLM client sends an NTLMSSP MIC but does not tell SPNEGO so: the acceptor requires
        // the exchange, goes first, and the client answers with its mechListMIC alone.
        TestNtlmInitiator real = ntlm();
        NtlmInitiator quiet = new NtlmInitiator() {
            @Override
            public byte[] negotiate() {
                return real.negotiate();
            }

            @Override
            public byte[] authenticate(byte[] challenge) throws SpnegoException {
                return real.authenticate(challenge);
            }

            @Override
            public int negotiatedFlags() {
                return real.negotiatedFlags();
            }

            @Override
            public byte[] exportedSessionKey() {
                return real.exportedSessionKey();
            }

            @Override
            public boolean micSent() {
                return false;
            }
        };
        SpnegoClient client = new SpnegoClient(quiet);
        SpnegoAcceptor acceptor = acceptor();
        List<NegTokenResp> replies = run(client, acceptor, UnaryOperator.identity());
        assertEquals(List.of(NegState.ACCEPT_INCOMPLETE, NegState.ACCEPT_INCOMPLETE, NegState.ACCEPT_COMPLETED),
                replies.stream().map(NegTokenResp::negState).toList());
        assertNotNull(replies.get(1).mechListMic());
        assertNull(replies.get(2).mechListMic());
        assertTrue(client.established());
        assertTrue(acceptor.established());
        byte[] msg = pdu("after four legs");
        byte[] sig = client.security().sign(msg);
        assertEquals(1, seq(sig));
        acceptor.session().security().verify(msg, sig);
    }

    @Test
    void kerberosFirstWithAnOptimisticTokenFallsBackToNtlmssp() throws Exception {
        byte[] apReq = {0x60, 0x03, 0x06, 0x01, 0x00}; // stands for a Kerberos AP-REQ; never parsed
        SpnegoClient client = new SpnegoClient(ntlm(), List.of(Oid.MS_KERBEROS, Oid.KERBEROS, Oid.NTLMSSP), apReq);
        SpnegoAcceptor acceptor = acceptor();
        byte[] init = client.initialToken();
        assertArrayEquals(apReq, ((NegTokenInit) NegotiationToken.decode(init)).mechToken());

        NegTokenResp first = NegTokenResp.decode(acceptor.accept(init));
        assertEquals(NegState.REQUEST_MIC, first.negState());
        assertEquals(Oid.NTLMSSP, first.supportedMech());
        assertNull(first.responseToken(), "no token: NTLMSSP has not started");

        byte[] negotiateLeg = client.step(first.encode());
        assertEquals("NTLMSSP\0", new String(NegTokenResp.decode(negotiateLeg).responseToken(), 0, 8,
                StandardCharsets.US_ASCII));
        NegTokenResp challenge = NegTokenResp.decode(acceptor.accept(negotiateLeg));
        assertEquals(NegState.ACCEPT_INCOMPLETE, challenge.negState());
        assertNull(challenge.supportedMech(), "supportedMech only in the first reply");
        byte[] authLeg = client.step(challenge.encode());
        NegTokenResp done = NegTokenResp.decode(acceptor.accept(authLeg));
        assertEquals(NegState.ACCEPT_COMPLETED, done.negState());
        assertNull(client.step(done.encode()));
        assertTrue(acceptor.established());

        byte[] msg = pdu("after a fallback");
        acceptor.session().security().verify(msg, client.security().sign(msg));
    }

    @Test
    void afterAFallbackTheMicIsRequiredEvenWithoutAnNtlmsspMic() throws Exception {
        TestNtlmInitiator noNtlmMic = new TestNtlmInitiator(RpcclientCaptures.USER, DOMAIN, RpcclientCaptures.PASSWORD,
                false);
        SpnegoClient client = new SpnegoClient(noNtlmMic, List.of(Oid.KERBEROS, Oid.NTLMSSP), null);
        SpnegoAcceptor acceptor = acceptor();
        SpnegoException e = assertThrows(SpnegoException.class, () -> run(client, acceptor, t -> {
            if (t[0] != (byte) 0xa1) {
                return t;
            }
            NegTokenResp r = decodeUnchecked(t);
            return new NegTokenResp(r.negState(), r.supportedMech(), r.responseToken(), null).encode();
        }));
        // Stripped from AUTHENTICATE, the acceptor asks for it; the client, having sent one, refuses
        // the acceptor's accept-incomplete; either way nobody is established.
        assertEquals(Reason.UNEXPECTED_TOKEN, e.reason());
        assertFalse(acceptor.established());
        assertEquals(Reason.MIC_MISSING, assertThrows(SpnegoException.class,
                () -> acceptor.accept(new NegTokenResp(null, null, null, null).encode())).reason());
    }

    @Test
    void withoutNtlmsspTheNegotiationIsRejected() throws Exception {
        byte[] init = NegTokenInit.of(List.of(Oid.MS_KERBEROS, Oid.KERBEROS, Oid.NEGOEX), new byte[] {1, 2}).encodeInitial();
        assertEquals(Reason.NO_COMMON_MECHANISM, assertThrows(SpnegoException.class, () -> acceptor().accept(init)).reason());
        RpcSecurityException e = assertThrows(RpcSecurityException.class, () -> rpcSecurity().accept(init));
        assertTrue(e.getMessage().contains("NO_COMMON_MECHANISM"), e.getMessage());
    }

    @Test
    void wrongPasswordFailsInTheMechanism() throws Exception {
        SpnegoClient client = new SpnegoClient(new TestNtlmInitiator(RpcclientCaptures.USER, DOMAIN, "wrong", true));
        SpnegoException e = assertThrows(SpnegoException.class, () -> run(client, acceptor(), UnaryOperator.identity()));
        assertEquals(Reason.MECHANISM_FAILED, e.reason());
        assertTrue(e.getMessage().contains("WRONG_PASSWORD"), e.getMessage());
    }

    @Test
    void withoutAnNtlmsspMicNoMechListMicIsExchangedAndSequenceNumbersStartAtZero() throws Exception {
        SpnegoClient client = new SpnegoClient(new TestNtlmInitiator(RpcclientCaptures.USER, DOMAIN,
                RpcclientCaptures.PASSWORD, false));
        SpnegoAcceptor acceptor = acceptor();
        List<NegTokenResp> replies = run(client, acceptor, UnaryOperator.identity());
        assertEquals(2, replies.size());
        assertNull(replies.get(1).mechListMic());
        byte[] msg = pdu("first");
        byte[] sig = client.security().sign(msg);
        assertEquals(0, seq(sig));
        acceptor.session().security().verify(msg, sig);
    }

    @Test
    void withoutSigningThereIsNoMechListMic() throws Exception {
        TestNtlmInitiator connectOnly = ntlm().withoutFlags(NegotiateFlags.SIGN | NegotiateFlags.SEAL
                | NegotiateFlags.ALWAYS_SIGN);
        SpnegoClient client = new SpnegoClient(connectOnly);
        SpnegoAcceptor acceptor = acceptor();
        List<NegTokenResp> replies = run(client, acceptor, UnaryOperator.identity());
        assertEquals(NegState.ACCEPT_COMPLETED, replies.get(1).negState());
        assertNull(replies.get(1).mechListMic());
        assertTrue(acceptor.established());
        assertTrue(client.established());
    }

    @Test
    void theAcceptorRefusesTokensOutOfPlace() throws Exception {
        SpnegoClient client = new SpnegoClient(ntlm());
        byte[] init = client.initialToken();
        byte[] bare = ((NegTokenInit) NegotiationToken.decode(init)).encode();
        assertEquals(Reason.MALFORMED, assertThrows(SpnegoException.class, () -> acceptor().accept(bare)).reason(),
                "the first token must carry the GSS-API framing");
        SpnegoAcceptor a = acceptor();
        a.accept(init);
        assertEquals(Reason.UNEXPECTED_TOKEN, assertThrows(SpnegoException.class, () -> a.accept(bare)).reason());

        SpnegoAcceptor b = acceptor();
        b.accept(init);
        assertEquals(Reason.REJECTED, assertThrows(SpnegoException.class,
                () -> b.accept(new NegTokenResp(NegState.REJECT, null, null, null).encode())).reason());

        SpnegoAcceptor done = acceptor();
        run(new SpnegoClient(ntlm()), done, UnaryOperator.identity());
        assertEquals(Reason.UNEXPECTED_TOKEN, assertThrows(SpnegoException.class, () -> done.accept(init)).reason());
    }

    @Test
    void theClientChecksTheAcceptorsMic() throws Exception {
        for (boolean drop : new boolean[] {false, true}) {
            SpnegoClient client = new SpnegoClient(ntlm());
            SpnegoAcceptor acceptor = acceptor();
            byte[] auth = client.step(acceptor.accept(client.initialToken()));
            NegTokenResp done = NegTokenResp.decode(acceptor.accept(auth));
            byte[] mic = done.mechListMic().clone();
            mic[4] ^= 1;
            NegTokenResp forged = new NegTokenResp(done.negState(), null, null, drop ? null : mic);
            SpnegoException e = assertThrows(SpnegoException.class, () -> client.step(forged.encode()));
            assertEquals(drop ? Reason.MIC_MISSING : Reason.MIC_MISMATCH, e.reason());
            assertFalse(client.established());
        }
    }

    @Test
    void theClientRefusesARejectAndAForeignMechanism() throws Exception {
        SpnegoClient rejected = new SpnegoClient(ntlm());
        rejected.initialToken();
        assertEquals(Reason.REJECTED, assertThrows(SpnegoException.class,
                () -> rejected.step(new NegTokenResp(NegState.REJECT, null, null, null).encode())).reason());
        SpnegoClient foreign = new SpnegoClient(ntlm());
        foreign.initialToken();
        assertEquals(Reason.NO_COMMON_MECHANISM, assertThrows(SpnegoException.class,
                () -> foreign.step(new NegTokenResp(NegState.ACCEPT_INCOMPLETE, Oid.KERBEROS, new byte[1], null)
                        .encode())).reason());
    }

    private static NegTokenResp decodeUnchecked(byte[] t) {
        try {
            return NegTokenResp.decode(t);
        } catch (SpnegoException e) {
            throw new AssertionError(e);
        }
    }

    private static NegotiationToken decodeAnyUnchecked(byte[] t) {
        try {
            return NegotiationToken.decode(t);
        } catch (SpnegoException e) {
            throw new AssertionError(e);
        }
    }
}
