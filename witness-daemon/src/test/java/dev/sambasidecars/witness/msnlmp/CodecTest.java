package dev.sambasidecars.witness.msnlmp;

import static dev.sambasidecars.witness.msnlmp.SpecVectors.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** NtlmBuffer, AvPairs and NEGOTIATE_MESSAGE decoding edge cases. */
class CodecTest {

    @Test
    void shortReadReportsWantedAndAvailable() {
        NtlmProtocolException e = assertThrows(NtlmProtocolException.class,
                () -> NtlmBuffer.wrap(new byte[6]).position(4).u32());
        assertTrue(e.getMessage().contains("wanted 4 bytes, 2 available"), e.getMessage());
    }

    @Test
    void payloadFieldMustLieInsideTheMessageAndAfterTheHeader() throws Exception {
        byte[] msg = new byte[80];
        NtlmBuffer.Writer w = new NtlmBuffer.Writer();
        w.payloadField(16, 70).payloadField(8, 8).payloadField(0xffff, 0x7fffffff)
                .payloadField(10, 0xffffffff).payloadField(0, 0xffffffff);
        System.arraycopy(w.toByteArray(), 0, msg, 0, w.size());
        NtlmBuffer in = NtlmBuffer.wrap(msg);
        assertThrows(NtlmProtocolException.class, () -> in.payloadField("ends past", 40));
        assertThrows(NtlmProtocolException.class, () -> in.payloadField("in header", 40));
        assertThrows(NtlmProtocolException.class, () -> in.payloadField("huge", 40));
        assertThrows(NtlmProtocolException.class, () -> in.payloadField("wrapping", 40));
        NtlmBuffer.PayloadField empty = in.payloadField("empty ignores offset", 40);
        assertTrue(empty.isEmpty());
        assertEquals(0, in.payload(empty).length);
    }

    @Test
    void writerRejectsValuesThatDoNotFit() {
        assertThrows(IllegalArgumentException.class, () -> new NtlmBuffer.Writer().u16(0x10000));
    }

    @Test
    void avPairsRoundTripAndMicFlag() throws Exception {
        AvPairs pairs = AvPairs.of(List.of(AvPairs.string(AvPairs.NB_COMPUTER_NAME, "S"),
                new AvPairs.AvPair(AvPairs.FLAGS, new byte[] {2, 0, 0, 0}), AvPairs.timestamp(42)));
        byte[] wire = pairs.encode();
        byte[] padded = TestNtlmClient.concat(wire, new byte[] {0, 0, 0, 0});
        AvPairs back = AvPairs.decode(padded, 0, padded.length);
        assertEquals(3, back.pairs().size());
        assertTrue(back.micPresent());
        assertEquals(hex(wire), hex(back.encode()));
        assertFalse(AvPairs.of(List.of()).micPresent());
    }

    @Test
    void malformedAvPairs() {
        byte[] noEol = {1, 0, 2, 0, 'A', 0};
        assertThrows(NtlmProtocolException.class, () -> AvPairs.decode(noEol, 0, noEol.length));
        byte[] overlong = {1, 0, 9, 0, 'A', 0, 0, 0, 0, 0};
        assertThrows(NtlmProtocolException.class, () -> AvPairs.decode(overlong, 0, overlong.length));
        byte[] badFlags = {6, 0, 2, 0, 2, 0, 0, 0, 0, 0};
        assertThrows(NtlmProtocolException.class, () -> AvPairs.decode(badFlags, 0, badFlags.length));
        assertThrows(NtlmProtocolException.class, () -> AvPairs.decode(new byte[4], 2, 4));
    }

    @Test
    void negotiateMessageVariants() throws Exception {
        byte[] minimal = SpecVectors.hex("4e544c4d5353500001000000b7820ae2");
        NegotiateMessage m = NegotiateMessage.decode(minimal);
        assertEquals(0xe20a82b7, m.flags());
        assertTrue(m.version().isEmpty());

        byte[] full = new TestNtlmClient().negotiate();
        NegotiateMessage f = NegotiateMessage.decode(full);
        assertEquals(new NtlmVersion(10, 0, 19041, 15), f.version().orElseThrow());
        assertArrayEquals(full, f.raw());

        // OEM domain supplied, but pointing outside the message.
        byte[] bad = full.clone();
        bad[13] |= (byte) (NegotiateFlags.OEM_DOMAIN_SUPPLIED >>> 8);
        bad[16] = 4;
        bad[20] = 100;
        assertThrows(NtlmProtocolException.class, () -> NegotiateMessage.decode(bad));

        assertThrows(NtlmProtocolException.class, () -> NegotiateMessage.decode(
                SpecVectors.CHALLENGE_MESSAGE));
        assertThrows(NtlmProtocolException.class, () -> NegotiateMessage.decode(new byte[15]));
    }

    @Test
    void flagsRenderForLogs() {
        assertEquals("0x00080001[UNICODE|EXTENDED_SESSIONSECURITY]",
                NegotiateFlags.toString(0x00080001));
    }
}
