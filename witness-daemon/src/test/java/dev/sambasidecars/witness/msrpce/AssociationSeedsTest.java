package dev.sambasidecars.witness.msrpce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The association seeds are what they claim: each stream is served without a fault, a bind_nak
 * or a closed association before its last call, so the fuzzer starts from inputs that reach
 * every stub and every authentication level.
 */
class AssociationSeedsTest {
    private static FuzzedServer server;

    @BeforeAll
    static void start() throws Exception {
        server = new FuzzedServer();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void everySeedStreamIsAnsweredWithoutAFault() throws Exception {
        for (Map.Entry<String, byte[]> seed : AssociationSeeds.streams().entrySet()) {
            List<Pdu> sent = FuzzedServer.pdus(seed.getValue());
            List<Pdu> answers = FuzzedServer.pdus(server.serve(seed.getValue()));
            assertFalse(answers.isEmpty(), seed.getKey());
            assertInstanceOf(Pdu.BindAckPdu.class, answers.getFirst(), seed.getKey());
            for (Pdu p : answers) {
                assertFalse(p instanceof Pdu.FaultPdu || p instanceof Pdu.BindNakPdu, seed.getKey() + ": " + p);
            }
            long calls = sent.stream().filter(p -> p instanceof Pdu.RequestPdu r && r.header().has(PduType.LAST_FRAG))
                    .count();
            assertEquals(calls, answers.stream().filter(p -> p instanceof Pdu.ResponsePdu).count(),
                    seed.getKey() + ": every call answered");
        }
    }
}
