package dev.sambasidecars.witness.msrpce;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sambasidecars.witness.msrpce.Pdu.BindAckPdu;
import dev.sambasidecars.witness.msrpce.Pdu.ContextElement;
import dev.sambasidecars.witness.msrpce.Pdu.ContextResult;
import dev.sambasidecars.witness.ndr.NdrException;
import dev.sambasidecars.witness.ndr.NdrSyntax;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The engine on loopback TCP, driven PDU by PDU as a client would. */
class RpcServerTest {
    static final SyntaxId ECHO = new SyntaxId(UUID.fromString("12345678-1234-abcd-ef00-0123456789ab"), 1, 0);
    static final SyntaxId BTFN = new SyntaxId(UUID.fromString("6cb71c2c-9812-4540-0300-000000000000"), 1, 0);

    private RpcServer server;
    private final List<Integer> faults = new CopyOnWriteArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private final CountDownLatch rundown = new CountDownLatch(1);
    private Socket socket;
    private DataInputStream in;

    /**
     * opnum 0 echoes reversed; 1 waits for the test; 2 has a bad stub; 3 returns n bytes; 4 faults
     * ACCESS_DENIED; 5 waits for a result that never comes, until the client cancels.
     */
    final RpcInterface echo = new RpcInterface() {
        @Override
        public SyntaxId syntax() {
            return ECHO;
        }

        @Override
        public int opnumCount() {
            return 6;
        }

        @Override
        public byte[] invoke(CallContext call, int opnum, byte[] stub, NdrSyntax syntax)
                throws NdrException, RpcFaultException, InterruptedException {
            call.onClose(rundown::countDown);
            return switch (opnum) {
                case 0 -> {
                    byte[] out = new byte[stub.length];
                    for (int i = 0; i < stub.length; i++) {
                        out[i] = stub[stub.length - 1 - i];
                    }
                    yield out;
                }
                case 1 -> {
                    release.await();
                    yield new byte[] {(byte) (syntax == NdrSyntax.NDR64 ? 64 : 32)};
                }
                case 2 -> throw new NdrException("not what was expected");
                case 3 -> new byte[stub[0] & 0xff | (stub[1] & 0xff) << 8];
                case 5 -> {
                    try {
                        yield call.await(new java.util.concurrent.CompletableFuture<byte[]>(), Duration.ofSeconds(20));
                    } catch (java.util.concurrent.TimeoutException e) {
                        throw new RpcFaultException(FaultStatus.OTHER, "not cancelled in time");
                    }
                }
                default -> throw new RpcFaultException(FaultStatus.ACCESS_DENIED, "no");
            };
        }
    };

