package dev.sambasidecars.witness.msrpce;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.UUID;

/**
 * The one bounds-checked buffer of the PDU codec: little-endian (the data representation this
 * server speaks and answers in), every read checked against what is left, a short read
 * reporting wanted versus available bytes, alignment relative to the start of the PDU.
 */
public final class PduBuffer {
    private final ByteBuffer buf;

    private PduBuffer(ByteBuffer buf) {
        this.buf = buf.order(ByteOrder.LITTLE_ENDIAN);
    }

    public static PduBuffer reader(byte[] data, int offset, int length) {
        return new PduBuffer(ByteBuffer.wrap(data, offset, length).slice());
    }

    public static PduBuffer reader(byte[] data) {
        return reader(data, 0, data.length);
    }

    public static PduBuffer writer(int capacity) {
        return new PduBuffer(ByteBuffer.allocate(capacity));
    }

    public int position() {
        return buf.position();
    }

    public int remaining() {
        return buf.remaining();
    }

    public void ensure(long n, String what) throws CorruptPduException {
        if (n < 0 || n > buf.remaining()) {
            throw new CorruptPduException("short " + what + ": wanted " + n + " bytes, " + buf.remaining() + " available");
        }
    }

    public int u8(String what) throws CorruptPduException {
        ensure(1, what);
        return buf.get() & 0xff;
    }

    public int u16(String what) throws CorruptPduException {
        ensure(2, what);
        return buf.getShort() & 0xffff;
    }

    public int u32(String what) throws CorruptPduException {
        ensure(4, what);
        return buf.getInt();
    }

    public byte[] bytes(int n, String what) throws CorruptPduException {
        ensure(n, what);
        byte[] out = new byte[n];
        buf.get(out);
        return out;
    }

    public void skip(int n, String what) throws CorruptPduException {
        ensure(n, what);
        buf.position(buf.position() + n);
    }

    /** Skips padding up to a multiple of {@code alignment} from the start of the PDU. */
    public void align(int alignment, String what) throws CorruptPduException {
        skip((alignment - buf.position() % alignment) % alignment, what + " padding");
    }

    /** A UUID in NDR form: time_low, time_mid, time_hi_and_version little-endian, then 8 bytes. */
    public UUID uuid(String what) throws CorruptPduException {
        ensure(16, what);
        long timeLow = Integer.toUnsignedLong(buf.getInt());
        long timeMid = buf.getShort() & 0xffffL;
        long timeHi = buf.getShort() & 0xffffL;
        long msb = (timeLow << 32) | (timeMid << 16) | timeHi;
        long lsb = buf.order(ByteOrder.BIG_ENDIAN).getLong();
        buf.order(ByteOrder.LITTLE_ENDIAN);
        return new UUID(msb, lsb);
    }

    public PduBuffer putU8(int v) {
        buf.put((byte) v);
        return this;
    }

    public PduBuffer putU16(int v) {
        buf.putShort((short) v);
        return this;
    }

    public PduBuffer putU32(int v) {
        buf.putInt(v);
        return this;
    }

    public PduBuffer put(byte[] b) {
        buf.put(b);
        return this;
    }

    public PduBuffer put(byte[] b, int off, int len) {
        buf.put(b, off, len);
        return this;
    }

    public PduBuffer zeros(int n) {
        for (int i = 0; i < n; i++) {
            buf.put((byte) 0);
        }
        return this;
    }

    public PduBuffer padTo(int alignment) {
        return zeros((alignment - buf.position() % alignment) % alignment);
    }

    public PduBuffer putUuid(UUID u) {
        long msb = u.getMostSignificantBits();
        buf.putInt((int) (msb >>> 32)).putShort((short) (msb >>> 16)).putShort((short) msb);
        buf.order(ByteOrder.BIG_ENDIAN).putLong(u.getLeastSignificantBits()).order(ByteOrder.LITTLE_ENDIAN);
        return this;
    }

    /** Overwrites a 16-bit field at {@code offset} (frag_length, auth_length once known). */
    public PduBuffer setU16(int offset, int v) {
        buf.putShort(offset, (short) v);
        return this;
    }

    public byte[] toArray() {
        byte[] out = new byte[buf.position()];
        System.arraycopy(buf.array(), buf.arrayOffset(), out, 0, out.length);
        return out;
    }
}
