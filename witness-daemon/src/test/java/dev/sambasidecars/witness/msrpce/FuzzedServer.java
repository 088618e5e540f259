package dev.sambasidecars.witness.msrpce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sambasidecars.witness.epm.EndpointMapper;
import dev.sambasidecars.witness.msnlmp.NtlmFuzzFixtures;
import dev.sambasidecars.witness.msnlmp.NtlmRpcSecurity;
import dev.sambasidecars.witness.msswn.InterfaceInfo;
import dev.sambasidecars.witness.msswn.WitnessInterface;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The server {@link AssociationFuzzTest} feeds: a real {@link RpcServer} (listening on loopback)
 * with the endpoint mapper, the witness interface (open to unauthenticated callers, so fuzzed
 * calls reach its stub) and NTLMSSP with the deterministic {@link NtlmFuzzFixtures}, whose
 * associations run here over in-memory connections, one per client stream.
 */
final class FuzzedServer implements AutoCloseable {
    /** How long a client waits for its calls to be answered before it hangs up regardless. */
    static final long ANSWER_MILLIS = 5000;

    final RpcServer server;

    FuzzedServer() throws IOException {
        List<InterfaceInfo> nodes = List.of(
                new InterfaceInfo("NODE1", -1, InterfaceInfo.STATE_AVAILABLE, InetAddress.getByName("192.0.2.1"), true),
                new InterfaceInfo("NODE2", -1, InterfaceInfo.STATE_UNAVAILABLE, InetAddress.getByName("2001:db8::2"),
                        false));
        List<RpcInterface> served = List.of(
                new WatchedInterface(new EndpointMapper(List.of(new EndpointMapper.Endpoint(WitnessInterface.SYNTAX,
                        49152)))),
                new WatchedInterface(new WitnessInterface(call -> nodes,
                        dev.sambasidecars.witness.ndr.FuzzServices.witness(), AuthTrailer.LEVEL_NONE)));
        server = RpcServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), served,
                Duration.ofSeconds(30), status -> { }, error -> { })
                .withSecurity(AuthTrailer.TYPE_NTLMSSP,
                        () -> new NtlmRpcSecurity(NtlmFuzzFixtures.config(), NtlmFuzzFixtures.credentials()));
    }

    /**
     * Runs one association on what a client {@code sent}, then checks that it closed its
     * connection, finished its calls, let no untyped exception out of a stub and was released by
     * the server. Returns what the server wrote. An untyped exception from the association itself
     * propagates.
     */
    byte[] serve(byte[] sent) throws Exception {
        AtomicReference<Association> association = new AtomicReference<>();
        MemoryConnection c = new MemoryConnection(sent, () -> association.get().runningCalls() == 0, ANSWER_MILLIS);
        association.set(server.serve(c));
        association.get().run();
        assertTrue(c.closed(), "the association ended without closing its connection");
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ANSWER_MILLIS);
        while (association.get().runningCalls() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertEquals(0, association.get().runningCalls(), "calls still running " + ANSWER_MILLIS + " ms after close");
        WatchedInterface.rethrowEscaped();
        assertEquals(0, server.associations(), "the server still holds the closed association");
        return c.written();
    }

    /** The server's output split into fragments, each of which must decode. */
    static List<Pdu> pdus(byte[] written) throws IOException {
        FragmentReader reader = new FragmentReader(new ByteArrayInputStream(written));
        List<Pdu> pdus = new ArrayList<>();
        while (true) {
            try {
                pdus.add(PduDecoder.decode(reader.next(0xffff)));
            } catch (EOFException end) {
                return pdus;
            } catch (RpcProtocolException e) {
                throw new AssertionError("the server sent a malformed PDU: " + e.getMessage(), e);
            }
        }
    }

    int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.close();
    }
}
