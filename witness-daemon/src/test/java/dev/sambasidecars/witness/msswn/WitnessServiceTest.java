package dev.sambasidecars.witness.msswn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sambasidecars.witness.msrpce.AuthTrailer;
import dev.sambasidecars.witness.msrpce.FaultStatus;
import dev.sambasidecars.witness.msrpce.Pdu;
import dev.sambasidecars.witness.msrpce.RpcServer;
import dev.sambasidecars.witness.msrpce.TestSession;
import dev.sambasidecars.witness.msswn.Notification.ResourceChange;
import dev.sambasidecars.witness.msswn.WitnessStubs.RegisterArgs;
import dev.sambasidecars.witness.ndr.ContextHandle;
import dev.sambasidecars.witness.ndr.NdrReader;
import dev.sambasidecars.witness.ndr.NdrSyntax;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Witness service over the engine on loopback, driven as a client would, in NDR32 and NDR64. */
class WitnessServiceTest {
    static final InetAddress IP1 = InetAddress.ofLiteral("10.0.0.101");
    static final InetAddress IP2 = InetAddress.ofLiteral("10.0.0.102");

    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
    private WitnessService service;
    private RpcServer server;

    @BeforeEach
    void start() throws Exception {
        List<InterfaceInfo> list = List.of(new InterfaceInfo("SOFS", InterfaceInfo.WITNESS_V2, 1, IP1, false),
                new InterfaceInfo("SOFS", InterfaceInfo.WITNESS_V2, 1, IP2, true));
        service = new WitnessService(new WitnessService.Settings(Set.of("sofs", "sofs.example.test"),
                s -> s.equalsIgnoreCase("data"), Duration.ofMillis(300), Duration.ofSeconds(2)),
                () -> list, new WitnessService.Listener() { }, timers);
        server = RpcServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                List.of(new WitnessInterface(call -> list, service, AuthTrailer.LEVEL_NONE)), Duration.ofSeconds(30),
                s -> { }, e -> { });
    }

    @AfterEach
    void stop() {
        server.close();
        timers.shutdownNow();
    }

    private TestSession session(NdrSyntax syntax) throws Exception {
        return new TestSession(server.port(), WitnessInterface.SYNTAX, syntax);
    }

    private static WitnessService.RegisterResult register(TestSession s, NdrSyntax syntax, RegisterArgs a) throws Exception {
        int op = a.ex() ? WitnessInterface.REGISTER_EX : WitnessInterface.REGISTER;
        NdrReader r = new NdrReader(TestSession.stub(s.call(op, WitnessStubs.writeRegister(a, syntax))), syntax);
        ContextHandle h = ContextHandle.read(r);
        int status = r.u32("WERROR");
        r.end();
        return new WitnessService.RegisterResult(h, status);
    }

    private static WitnessStubs.NotifyReply notifyReply(Pdu p, NdrSyntax syntax) throws Exception {
        return WitnessStubs.readAsyncNotifyReply(new NdrReader(TestSession.stub(p), syntax));
    }

    @Test
    void registrationChecksFollowTheSpecsOrder() throws Exception {
        try (TestSession s = session(NdrSyntax.NDR32)) {
            NdrSyntax x = NdrSyntax.NDR32;
            assertEquals(WitnessErrors.REVISION_MISMATCH, register(s, x, RegisterArgs.register(WitnessVersion.V2, "SOFS", "10.0.0.101", "c")).status());
            assertEquals(WitnessErrors.REVISION_MISMATCH, register(s, x, RegisterArgs.registerEx(WitnessVersion.V1, "SOFS", null, "10.0.0.101", "c", 0, 0)).status());
            assertEquals(WitnessErrors.INVALID_PARAMETER, register(s, x, RegisterArgs.register(WitnessVersion.V1, null, "10.0.0.101", "c")).status());
            assertEquals(WitnessErrors.INVALID_PARAMETER, register(s, x, RegisterArgs.register(WitnessVersion.V1, "", "10.0.0.101", "c")).status());
            assertEquals(WitnessErrors.INVALID_PARAMETER, register(s, x, RegisterArgs.register(WitnessVersion.V1, "OTHER", "10.0.0.101", "c")).status());
            assertEquals(WitnessErrors.INVALID_STATE, register(s, x, RegisterArgs.register(WitnessVersion.V1, "SOFS", "10.0.0.99", "c")).status());
            assertEquals(WitnessErrors.INVALID_STATE, register(s, x, RegisterArgs.register(WitnessVersion.V1, "SOFS", "not-an-ip", "c")).status());
            assertEquals(WitnessErrors.INVALID_STATE, register(s, x, RegisterArgs.registerEx(WitnessVersion.V2, "SOFS", "nosuch", "10.0.0.101", "c", 0, 0)).status());
            WitnessService.RegisterResult ok = register(s, x, RegisterArgs.registerEx(WitnessVersion.V2, "sofs.example.test", "DATA", "10.0.0.101", "c", 0, 0));
            assertEquals(WitnessErrors.OK, ok.status());
            assertTrue(!ok.handle().isNull());
            assertEquals(WitnessErrors.OK, register(s, x, RegisterArgs.register(WitnessVersion.V1, "sofs.other.domain", "10.0.0.102", "c")).status(),
                    "a DNS name whose first label is the NetBIOS name");
            assertEquals(2, service.registrations().size());
        }
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!service.registrations().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(0, service.registrations().size(), "a closed connection drops its registrations");
    }

    @Test
    void queuedNotificationsComeInOrderAndAWaitingCallIsAnswered() throws Exception {
        for (NdrSyntax x : NdrSyntax.values()) {
            try (TestSession s = session(x)) {
                ContextHandle h = register(s, x, RegisterArgs.registerEx(WitnessVersion.V2, "SOFS", null, "10.0.0.101", "c", 0, 0)).handle();
                Instant t = Instant.now();
                service.notify(r -> r.info().ip().equals(IP1), r -> new Registration.Response(
                        List.of(new ResourceChange(ResourceChange.UNAVAILABLE, "10.0.0.101")), 0, t));
                service.notify(r -> r.info().ip().equals(IP1), r -> new Registration.Response(
                        List.of(new ResourceChange(ResourceChange.AVAILABLE, "10.0.0.101")), 0, t));
                byte[] handle = WitnessStubs.writeHandle(h, x);
                assertEquals(List.of(new ResourceChange(ResourceChange.UNAVAILABLE, "10.0.0.101")),
                        notifyReply(s.call(WitnessInterface.ASYNC_NOTIFY, handle), x).messages());
                assertEquals(List.of(new ResourceChange(ResourceChange.AVAILABLE, "10.0.0.101")),
                        notifyReply(s.call(WitnessInterface.ASYNC_NOTIFY, handle), x).messages());
                s.send(WitnessInterface.ASYNC_NOTIFY, handle);
                Thread.sleep(100);
                assertEquals(1, service.pending());
                service.notify(r -> true, r -> new Registration.Response(List.of(new Notification.AddressList(
                        Notification.CLIENT_MOVE, List.of(Notification.IpAddr.online(IP2)))), 0, Instant.now()));
                WitnessStubs.NotifyReply move = notifyReply(s.read(), x);
                assertEquals(Notification.CLIENT_MOVE, move.type());
                Thread.sleep(600);
                assertEquals(WitnessErrors.NOT_FOUND, notifyReply(s.call(WitnessInterface.ASYNC_NOTIFY, handle), x).status(),
                        "force-ended after being told to go elsewhere");
            }
        }
    }

    @Test
    void keepAliveTimeoutAnswersTimeout() throws Exception {
        try (TestSession s = session(NdrSyntax.NDR64)) {
            ContextHandle h = register(s, NdrSyntax.NDR64,
                    RegisterArgs.registerEx(WitnessVersion.V2, "SOFS", null, "10.0.0.101", "c", 0, 1)).handle();
            long t0 = System.nanoTime();
            WitnessStubs.NotifyReply r = notifyReply(s.call(WitnessInterface.ASYNC_NOTIFY, WitnessStubs.writeHandle(h, NdrSyntax.NDR64)), NdrSyntax.NDR64);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(WitnessErrors.TIMEOUT, r.status());
            assertTrue(ms >= 900 && ms < 5000, ms + " ms");
            assertEquals(1, service.registrations().size(), "a timeout does not end the registration");
        }
    }

    @Test
    void unregisterCompletesAPendingCallWithNotFound() throws Exception {
        try (TestSession a = session(NdrSyntax.NDR32); TestSession b = session(NdrSyntax.NDR32)) {
            ContextHandle h = register(a, NdrSyntax.NDR32, RegisterArgs.register(WitnessVersion.V1, "SOFS", "10.0.0.101", "c")).handle();
            byte[] handle = WitnessStubs.writeHandle(h, NdrSyntax.NDR32);
            a.send(WitnessInterface.ASYNC_NOTIFY, handle);
            Thread.sleep(100);
            assertEquals(WitnessErrors.OK, new NdrReader(TestSession.stub(b.call(WitnessInterface.UNREGISTER, handle)), NdrSyntax.NDR32).u32("WERROR"),
                    "the same (here anonymous) user may unregister from another connection");
            assertEquals(WitnessErrors.NOT_FOUND, notifyReply(a.read(), NdrSyntax.NDR32).status());
            assertEquals(WitnessErrors.INVALID_PARAMETER, new NdrReader(TestSession.stub(b.call(WitnessInterface.UNREGISTER, handle)), NdrSyntax.NDR32).u32("WERROR"),
                    "an unknown handle");
            NdrReader ex = new NdrReader(TestSession.stub(b.call(WitnessInterface.UNREGISTER_EX, handle)), NdrSyntax.NDR32);
            assertTrue(ContextHandle.read(ex).isNull());
            assertEquals(WitnessErrors.INVALID_PARAMETER, ex.u32("WERROR"));
        }
    }

    @Test
    void cancelledAsyncNotifyFaultsAndLosesNothing() throws Exception {
        try (TestSession s = session(NdrSyntax.NDR32)) {
            ContextHandle h = register(s, NdrSyntax.NDR32, RegisterArgs.register(WitnessVersion.V1, "SOFS", "10.0.0.101", "c")).handle();
            byte[] handle = WitnessStubs.writeHandle(h, NdrSyntax.NDR32);
            int id = s.send(WitnessInterface.ASYNC_NOTIFY, handle);
            Thread.sleep(100);
            s.cancel(id);
            assertEquals(FaultStatus.FAULT_CANCEL, assertInstanceOf(Pdu.FaultPdu.class, s.read()).status());
            service.notify(r -> true, r -> new Registration.Response(
                    List.of(new ResourceChange(ResourceChange.UNAVAILABLE, "x")), 0, Instant.now()));
            assertEquals(1, notifyReply(s.call(WitnessInterface.ASYNC_NOTIFY, handle), NdrSyntax.NDR32).messages().size());
        }
    }

    @Test
    void unusedRegistrationsExpire() throws Exception {
        try (TestSession s = session(NdrSyntax.NDR32)) {
            register(s, NdrSyntax.NDR32, RegisterArgs.register(WitnessVersion.V1, "SOFS", "10.0.0.101", "c"));
            assertEquals(1, service.registrations().size());
            long deadline = System.nanoTime() + 8_000_000_000L;
            while (!service.registrations().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertEquals(0, service.registrations().size(), "no AsyncNotify within the 2 s unused timeout");
        }
    }
}
