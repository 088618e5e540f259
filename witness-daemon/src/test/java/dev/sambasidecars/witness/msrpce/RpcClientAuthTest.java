package dev.sambasidecars.witness.msrpce;

import static dev.sambasidecars.witness.msrpce.ClientFixture.ECHO;
import static dev.sambasidecars.witness.msrpce.ClientFixture.PASSWORD;
import static dev.sambasidecars.witness.msrpce.ClientFixture.ntlm;
import static dev.sambasidecars.witness.msrpce.ClientFixture.u32;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sambasidecars.witness.msrpce.PresentationContext.Offer;
import dev.sambasidecars.witness.msswn.GetInterfaceList;
import dev.sambasidecars.witness.msswn.InterfaceInfo;
import dev.sambasidecars.witness.msswn.WitnessInterface;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** RpcClient with NTLMSSP against the real RpcServer on loopback, at connect, integrity and privacy. */
class RpcClientAuthTest {
    private final ClientFixture fixture = new ClientFixture();

    @BeforeEach
    void start() throws Exception {
        List<InterfaceInfo> interfaces = List.of(
                new InterfaceInfo("NODE0", InterfaceInfo.WITNESS_V2, InterfaceInfo.STATE_AVAILABLE,
                        InetAddress.getByName("10.0.0.101"), false),
                new InterfaceInfo("NODE1", InterfaceInfo.WITNESS_V2, InterfaceInfo.STATE_UNAVAILABLE,
                        InetAddress.getByName("fd00::102"), true));
        fixture.extra.add(new WitnessInterface(call -> interfaces, null, WitnessInterface.DEFAULT_MIN_AUTH_LEVEL));
        fixture.start();
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    private RpcClient connect(RpcClientOptions options) throws Exception {
        return RpcClient.connect(fixture.address(), options);
    }

    @ParameterizedTest
    @ValueSource(ints = {AuthTrailer.LEVEL_CONNECT, AuthTrailer.LEVEL_INTEGRITY, AuthTrailer.LEVEL_PRIVACY})
    void ntlmsspAtEachLevel(int level) throws Exception {
        try (RecordingProxy proxy = new RecordingProxy(fixture.server.port());
             RpcClient client = RpcClient.connect(proxy.address(), RpcClientOptions.DEFAULT.withMaxFrag(512))) {
            List<PresentationContext> bound = client.bind(List.of(Offer.of(ECHO, SyntaxId.NDR64),
                    Offer.of(WitnessInterface.SYNTAX, SyntaxId.NDR32)), level, ntlm(PASSWORD));
            assertEquals(level, client.authLevel());
            PresentationContext echo = bound.get(0);
            assertEquals("DOMAIN\\alice|" + level + "|NDR64",
                    new String(client.call(echo, ClientFixture.WHOAMI, new byte[0]), StandardCharsets.UTF_8));

            // A recognisable stub over several fragments each way.
            byte[] marker = "plaintext-marker-0123456789".getBytes(StandardCharsets.US_ASCII);
            byte[] stub = new byte[3000];
            for (int i = 0; i < stub.length; i++) {
                stub[i] = marker[i % marker.length];
            }
            byte[] back = client.call(echo, ClientFixture.REVERSE, stub);
            assertEquals(stub.length, back.length);
            assertEquals(stub[0], back[back.length - 1]);
            assertEquals(12345, client.call(echo, ClientFixture.SIZED, u32(12345)).length);

            if (level == AuthTrailer.LEVEL_CONNECT) {
                RpcFaultException denied = assertThrows(RpcFaultException.class,
                        () -> GetInterfaceList.call(client, bound.get(1)), "MS-SWN wants integrity");
                assertEquals(FaultStatus.ACCESS_DENIED, denied.status());
            } else {
                GetInterfaceList.Result list = GetInterfaceList.call(client, bound.get(1));
                assertEquals(0, list.status());
                assertEquals("NODE0", list.interfaces().get(0).groupName());
                assertEquals(InetAddress.getByName("fd00::102"), list.interfaces().get(1).address());
                assertTrue(list.interfaces().get(1).onThisNode());
            }

            byte[] up = proxy.sentToServer();
            boolean plaintextSeen = RecordingProxy.contains(up, marker);
            assertEquals(level != AuthTrailer.LEVEL_PRIVACY, plaintextSeen, "sealed only at privacy");
            assertFalse(level == AuthTrailer.LEVEL_PRIVACY && RecordingProxy.contains(proxy.sentToClient(),
                    new byte[] {'r', 'e', 'k', 'r', 'a', 'm'}), "responses sealed too");
            assertTrue(RecordingProxy.fragmentLengths(up).stream().allMatch(n -> n <= 512));
            // bind, auth3, then requests: the third leg of NTLMSSP goes in an auth3.
            assertEquals(List.of(PduType.BIND, PduType.AUTH3, PduType.REQUEST),
                    RecordingProxy.types(up).subList(0, 3));
        }
    }

    @Test
    void wrongPasswordGetsAccessDenied() throws Exception {
        try (RpcClient client = connect(RpcClientOptions.DEFAULT)) {
            PresentationContext ctx = client.bind(List.of(Offer.of(ECHO, SyntaxId.NDR32)),
                    AuthTrailer.LEVEL_INTEGRITY, ntlm("wrong")).getFirst();
            RpcFaultException denied = assertThrows(RpcFaultException.class,
                    () -> client.call(ctx, ClientFixture.REVERSE, new byte[] {1}));
            assertEquals(FaultStatus.ACCESS_DENIED, denied.status());
        }
    }

    @Test
    void unknownAuthTypeGetsABindNak() throws Exception {
        RpcClientSecurity kerberos = new RpcClientSecurity() {
            @Override
            public int authType() {
                return AuthTrailer.TYPE_KERBEROS;
            }

            @Override
            public byte[] initialToken(int authLevel) {
                return new byte[] {0x60, 0};
            }

            @Override
            public byte[] next(byte[] serverToken) throws RpcSecurityException {
                throw new RpcSecurityException("not reached");
            }

            @Override
            public boolean established() {
                return false;
            }

            @Override
            public int signatureLength() {
                return 16;
            }

            @Override
            public byte[] protect(byte[] frag, boolean sealed, int stubOffset, int stubLength, int signedLength) {
                // The server refuses the bind (bind_nak), so no PDU is ever protected with this context.
                throw new UnsupportedOperationException();
            }

            @Override
            public void verify(byte[] frag, boolean sealed, int stubOffset, int stubLength, int signedLength,
                               byte[] signature) {
                throw new UnsupportedOperationException();
            }
        };
        try (RpcClient client = connect(RpcClientOptions.DEFAULT)) {
            BindNakException nak = assertThrows(BindNakException.class, () -> client.bind(
                    List.of(Offer.of(ECHO, SyntaxId.NDR32)), AuthTrailer.LEVEL_INTEGRITY, kerberos));
            assertEquals(Pdu.BindNakPdu.AUTHENTICATION_TYPE_NOT_RECOGNIZED, nak.reason());
        }
    }

    @Test
    void anAuth3LargerThanTheServerAcceptsIsRefusedBeforeSending() throws Exception {
        try (RpcClient client = connect(RpcClientOptions.DEFAULT.withMaxFrag(256))) {
            assertThrows(PduTooLongException.class, () -> client.bind(List.of(Offer.of(ECHO, SyntaxId.NDR32)),
                    AuthTrailer.LEVEL_INTEGRITY, ntlm(PASSWORD)), "NTLMSSP's AUTHENTICATE does not fit in 256 bytes");
        }
    }

    @Test
    void unauthenticatedCallsToWitnessAreDenied() throws Exception {
        try (RpcClient client = connect(RpcClientOptions.DEFAULT)) {
            PresentationContext ctx = client.bind(List.of(Offer.of(WitnessInterface.SYNTAX, SyntaxId.NDR64))).getFirst();
            assertEquals(FaultStatus.ACCESS_DENIED, assertThrows(RpcFaultException.class,
                    () -> GetInterfaceList.call(client, ctx)).status());
        }
    }

    /**
     * Many threads calling at once on one signed (or sealed) association, with small fragments so
     * that requests interleave at the send lock, one call held all along and one timed out whose
     * late answer must still be checked to keep the sequence numbers in step.
     */
    @ParameterizedTest
    @ValueSource(ints = {AuthTrailer.LEVEL_INTEGRITY, AuthTrailer.LEVEL_PRIVACY})
    void concurrentProtectedCallsKeepSequenceOrder(int level) throws Exception {
        try (RpcClient client = connect(RpcClientOptions.DEFAULT.withMaxFrag(512));
             ExecutorService pool = Executors.newFixedThreadPool(8)) {
            PresentationContext ctx = client.bind(List.of(Offer.of(ECHO, SyntaxId.NDR32)), level,
                    ntlm(PASSWORD)).getFirst();
            ClientCall held = client.start(ctx, ClientFixture.HELD, new byte[0]);
            ClientCall late = client.start(ctx, ClientFixture.HELD, new byte[0]);
            assertThrows(RpcTimeoutException.class, () -> late.await(Duration.ofMillis(100)));
            List<Callable<byte[]>> work = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                byte[] stub = new byte[1 + (i * 37) % 900];
                stub[0] = (byte) i;
                work.add(() -> client.call(ctx, ClientFixture.REVERSE, stub));
            }
            List<Future<byte[]>> results = pool.invokeAll(work);
            for (int i = 0; i < results.size(); i++) {
                byte[] r = results.get(i).get();
                assertEquals(1 + (i * 37) % 900, r.length);
                assertEquals((byte) i, r[r.length - 1]);
            }
            fixture.release.countDown();
            assertArrayEquals(new byte[] {32}, held.await());
            // The abandoned call's answer arrived too (and was verified, then dropped): the next
            // answer still verifies.
            assertArrayEquals(new byte[] {9, 8}, client.call(ctx, ClientFixture.REVERSE, new byte[] {8, 9}));
            assertTrue(client.isOpen());
        }
    }
}
