package dev.sambasidecars.witness.msrpce;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The PDUs a client sends, as the encoder builds them and the decoder reads them back. */
class ClientPduCodecTest {
    private static final byte[] STUB = new byte[64];

    static {
        for (int i = 0; i < STUB.length; i++) {
            STUB[i] = (byte) (i + 1);
        }
    }

    @Test
    void requestFragmentsCarryASliceOfTheStub() throws Exception {
        UUID object = UUID.fromString("3ab88633-1e57-4c1a-856c-d1bc4b15bbb1");
        byte[] frag = PduEncoder.request(7, PduType.FIRST_FRAG, 64, 2, 5, object, STUB, 10, 20, null);
        assertEquals(PduEncoder.requestHeaderSize(object) + 20, frag.length);
        Pdu.RequestPdu r = assertInstanceOf(Pdu.RequestPdu.class, PduDecoder.decode(frag));
        assertEquals(7, r.header().callId());
        assertTrue(r.header().has(PduType.OBJECT_UUID));
        assertEquals(object, r.object());
        assertEquals(64, r.allocHint());
        assertEquals(2, r.contextId());
        assertEquals(5, r.opnum());
        assertArrayEquals(Arrays.copyOfRange(STUB, 10, 30), r.stub());
        assertEquals(24, PduEncoder.requestHeaderSize(null));
        assertThrows(IndexOutOfBoundsException.class,
                () -> PduEncoder.request(7, 3, 0, 0, 0, null, STUB, 60, 5, null));
    }

    @Test
    void signedRequestsPadTheStubToSixteenBeforeTheTrailer() throws Exception {
        AuthTrailer placeholder = new AuthTrailer(AuthTrailer.TYPE_NTLMSSP, AuthTrailer.LEVEL_INTEGRITY, 0, 1,
                new byte[16]);
        byte[] frag = PduEncoder.request(8, 3, 20, 0, 1, null, STUB, 0, 20, placeholder);
        // header 24, stub 20, pad 12 (to 16 from the stub's start), trailer 8, signature 16
        assertEquals(24 + 20 + 12 + 8 + 16, frag.length);
        Pdu.RequestPdu r = assertInstanceOf(Pdu.RequestPdu.class, PduDecoder.decode(frag));
        assertEquals(12, r.auth().padLength());
        assertEquals(1, r.auth().contextId());
        assertArrayEquals(Arrays.copyOf(STUB, 20), r.stub(), "the padding is not stub");
        assertEquals(frag.length - 16, PduEncoder.authValueOffset(frag, 16));
    }

    @Test
    void alterContextAuth3AndCancelsDecode() throws Exception {
        SyntaxId iface = new SyntaxId(UUID.fromString("12345678-1234-abcd-ef00-0123456789ab"), 1, 0);
        byte[] alter = PduEncoder.bind(PduType.ALTER_CONTEXT, 9, 3, 4280, 4280, 0x1234,
                List.of(new Pdu.ContextElement(3, iface, List.of(SyntaxId.NDR64, SyntaxId.NDR32))), null);
        Pdu.BindPdu b = assertInstanceOf(Pdu.BindPdu.class, PduDecoder.decode(alter));
        assertEquals(PduType.ALTER_CONTEXT, b.header().type());
        assertEquals(0x1234, b.assocGroupId());
        assertEquals(List.of(SyntaxId.NDR64, SyntaxId.NDR32), b.contexts().getFirst().transferSyntaxes());

        byte[] token = {'N', 'T', 'L', 'M', 'S', 'S', 'P', 0, 3, 0, 0, 0};
        byte[] auth3 = PduEncoder.auth3(1, new AuthTrailer(AuthTrailer.TYPE_NTLMSSP, AuthTrailer.LEVEL_PRIVACY, 0, 1, token));
        Pdu.Auth3Pdu a = assertInstanceOf(Pdu.Auth3Pdu.class, PduDecoder.decode(auth3));
        assertArrayEquals(token, a.auth().value());
        assertEquals(AuthTrailer.LEVEL_PRIVACY, a.auth().level());

        for (int type : new int[] {PduType.CO_CANCEL, PduType.ORPHANED}) {
            Pdu.ControlPdu c = assertInstanceOf(Pdu.ControlPdu.class, PduDecoder.decode(PduEncoder.control(type, 42)));
            assertEquals(type, c.header().type());
            assertEquals(42, c.header().callId());
            assertEquals(PduHeader.SIZE, c.header().fragLength());
        }
    }
}