    @BeforeEach
    void start() throws IOException {
        server = RpcServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), List.of(echo),
                Duration.ofSeconds(2), faults::add, e -> { });
        socket = new Socket(InetAddress.getLoopbackAddress(), server.port());
        socket.setSoTimeout(5000);
        in = new DataInputStream(socket.getInputStream());
    }

    @AfterEach
    void stop() throws IOException {
        release.countDown();
        socket.close();
        server.close();
    }

    private void send(byte[] frag) throws IOException {
        socket.getOutputStream().write(frag);
    }

    private Pdu receive() throws Exception {
        byte[] head = new byte[16];
        in.readFully(head);
        int len = (head[8] & 0xff) | (head[9] & 0xff) << 8;
        byte[] frag = new byte[len];
        System.arraycopy(head, 0, frag, 0, 16);
        in.readFully(frag, 16, len - 16);
        return PduDecoder.decode(frag);
    }

    private BindAckPdu bind(int maxFrag, ContextElement... contexts) throws Exception {
        send(PduEncoder.bind(PduType.BIND, 1, 3, maxFrag, maxFrag, 0, List.of(contexts), null));
        return assertInstanceOf(BindAckPdu.class, receive());
    }

    private static ContextElement ctx(int id, SyntaxId abs, SyntaxId... ts) {
        return new ContextElement(id, abs, List.of(ts));
    }

    private byte[] call(int callId, int opnum, byte[] stub) throws Exception {
        send(PduEncoder.request(callId, 3, stub.length, 0, opnum, null, stub, null));
        Pdu.ResponsePdu r = assertInstanceOf(Pdu.ResponsePdu.class, receive());
        assertEquals(callId, r.header().callId());
        return r.stub();
    }

    @Test
    void bindNegotiatesContexts() throws Exception {
        BindAckPdu ack = bind(4280,
                ctx(0, ECHO, SyntaxId.NDR32, SyntaxId.NDR64),
                ctx(1, new SyntaxId(UUID.randomUUID(), 1, 0), SyntaxId.NDR32),
                ctx(2, ECHO, new SyntaxId(UUID.randomUUID(), 1, 0)),
                ctx(3, ECHO, BTFN));
        assertEquals(4280, ack.maxXmitFrag());
        assertEquals(Integer.toString(server.port()), ack.secondaryAddress());
        assertTrue(ack.assocGroupId() != 0, "a new association group");
        assertEquals(new ContextResult(ContextResult.ACCEPTANCE, 0, SyntaxId.NDR64), ack.results().get(0), "NDR64 preferred");
        assertEquals(ContextResult.ABSTRACT_SYNTAX_NOT_SUPPORTED, ack.results().get(1).reason());
        assertEquals(ContextResult.TRANSFER_SYNTAXES_NOT_SUPPORTED, ack.results().get(2).reason());
        assertEquals(ContextResult.NEGOTIATE_ACK, ack.results().get(3).result());
        assertEquals(2, ack.results().get(3).reason(), "keep connection on orphan only");
    }

    @Test
    void callsAreDispatchedAndFaultsCarryTheirStatus() throws Exception {
        bind(5840, ctx(0, ECHO, SyntaxId.NDR32));
        assertArrayEquals(new byte[] {3, 2, 1}, call(2, 0, new byte[] {1, 2, 3}));
        send(PduEncoder.request(3, 3, 0, 0, 9, null, new byte[0], null));
        assertEquals(FaultStatus.OP_RANGE_ERROR, assertInstanceOf(Pdu.FaultPdu.class, receive()).status());
        send(PduEncoder.request(4, 3, 0, 7, 0, null, new byte[0], null));
        assertEquals(FaultStatus.UNKNOWN_INTERFACE, assertInstanceOf(Pdu.FaultPdu.class, receive()).status());
        send(PduEncoder.request(5, 3, 0, 0, 2, null, new byte[0], null));
        assertEquals(FaultStatus.BAD_STUB_DATA, assertInstanceOf(Pdu.FaultPdu.class, receive()).status());
        send(PduEncoder.request(6, 3, 0, 0, 4, null, new byte[0], null));
        Pdu.FaultPdu denied = assertInstanceOf(Pdu.FaultPdu.class, receive());
        assertEquals(FaultStatus.ACCESS_DENIED, denied.status());
        assertEquals(6, denied.header().callId());
        assertEquals(List.of(FaultStatus.OP_RANGE_ERROR, FaultStatus.UNKNOWN_INTERFACE, FaultStatus.BAD_STUB_DATA,
                FaultStatus.ACCESS_DENIED), faults);
        assertArrayEquals(new byte[] {9}, call(7, 0, new byte[] {9}), "the association goes on after faults");
    }

    @Test
    void requestFragmentsAreReassembledAndLargeResponsesFragmented() throws Exception {
        bind(1024, ctx(0, ECHO, SyntaxId.NDR32));
        byte[] part1 = {1, 2};
        byte[] part2 = {3};
        byte[] part3 = {4, 5};
        send(PduEncoder.request(8, PduType.FIRST_FRAG, 5, 0, 0, null, part1, null));
        send(PduEncoder.request(8, 0, 3, 0, 0, null, part2, null));
        send(PduEncoder.request(8, PduType.LAST_FRAG, 2, 0, 0, null, part3, null));
        assertArrayEquals(new byte[] {5, 4, 3, 2, 1}, assertInstanceOf(Pdu.ResponsePdu.class, receive()).stub());

        int size = 5000;
        send(PduEncoder.request(9, 3, 2, 0, 3, null, new byte[] {(byte) size, (byte) (size >> 8)}, null));
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        int frags = 0;
        Pdu.ResponsePdu r;
        do {
            r = assertInstanceOf(Pdu.ResponsePdu.class, receive());
            assertTrue(r.header().fragLength() <= 1024, "within max_xmit_frag");
            assertEquals(frags == 0, r.header().has(PduType.FIRST_FRAG));
            all.writeBytes(r.stub());
            frags++;
        } while (!r.header().has(PduType.LAST_FRAG));
        assertEquals(size, all.size());
        assertTrue(frags >= 5, frags + " fragments");
    }

    @Test
    void aHeldCallDoesNotBlockTheNextOne() throws Exception {
        bind(5840, ctx(0, ECHO, SyntaxId.NDR64));
        send(PduEncoder.request(10, 3, 0, 0, 1, null, new byte[0], null));
        assertArrayEquals(new byte[] {7}, call(11, 0, new byte[] {7}), "answered while call 10 is held");
        release.countDown();
        Pdu.ResponsePdu held = assertInstanceOf(Pdu.ResponsePdu.class, receive());
        assertEquals(10, held.header().callId());
        assertArrayEquals(new byte[] {64}, held.stub(), "the held call ran with NDR64");
    }

    @Test
    void malformedPduClosesTheAssociationAndRunsDownItsState() throws Exception {
        bind(5840, ctx(0, ECHO, SyntaxId.NDR32));
        call(12, 0, new byte[] {1});
        byte[] bad = PduEncoder.request(13, 3, 0, 0, 0, null, new byte[] {1}, null);
        bad[0] = 4;
        send(bad);
        org.junit.jupiter.api.Assertions.assertThrows(EOFException.class, () -> in.readByte());
        assertTrue(rundown.await(5, TimeUnit.SECONDS), "context state of the association was run down");
    }

    @Test
    void requestBeforeBindClosesTheConnection() throws Exception {
        send(PduEncoder.request(1, 3, 0, 0, 0, null, new byte[0], null));
        org.junit.jupiter.api.Assertions.assertThrows(EOFException.class, () -> in.readByte());
    }

    @Test
    void idlePeersAreTimedOut() throws Exception {
        bind(5840, ctx(0, ECHO, SyntaxId.NDR32));
        long t0 = System.nanoTime();
        org.junit.jupiter.api.Assertions.assertThrows(EOFException.class, () -> in.readByte());
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertTrue(ms >= 1500 && ms < 4900, "closed after the 2 s idle timeout, not before: " + ms);
    }

    @Test
    void coCancelEndsAWaitingCallWithTheCancelFaultAndOrphanedWithServerUnavailable() throws Exception {
        bind(5840, ctx(0, ECHO, SyntaxId.NDR32));
        send(PduEncoder.request(20, 3, 0, 0, 5, null, new byte[0], null));
        send(PduEncoder.request(21, 3, 0, 0, 5, null, new byte[0], null));
        assertArrayEquals(new byte[] {1}, call(22, 0, new byte[] {1}), "other calls go on while two wait");
        send(PduEncoder.control(PduType.CO_CANCEL, 21));
        Pdu.FaultPdu cancelled = assertInstanceOf(Pdu.FaultPdu.class, receive());
        assertEquals(21, cancelled.header().callId());
        assertEquals(FaultStatus.FAULT_CANCEL, cancelled.status());
        send(PduEncoder.control(PduType.ORPHANED, 20));
        Pdu.FaultPdu orphaned = assertInstanceOf(Pdu.FaultPdu.class, receive());
        assertEquals(20, orphaned.header().callId());
        assertEquals(FaultStatus.SERVER_UNAVAILABLE, orphaned.status());
        send(PduEncoder.control(PduType.CO_CANCEL, 99));
        assertArrayEquals(new byte[] {2}, call(23, 0, new byte[] {2}), "a cancel for an unknown call is ignored");
    }

    @Test
    void coCancelBetweenFragmentsIsRememberedAndTheCallStillArrives() throws Exception {
        bind(5840, ctx(0, ECHO, SyntaxId.NDR32));
        send(PduEncoder.request(30, PduType.FIRST_FRAG, 2, 0, 5, null, new byte[] {1}, null));
        send(PduEncoder.control(PduType.CO_CANCEL, 30));
        send(PduEncoder.request(30, PduType.LAST_FRAG, 1, 0, 5, null, new byte[] {2}, null));
        Pdu.FaultPdu f = assertInstanceOf(Pdu.FaultPdu.class, receive());
        assertEquals(30, f.header().callId());
        assertEquals(FaultStatus.FAULT_CANCEL, f.status(), "dispatched already cancelled");
        assertArrayEquals(new byte[] {3}, call(31, 0, new byte[] {3}));
    }

    @Test
    void anOutstandingCallKeepsTheAssociationPastTheIdleTimeout() throws Exception {
        bind(5840, ctx(0, ECHO, SyntaxId.NDR32));
        send(PduEncoder.request(40, 3, 0, 0, 1, null, new byte[0], null));
        Thread.sleep(3500);
        release.countDown();
        Pdu.ResponsePdu held = assertInstanceOf(Pdu.ResponsePdu.class, receive());
        assertEquals(40, held.header().callId(), "answered after 3.5 s of silence with a 2 s idle timeout");
        long t0 = System.nanoTime();
        org.junit.jupiter.api.Assertions.assertThrows(EOFException.class, () -> in.readByte());
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertTrue(ms < 4900, "idle again once nothing is outstanding: closed after " + ms + " ms");
    }
}
