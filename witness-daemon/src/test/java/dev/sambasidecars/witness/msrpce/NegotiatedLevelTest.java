package dev.sambasidecars.witness.msrpce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A client may bind at integrity or privacy and then leave SIGN or SEAL out of the flags of its
 * MIC-less AUTHENTICATE, which nothing else covers: its first request gets a fault and the
 * association closes (the fuzz regression inputs, replayed here for their outcome).
 */
class NegotiatedLevelTest {

    private static byte[] input(String name) throws IOException {
        try (InputStream in = NegotiatedLevelTest.class.getResourceAsStream(
                "AssociationFuzzTestInputs/clientStream/" + name)) {
            return in.readAllBytes();
        }
    }

    @Test
    void requestsAboveTheNegotiatedFlagsAreRefused() throws Exception {
        try (FuzzedServer server = new FuzzedServer()) {
            for (String name : new String[] {"regression-integrity-without-sign-negotiated",
                "regression-privacy-without-seal-negotiated"}) {
                List<Pdu> answers = FuzzedServer.pdus(server.serve(input(name)));
                assertInstanceOf(Pdu.BindAckPdu.class, answers.getFirst(), name);
                Pdu.FaultPdu fault = assertInstanceOf(Pdu.FaultPdu.class, answers.getLast(), name);
                assertEquals(FaultStatus.SECURITY_PACKAGE_ERROR, fault.status(), name);
                assertEquals(2, answers.size(), name + ": closed after the fault");
            }
        }
    }
}
