package dev.sambasidecars.ctdb.protocol;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Splits ctdbd's byte stream into packets by the header's length, checking magic, version and
 * length before reading (and allocating for) the body.
 */
public final class PacketReader {

    /** Largest packet accepted; CTDB itself sets no limit, this client does. */
    public static final int MAX_PACKET = 16 * 1024 * 1024;

    /** A whole packet: its header and a reader over the bytes after it. */
    public record Packet(PacketHeader header, byte[] raw) {
        public CtdbBuffer body() {
            return CtdbBuffer.reader(raw, PacketHeader.SIZE, raw.length - PacketHeader.SIZE);
        }
    }

    private final InputStream in;
    private final int maxPacket;

    public PacketReader(InputStream in) {
        this(in, MAX_PACKET);
    }

    public PacketReader(InputStream in, int maxPacket) {
        this.in = in;
        this.maxPacket = maxPacket;
    }

    /**
     * The next packet.
     *
     * @throws EOFException at a clean end of stream before a header
     * @throws CorruptedPacketException on a bad header or a stream that ends inside a packet
     * @throws PacketTooLongException when the header announces more than the limit
     */
    public Packet next() throws IOException, CtdbProtocolException {
        byte[] head = new byte[PacketHeader.SIZE];
        int got = in.readNBytes(head, 0, head.length);
        if (got == 0) {
            throw new EOFException("ctdbd closed the connection");
        }
        if (got < head.length) {
            throw new CorruptedPacketException("connection closed inside a packet header: wanted "
                    + head.length + " bytes, got " + got);
        }
        PacketHeader h = PacketHeader.decode(CtdbBuffer.reader(head));
        long length = Integer.toUnsignedLong(h.length());
        if (length > maxPacket) {
            throw new PacketTooLongException("packet", length, maxPacket);
        }
        byte[] raw = new byte[(int) length];
        System.arraycopy(head, 0, raw, 0, head.length);
        int body = raw.length - head.length;
        int read = in.readNBytes(raw, head.length, body);
        if (read < body) {
            throw new CorruptedPacketException("connection closed inside a packet: wanted " + body
                    + " body bytes, got " + read);
        }
        return new Packet(h, raw);
    }
}
