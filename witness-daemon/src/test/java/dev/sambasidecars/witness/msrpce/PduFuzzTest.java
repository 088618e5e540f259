package dev.sambasidecars.witness.msrpce;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sambasidecars.witness.fuzz.FuzzOracle;
import dev.sambasidecars.witness.fuzz.FuzzRun;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Fuzzes the PDU codec with arbitrary bytes taken as one fragment and as a connection's stream.
 * Checks that {@link PduDecoder#decode} (header, auth trailer, every PDU body),
 * {@link FragmentReader} splitting a stream by frag_length and {@link VerificationTrailer#strip}
 * (on request stubs and on the raw bytes) fail only with {@link RpcProtocolException} and its
 * subclasses; that a stripped stub is a prefix of the stub; and that a bind or request that
 * decodes re-encodes with {@link PduEncoder} to a PDU that decodes to the same contents.
 */
class PduFuzzTest {
    @RegisterExtension
    static final FuzzRun RUN = new FuzzRun();

    @FuzzTest
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void fragment(byte[] data) throws Exception {
        RUN.input();
        FuzzOracle.expectTyped(() -> decode(data));
        FuzzOracle.expectTyped(() -> strip(data));
        FuzzOracle.expectTyped(() -> stream(data));
    }

    private static void decode(byte[] frag) throws RpcProtocolException {
        Pdu pdu = PduDecoder.decode(frag);
        switch (pdu) {
            case Pdu.RequestPdu r -> {
                strip(r.stub());
                reencode(r);
            }
            case Pdu.BindPdu b -> reencode(b);
            default -> { }
        }
    }

    private static void strip(byte[] stub) throws CorruptPduException {
        byte[] stripped = VerificationTrailer.strip(stub);
        assertTrue(stripped.length <= stub.length, "stripping made the stub longer");
        assertArrayEquals(Arrays.copyOf(stub, stripped.length), stripped, "stripped stub is not a prefix");
    }

    /** Every fragment of the stream, as the association reads them, until the stream ends. */
    private static void stream(byte[] data) throws Exception {
        FragmentReader reader = new FragmentReader(new ByteArrayInputStream(data));
        while (true) {
            byte[] frag;
            try {
                frag = reader.next(Association.MAX_FRAG);
            } catch (EOFException end) {
                return;
            }
            assertTrue(frag.length <= Association.MAX_FRAG, "fragment above the limit");
            FuzzOracle.expectTyped(() -> PduDecoder.decode(frag));
        }
    }

    private static void reencode(Pdu.RequestPdu r) throws RpcProtocolException {
        byte[] again = PduEncoder.request(r.header().callId(), r.header().flags() & ~PduType.OBJECT_UUID,
                r.allocHint(), r.contextId(), r.opnum(), r.object(), r.stub(), r.auth());
        if (again.length > 0xffff) {
            return; // a different auth padding pushed it past frag_length's range
        }
        Pdu.RequestPdu d = (Pdu.RequestPdu) PduDecoder.decode(again);
        assertEquals(r.header().flags(), d.header().flags());
        assertEquals(r.allocHint(), d.allocHint());
        assertEquals(r.contextId(), d.contextId());
        assertEquals(r.opnum(), d.opnum());
        assertEquals(r.object(), d.object());
        assertArrayEquals(r.stub(), d.stub(), "request stub changed in a round trip");
        sameAuth(r.auth(), d.auth());
    }

    private static void reencode(Pdu.BindPdu b) throws RpcProtocolException {
        byte[] again = PduEncoder.bind(b.header().type(), b.header().callId(), b.header().flags(), b.maxXmitFrag(),
                b.maxRecvFrag(), b.assocGroupId(), b.contexts(), b.auth());
        if (again.length > 0xffff) {
            return;
        }
        Pdu.BindPdu d = (Pdu.BindPdu) PduDecoder.decode(again);
        assertEquals(b.maxXmitFrag(), d.maxXmitFrag());
        assertEquals(b.maxRecvFrag(), d.maxRecvFrag());
        assertEquals(b.assocGroupId(), d.assocGroupId());
        assertEquals(b.contexts(), d.contexts(), "presentation contexts changed in a round trip");
        sameAuth(b.auth(), d.auth());
    }

    private static void sameAuth(AuthTrailer a, AuthTrailer b) {
        if (a == null || b == null) {
            assertEquals(a, b);
            return;
        }
        assertEquals(a.type(), b.type());
        assertEquals(a.level(), b.level());
        assertEquals(a.contextId(), b.contextId());
        assertArrayEquals(a.value(), b.value());
    }
}
