package dev.sambasidecars.witness.msrpce;

import static dev.sambasidecars.witness.msrpce.ClientFixture.ECHO;
import static dev.sambasidecars.witness.msrpce.ClientFixture.u32;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sambasidecars.witness.msrpce.PresentationContext.Offer;
import dev.sambasidecars.witness.ndr.NdrSyntax;
import java.io.EOFException;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** RpcClient against the real RpcServer on loopback, without authentication. */
class RpcClientTest {
    private final ClientFixture fixture = new ClientFixture();
    private RpcClient client;

    @BeforeEach
    void start() throws IOException {
        fixture.start();
        client = RpcClient.connect(fixture.address(), RpcClientOptions.DEFAULT.withCallTimeout(Duration.ofSeconds(10)));
    }

    @AfterEach
    void stop() {
        client.close();
        fixture.close();
    }

    @Test
    void bindChoosesTransferSyntaxesFromTheBindAck() throws Exception {
        SyntaxId unknown = new SyntaxId(UUID.randomUUID(), 1, 0);
        List<PresentationContext> bound = client.bind(List.of(Offer.of(ECHO, SyntaxId.NDR32),
                Offer.of(ECHO, SyntaxId.NDR32, SyntaxId.NDR64), Offer.of(unknown, SyntaxId.NDR32)));
        assertEquals(3, bound.size());
        assertEquals(List.of(0, 1, 2), bound.stream().map(PresentationContext::contextId).toList());
        assertEquals(NdrSyntax.NDR32, bound.get(0).ndr());
        assertEquals(NdrSyntax.NDR64, bound.get(1).ndr(), "the server prefers NDR64 when offered");
        assertFalse(bound.get(2).accepted());
        assertEquals(Pdu.ContextResult.ABSTRACT_SYNTAX_NOT_SUPPORTED, bound.get(2).reason());
        assertEquals(bound.get(1), client.context(ECHO).orElseThrow(), "NDR64 preferred among accepted contexts");
        assertEquals(Integer.toString(fixture.server.port()), client.secondaryAddress());
        assertTrue(client.associationGroup() != 0);

        fixture.release.countDown();
        assertArrayEquals(new byte[] {32}, client.call(bound.get(0), ClientFixture.HELD, new byte[0]));
        assertArrayEquals(new byte[] {64}, client.call(bound.get(1), ClientFixture.HELD, new byte[0]));
        assertArrayEquals(new byte[] {3, 2, 1}, client.call(bound.get(1), ClientFixture.REVERSE, new byte[] {1, 2, 3}));
        assertEquals("null|1|NDR32", new String(client.call(bound.get(0), ClientFixture.WHOAMI, new byte[0]),
                java.nio.charset.StandardCharsets.UTF_8), "unauthenticated: no user, LEVEL_NONE");
    }

    @Test
    void faultsCarryTheirStatusAndTheAssociationGoesOn() throws Exception {
        List<PresentationContext> bound = client.bind(List.of(Offer.of(ECHO, SyntaxId.NDR32),
                Offer.of(new SyntaxId(UUID.randomUUID(), 2, 0), SyntaxId.NDR32)));
        RpcFaultException range = assertThrows(RpcFaultException.class, () -> client.call(bound.get(0), 99, new byte[0]));
        assertEquals(FaultStatus.OP_RANGE_ERROR, range.status());
        RpcFaultException unknown = assertThrows(RpcFaultException.class,
                () -> client.call(bound.get(1), 0, new byte[0]), "a call on a rejected context");
        assertEquals(FaultStatus.UNKNOWN_INTERFACE, unknown.status());
        assertArrayEquals(new byte[] {2, 1}, client.call(bound.get(0), ClientFixture.REVERSE, new byte[] {1, 2}));
        assertEquals(List.of(FaultStatus.OP_RANGE_ERROR, FaultStatus.UNKNOWN_INTERFACE), fixture.faults);
    }

    @Test
    void largeStubsAreFragmentedBothWaysWithinTheNegotiatedSize() throws Exception {
        try (RecordingProxy proxy = new RecordingProxy(fixture.server.port());
             RpcClient small = RpcClient.connect(proxy.address(), RpcClientOptions.DEFAULT.withMaxFrag(256))) {
            PresentationContext ctx = small.bind(List.of(Offer.of(ECHO, SyntaxId.NDR32))).getFirst();
            assertEquals(256, small.maxXmitFrag());
            byte[] stub = new byte[5000];
            new Random(1).nextBytes(stub);
            byte[] reversed = small.call(ctx, ClientFixture.REVERSE, stub);
            for (int i = 0; i < stub.length; i++) {
                assertEquals(stub[stub.length - 1 - i], reversed[i]);
            }
            byte[] sized = small.call(ctx, ClientFixture.SIZED, u32(7000));
            assertEquals(7000, sized.length);
            assertEquals((byte) 6999, sized[6999]);

            List<Integer> up = RecordingProxy.fragmentLengths(proxy.sentToServer());
            List<Integer> down = RecordingProxy.fragmentLengths(proxy.sentToClient());
            assertTrue(up.stream().allMatch(n -> n <= 256), "requests within max_xmit_frag: " + up);
            assertTrue(down.stream().allMatch(n -> n <= 256), "responses within max_recv_frag: " + down);
            assertTrue(up.size() > 5000 / 256, up.size() + " request fragments");
            assertTrue(down.size() > 12000 / 256, down.size() + " response fragments");
        }
    }

