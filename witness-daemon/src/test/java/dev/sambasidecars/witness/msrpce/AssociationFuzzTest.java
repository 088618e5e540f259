package dev.sambasidecars.witness.msrpce;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.api.SilentCloseable;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sambasidecars.witness.fuzz.FuzzRun;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Fuzzes a whole association: the input is what a client sends on one connection, served by a
 * real {@link RpcServer}'s association code (over in-memory streams, so each input is one
 * connection) with the endpoint mapper, the witness interface and NTLMSSP security. Checks that
 * nothing but the association's typed errors escapes it or the stubs it dispatches to; that it
 * answers and closes within a bound (the client hangs up once its calls are answered); that
 * every byte it wrote is a well-formed PDU; that it releases the association; and that the server
 * then answers a well-formed bind on a fresh connection. After the run, the server must still
 * answer a bind over its real TCP listener.
 */
class AssociationFuzzTest {
    @RegisterExtension
    static final FuzzRun RUN = new FuzzRun();

    private static FuzzedServer server;

    @BeforeAll
    static void start() throws IOException {
        server = new FuzzedServer();
    }

    @AfterAll
    static void stillServesOverTcp() throws Exception {
        try (SilentCloseable loopback = BugDetectors.allowNetworkConnections(
                (host, port) -> port == server.port());
             Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            s.setSoTimeout(5000);
            s.getOutputStream().write(AssociationSeeds.bind(AssociationSeeds.NDR32_CONTEXTS));
            DataInputStream in = new DataInputStream(s.getInputStream());
            byte[] head = new byte[PduHeader.SIZE];
            in.readFully(head);
            byte[] frag = new byte[(head[8] & 0xff) | (head[9] & 0xff) << 8];
            System.arraycopy(head, 0, frag, 0, head.length);
            in.readFully(frag, head.length, frag.length - head.length);
            assertInstanceOf(Pdu.BindAckPdu.class, PduDecoder.decode(frag), "bind over TCP after fuzzing");
        } finally {
            server.close();
        }
    }

    @FuzzTest
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void clientStream(byte[] data) throws Exception {
        RUN.input();
        FuzzedServer.pdus(server.serve(data));
        List<Pdu> answer = FuzzedServer.pdus(server.serve(AssociationSeeds.bind(AssociationSeeds.NDR32_CONTEXTS)));
        assertTrue(!answer.isEmpty() && answer.getFirst() instanceof Pdu.BindAckPdu,
                "a well-formed bind after the input got " + answer);
    }
}
