package dev.sambasidecars.ctdb.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PacketReaderTest {

    @BeforeAll
    static void littleEndian() {
        Le.assumeLittleEndian();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static byte[] reply(int reqid, int status) {
        return Le.of().header(48, 8, 0, 0, reqid).u32(status).u32(0).u32(0).zeros(4).bytes();
    }

    @Test
    void splitsAStreamOfPacketsByTheirLength() throws Exception {
        byte[] a = reply(1, 0);
        byte[] b = Le.of().header(56, 5, 0, 0, 0).u64(0xF301000000000000L).u32(9).ascii("10.0.0.5").u8(0)
                .padTo(8).bytes();
        byte[] c = reply(3, -1);
        PacketReader r = new PacketReader(new ByteArrayInputStream(concat(a, b, c)));

        PacketReader.Packet p1 = r.next();
        PacketReader.Packet p2 = r.next();
        PacketReader.Packet p3 = r.next();

        assertEquals(1, p1.header().reqid());
        assertArrayEquals(a, p1.raw());
        assertEquals(5, p2.header().operation());
        assertArrayEquals(b, p2.raw());
        assertEquals(3, p3.header().reqid());
        assertEquals(-1, p3.body().i32("status"));
        // The body reader starts right after the header and ends at the packet's length.
        assertEquals(56 - 32, p2.body().remaining());
        assertThrows(EOFException.class, r::next);
    }

    @Test
    void cleanEndOfStreamIsEof() {
        PacketReader r = new PacketReader(new ByteArrayInputStream(new byte[0]));
        assertThrows(EOFException.class, r::next);
    }

    @Test
    void endInsideTheHeaderIsCorrupt() {
        byte[] cut = Arrays.copyOf(reply(1, 0), 10);
        PacketReader r = new PacketReader(new ByteArrayInputStream(cut));
        assertThrows(CorruptedPacketException.class, r::next);
    }

    @Test
    void endInsideTheBodyIsCorrupt() {
        byte[] cut = Arrays.copyOf(reply(1, 0), 40);
        PacketReader r = new PacketReader(new ByteArrayInputStream(cut));
        assertThrows(CorruptedPacketException.class, r::next);
    }

    @Test
    void badHeaderInTheStreamIsCorrupt() {
        byte[] bad = Le.of().header(48, 0x11111111L, 1, 0, 8, 0, 0, 1).zeros(16).bytes();
        PacketReader r = new PacketReader(new ByteArrayInputStream(bad));
        assertThrows(CorruptedPacketException.class, r::next);
    }

    @Test
    void oversizedLengthIsRefusedBeforeTheBodyIsRead() {
        // Announces 1 MiB (and then 4 GiB - 1) but the limit is 4 KiB; only the header may be consumed.
        for (long length : new long[] {1 << 20, 4097, 0xFFFFFFFFL}) {
            byte[] stream = concat(Le.of().header(length, 8, 0, 0, 1).bytes(), new byte[8192]);
            CountingStream in = new CountingStream(new ByteArrayInputStream(stream));
            PacketReader r = new PacketReader(in, 4096);

            assertThrows(PacketTooLongException.class, r::next, "length " + length);
            assertEquals(32, in.count, "bytes consumed for length " + length);
        }
    }

    @Test
    void lengthAtTheLimitIsAccepted() throws Exception {
        byte[] p = Le.of().header(4096, 8, 0, 0, 1).zeros(4096 - 32).bytes();
        assertEquals(4096, new PacketReader(new ByteArrayInputStream(p), 4096).next().raw().length);
    }

    @Test
    void defaultLimitIsSixteenMebibytes() {
        byte[] p = Le.of().header(16L * 1024 * 1024 + 1, 8, 0, 0, 1).bytes();
        assertThrows(PacketTooLongException.class, () -> new PacketReader(new ByteArrayInputStream(p)).next());
    }

    /** Counts the bytes the reader took, to prove it stopped after the header. */
    private static final class CountingStream extends FilterInputStream {
        int count;

        CountingStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }
    }
}