    @Test
    void aHeldCallDoesNotHoldUpOthersAndAnswersAreMatchedByCallId() throws Exception {
        PresentationContext ctx = client.bind(List.of(Offer.of(ECHO, SyntaxId.NDR64))).getFirst();
        ClientCall held = client.start(ctx, ClientFixture.HELD, new byte[0]);
        List<ClientCall> calls = new java.util.ArrayList<>();
        for (int i = 0; i < 64; i++) {
            calls.add(client.start(ctx, ClientFixture.REVERSE, new byte[] {(byte) i, 1}));
        }
        for (int i = 0; i < calls.size(); i++) {
            assertArrayEquals(new byte[] {1, (byte) i}, calls.get(i).await(), "call " + calls.get(i).callId());
        }
        assertFalse(held.done(), "still held");
        fixture.release.countDown();
        assertArrayEquals(new byte[] {64}, held.await());
        assertEquals(65, calls.stream().map(ClientCall::callId).distinct().count() + 1, "distinct call ids");
    }

    @Test
    void cancelEndsAWaitingCallWithTheCancelFault() throws Exception {
        PresentationContext ctx = client.bind(List.of(Offer.of(ECHO, SyntaxId.NDR32))).getFirst();
        ClientCall waiting = client.start(ctx, ClientFixture.UNTIL_CANCELLED, new byte[0]);
        assertArrayEquals(new byte[] {5}, client.call(ctx, ClientFixture.REVERSE, new byte[] {5}));
        waiting.cancel();
        RpcFaultException f = assertThrows(RpcFaultException.class, waiting::await);
        assertEquals(FaultStatus.FAULT_CANCEL, f.status());
        ExecutionException viaFuture = assertThrows(ExecutionException.class, () -> waiting.result().get());
        assertInstanceOf(RpcFaultException.class, viaFuture.getCause());
        assertArrayEquals(new byte[] {6}, client.call(ctx, ClientFixture.REVERSE, new byte[] {6}));
    }

    @Test
    void aTimedOutCallIsOrphanedAndItsLateAnswerDropped() throws Exception {
        PresentationContext ctx = client.bind(List.of(Offer.of(ECHO, SyntaxId.NDR32))).getFirst();
        ClientCall slow = client.start(ctx, ClientFixture.UNTIL_CANCELLED, new byte[0]);
        long t0 = System.nanoTime();
        assertThrows(RpcTimeoutException.class, () -> slow.await(Duration.ofMillis(300)));
        assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) >= 250);
        assertThrows(ExecutionException.class, () -> slow.result().get());
        // The orphaned PDU ends the server's wait with a fault nobody waits for; the association goes on.
        assertArrayEquals(new byte[] {7}, client.call(ctx, ClientFixture.REVERSE, new byte[] {7}));
        assertTrue(client.isOpen());
    }

    @Test
    void alterContextAddsAContext() throws Exception {
        client.bind(List.of(Offer.of(ECHO, SyntaxId.NDR32)));
        PresentationContext added = client.alterContext(Offer.of(ECHO, SyntaxId.NDR64));
        assertTrue(added.accepted());
        assertEquals(1, added.contextId());
        fixture.release.countDown();
        assertArrayEquals(new byte[] {64}, client.call(added, ClientFixture.HELD, new byte[0]));
        PresentationContext refused = client.alterContext(Offer.of(new SyntaxId(UUID.randomUUID(), 1, 0), SyntaxId.NDR32));
        assertFalse(refused.accepted());
        assertEquals(3, client.contexts().size());
    }

    @Test
    void aServerThatNeverAnswersTheBindTimesOut() throws Exception {
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
             RpcClient mute = RpcClient.connect((java.net.InetSocketAddress) silent.getLocalSocketAddress(),
                     RpcClientOptions.DEFAULT.withCallTimeout(Duration.ofMillis(300)))) {
            assertThrows(RpcTimeoutException.class, () -> mute.bind(List.of(Offer.of(ECHO, SyntaxId.NDR32))));
        }
    }

    @Test
    void outstandingCallsFailWhenTheConnectionCloses() throws Exception {
        PresentationContext ctx = client.bind(List.of(Offer.of(ECHO, SyntaxId.NDR32))).getFirst();
        ClientCall held = client.start(ctx, ClientFixture.HELD, new byte[0]);
        fixture.server.close();
        IOException e = assertThrows(IOException.class, held::await);
        assertInstanceOf(EOFException.class, e, e.toString());
        assertFalse(client.isOpen());
        assertThrows(IOException.class, () -> client.start(ctx, 0, new byte[0]), "no calls on a closed connection");

        try (ClientFixture second = new ClientFixture().start();
             RpcClient other = RpcClient.connect(second.address(), RpcClientOptions.DEFAULT)) {
            PresentationContext c2 = other.bind(List.of(Offer.of(ECHO, SyntaxId.NDR32))).getFirst();
            ClientCall mine = other.start(c2, ClientFixture.HELD, new byte[0]);
            other.close();
            assertThrows(IOException.class, mine::await, "closed by the client");
        }
    }
}
