package dev.sambasidecars.witness.msrpce;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What an association holds for calls in reassembly is bounded: at most
 * {@link Reassembly#MAX_CALLS} calls and {@link Reassembly#MAX_BYTES} bytes for all
 * of them together. Before, each call was bounded but their number was not, so a client could
 * open calls with empty first fragments, or many 4 MiB ones, without end.
 */
class ReassemblyLimitsTest {
    private static FuzzedServer server;

    @BeforeAll
    static void start() throws IOException {
        server = new FuzzedServer();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static byte[] firstFragment(int callId, int size) {
        return PduEncoder.request(callId, PduType.FIRST_FRAG, size, 1, 0, null, new byte[size], null);
    }

    /** bind, then {@code rest}, then a complete GetInterfaceList call 100. */
    static byte[] stream(byte[] rest) {
        ByteArrayOutputStream in = new ByteArrayOutputStream();
        in.writeBytes(AssociationSeeds.bind(AssociationSeeds.NDR32_CONTEXTS));
        in.writeBytes(rest);
        in.writeBytes(PduEncoder.request(100, PduType.FIRST_FRAG | PduType.LAST_FRAG, 0, 1, 0, null, new byte[0], null));
        return in.toByteArray();
    }

    /** {@code n} calls opened by an empty first fragment each, never finished (the regression input has 9). */
    static byte[] openCalls(int n) {
        ByteArrayOutputStream calls = new ByteArrayOutputStream();
        for (int id = 1; id <= n; id++) {
            calls.writeBytes(firstFragment(id, 0));
        }
        return stream(calls.toByteArray());
    }

    @Test
    void theNumberOfCallsInReassemblyIsBounded() throws Exception {
        assertEquals(2, FuzzedServer.pdus(server.serve(openCalls(Reassembly.MAX_CALLS))).size(),
                "bind_ack and the complete call's response");
        List<Pdu> answers = FuzzedServer.pdus(server.serve(openCalls(Reassembly.MAX_CALLS + 1)));
        assertEquals(1, answers.size(), "only the bind is answered: the association closes");
        assertInstanceOf(Pdu.BindAckPdu.class, answers.getFirst());
        assertArrayEquals(openCalls(Reassembly.MAX_CALLS + 1), regressionInput(),
                "the committed regression input");
    }

    @Test
    void theBytesOfAllCallsInReassemblyAreBounded() throws Exception {
        ByteArrayOutputStream calls = new ByteArrayOutputStream();
        int chunk = 4096;
        int perCall = Reassembly.MAX_BYTES / 2 + chunk;
        for (int id = 1; id <= 2; id++) {
            calls.writeBytes(firstFragment(id, chunk));
            for (int sent = chunk; sent < perCall; sent += chunk) {
                calls.writeBytes(PduEncoder.request(id, 0, chunk, 1, 0, null, new byte[chunk], null));
            }
        }
        List<Pdu> answers = FuzzedServer.pdus(server.serve(stream(calls.toByteArray())));
        assertEquals(1, answers.size(), "two calls just over half the limit each: the association closes");
    }

    private static byte[] regressionInput() throws IOException {
        try (InputStream in = ReassemblyLimitsTest.class.getResourceAsStream(
                "AssociationFuzzTestInputs/clientStream/regression-many-calls-in-reassembly")) {
            return in == null ? new byte[0] : in.readAllBytes();
        }
    }
}
