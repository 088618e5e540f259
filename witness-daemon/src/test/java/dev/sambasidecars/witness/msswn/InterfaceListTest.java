package dev.sambasidecars.witness.msswn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.sambasidecars.witness.msrpce.AuthTrailer;
import dev.sambasidecars.witness.msrpce.FaultStatus;
import dev.sambasidecars.witness.msrpce.Pdu;
import dev.sambasidecars.witness.msrpce.RpcServer;
import dev.sambasidecars.witness.msrpce.TestSession;
import dev.sambasidecars.witness.ndr.NdrSyntax;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** GetInterfaceList's wait while no interface is AVAILABLE (MS-SWN 3.1.4.1), over the engine on loopback. */
class InterfaceListTest {
    static final InetAddress IP1 = InetAddress.ofLiteral("10.0.0.101");
    static final InetAddress IP2 = InetAddress.ofLiteral("fd00::102");

    private final InterfaceList interfaces = new InterfaceList();
    private RpcServer server;

    @BeforeEach
    void start() throws Exception {
        server = RpcServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                List.of(new WitnessInterface(interfaces, null, AuthTrailer.LEVEL_NONE)), Duration.ofSeconds(30),
                s -> { }, e -> { });
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static List<InterfaceInfo> list(int state1, int state2) {
        return List.of(new InterfaceInfo("SOFS", InterfaceInfo.WITNESS_V2, state1, IP1, false),
                new InterfaceInfo("SOFS", InterfaceInfo.WITNESS_V2, state2, IP2, true));
    }

    private static GetInterfaceList.Result answer(Pdu p, NdrSyntax x) throws Exception {
        return GetInterfaceList.decodeResponse(TestSession.stub(p), x);
    }

    private void awaitWaiting(int n) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (interfaces.waiting() != n && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(n, interfaces.waiting());
    }

    @Test
    void anEmptyListFailsAtOnceAndAnAvailableEntryAnswersAtOnce() throws Exception {
        for (NdrSyntax x : NdrSyntax.values()) {
            interfaces.set(List.of());
            try (TestSession s = new TestSession(server.port(), WitnessInterface.SYNTAX, x)) {
                GetInterfaceList.Result empty = answer(s.call(GetInterfaceList.OPNUM, new byte[0]), x);
                assertEquals(GetInterfaceList.ERROR_NO_MORE_ITEMS, empty.status());
                interfaces.set(list(InterfaceInfo.STATE_UNAVAILABLE, InterfaceInfo.STATE_AVAILABLE));
                GetInterfaceList.Result one = answer(s.call(GetInterfaceList.OPNUM, new byte[0]), x);
                assertEquals(0, one.status());
                assertEquals(list(InterfaceInfo.STATE_UNAVAILABLE, InterfaceInfo.STATE_AVAILABLE), one.interfaces());
            }
        }
    }

    @Test
    void aListWithNothingAvailableWaitsUntilAnEntryIsAvailable() throws Exception {
        for (NdrSyntax x : NdrSyntax.values()) {
            interfaces.set(list(InterfaceInfo.STATE_UNAVAILABLE, InterfaceInfo.STATE_UNAVAILABLE));
            try (TestSession s = new TestSession(server.port(), WitnessInterface.SYNTAX, x)) {
                s.send(GetInterfaceList.OPNUM, new byte[0]);
                awaitWaiting(1);
                // A change that leaves everything UNAVAILABLE (or UNKNOWN) does not answer it.
                interfaces.set(list(0, InterfaceInfo.STATE_UNAVAILABLE));
                Thread.sleep(100);
                assertEquals(1, interfaces.waiting());
                interfaces.set(list(InterfaceInfo.STATE_AVAILABLE, InterfaceInfo.STATE_UNAVAILABLE));
                GetInterfaceList.Result r = answer(s.read(), x);
                assertEquals(0, r.status());
                assertEquals(list(InterfaceInfo.STATE_AVAILABLE, InterfaceInfo.STATE_UNAVAILABLE), r.interfaces());
                awaitWaiting(0);
            }
        }
    }

    @Test
    void aWaitingCallEndsWithTheCancelFaultOrWhenItsConnectionCloses() throws Exception {
        interfaces.set(list(InterfaceInfo.STATE_UNAVAILABLE, InterfaceInfo.STATE_UNAVAILABLE));
        try (TestSession s = new TestSession(server.port(), WitnessInterface.SYNTAX, NdrSyntax.NDR32)) {
            int callId = s.send(GetInterfaceList.OPNUM, new byte[0]);
            awaitWaiting(1);
            s.cancel(callId);
            Pdu.FaultPdu fault = assertInstanceOf(Pdu.FaultPdu.class, s.read());
            assertEquals(FaultStatus.FAULT_CANCEL, fault.status());
            awaitWaiting(0);
            s.send(GetInterfaceList.OPNUM, new byte[0]);
            awaitWaiting(1);
        }
        awaitWaiting(0);
    }

    @Test
    void aListThatBecomesEmptyAnswersTheWaitersWithNoMoreItems() throws Exception {
        interfaces.set(list(InterfaceInfo.STATE_UNAVAILABLE, InterfaceInfo.STATE_UNAVAILABLE));
        try (TestSession s = new TestSession(server.port(), WitnessInterface.SYNTAX, NdrSyntax.NDR64)) {
            s.send(GetInterfaceList.OPNUM, new byte[0]);
            awaitWaiting(1);
            interfaces.set(List.of());
            assertEquals(GetInterfaceList.ERROR_NO_MORE_ITEMS, answer(s.read(), NdrSyntax.NDR64).status());
        }
    }
}
