package dev.sambasidecars.ctdb.protocol;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The one bounds-checked buffer of the CTDB codec. CTDB marshals in host byte order (ctdbd and
 * its clients share a machine), so this reads and writes {@link ByteOrder#nativeOrder()}. Every
 * read checks what is left first and reports wanted versus available bytes; every length read
 * from the wire is checked against what remains before it is used.
 */
public final class CtdbBuffer {
    private final ByteBuffer buf;

    private CtdbBuffer(ByteBuffer buf) {
        this.buf = buf.order(ByteOrder.nativeOrder());
    }

    /** Reads {@code data[offset, offset+length)}. */
    public static CtdbBuffer reader(byte[] data, int offset, int length) {
        return new CtdbBuffer(ByteBuffer.wrap(data, offset, length).slice());
    }

    /** Reads all of {@code data}. */
    public static CtdbBuffer reader(byte[] data) {
        return reader(data, 0, data.length);
    }

    /** A writer of at most {@code capacity} bytes. */
    public static CtdbBuffer writer(int capacity) {
        return new CtdbBuffer(ByteBuffer.allocate(capacity));
    }

    public int position() {
        return buf.position();
    }

    public int remaining() {
        return buf.remaining();
    }

    /** Fails unless {@code n} more bytes are there. */
    public void ensure(long n, String what) throws CorruptedPacketException {
        if (n < 0 || n > buf.remaining()) {
            throw new CorruptedPacketException("short " + what + ": wanted " + n + " bytes, "
                    + buf.remaining() + " available");
        }
    }

    public int u8(String what) throws CorruptedPacketException {
        ensure(1, what);
        return buf.get() & 0xff;
    }

    public int u16(String what) throws CorruptedPacketException {
        ensure(2, what);
        return buf.getShort() & 0xffff;
    }

    /** A 32-bit field as Java int (CTDB's uint32_t and int32_t alike). */
    public int i32(String what) throws CorruptedPacketException {
        ensure(4, what);
        return buf.getInt();
    }

    /** A uint32_t length or count, refused when above {@code max}. */
    public int count(String what, int max) throws CtdbProtocolException {
        long v = Integer.toUnsignedLong(i32(what));
        if (v > max) {
            throw new PacketTooLongException(what, v, max);
        }
        return (int) v;
    }

    public long u64(String what) throws CorruptedPacketException {
        ensure(8, what);
        return buf.getLong();
    }

    public byte[] bytes(int n, String what) throws CorruptedPacketException {
        ensure(n, what);
        byte[] out = new byte[n];
        buf.get(out);
        return out;
    }

    public void skip(int n, String what) throws CorruptedPacketException {
        ensure(n, what);
        buf.position(buf.position() + n);
    }

    /** Skips to the next multiple of {@code alignment} from the start (tolerating a short tail). */
    public void alignTo(int alignment) {
        int pad = (alignment - buf.position() % alignment) % alignment;
        buf.position(Math.min(buf.limit(), buf.position() + pad));
    }

    /** A fixed-size field holding a NUL-terminated string (e.g. an interface name). */
    public String fixedString(int size, String what) throws CorruptedPacketException {
        byte[] raw = bytes(size, what);
        int len = 0;
        while (len < raw.length && raw[len] != 0) {
            len++;
        }
        return new String(raw, 0, len, StandardCharsets.UTF_8);
    }

    public CtdbBuffer putU8(int v) {
        buf.put((byte) v);
        return this;
    }

    public CtdbBuffer putU16(int v) {
        buf.putShort((short) v);
        return this;
    }

    public CtdbBuffer putI32(int v) {
        buf.putInt(v);
        return this;
    }

    public CtdbBuffer putU64(long v) {
        buf.putLong(v);
        return this;
    }

    public CtdbBuffer put(byte[] b) {
        buf.put(b);
        return this;
    }

    public CtdbBuffer zeros(int n) {
        for (int i = 0; i < n; i++) {
            buf.put((byte) 0);
        }
        return this;
    }

    /** Pads with zeros to a multiple of {@code alignment}. */
    public CtdbBuffer padTo(int alignment) {
        return zeros((alignment - buf.position() % alignment) % alignment);
    }

    /** Overwrites a 32-bit field already written at {@code offset}. */
    public CtdbBuffer setI32(int offset, int v) {
        buf.putInt(offset, v);
        return this;
    }

    /** The bytes written so far. */
    public byte[] toArray() {
        byte[] out = new byte[buf.position()];
        System.arraycopy(buf.array(), buf.arrayOffset(), out, 0, out.length);
        return out;
    }
}
