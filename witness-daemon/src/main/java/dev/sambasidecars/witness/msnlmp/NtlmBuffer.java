package dev.sambasidecars.witness.msnlmp;

import java.util.Arrays;

/**
 * Bounds-checked little-endian reader over one NTLMSSP message (MS-NLMP 2.2: all integers are
 * little-endian; variable fields are described by a {@link PayloadField} pointing into the
 * message). Every read is checked against the message length before anything is allocated, so a
 * hostile length or offset costs nothing but an {@link NtlmProtocolException}.
 */
public final class NtlmBuffer {

    /**
     * A payload descriptor as in MS-NLMP 2.2.1.1-2.2.1.3: Len (u16), MaxLen (u16), BufferOffset
     * (u32), all relative to the start of the message.
     */
    public record PayloadField(int length, int maxLength, long offset) {

        /** Whether the field carries no bytes (its offset is then meaningless). */
        public boolean isEmpty() {
            return length == 0;
        }
    }

    private final byte[] data;
    private int position;

    private NtlmBuffer(byte[] data) {
        this.data = data;
    }

    /** Reads from the start of {@code message}, which is not copied: callers must not change it. */
    public static NtlmBuffer wrap(byte[] message) {
        if (message == null) {
            throw new IllegalArgumentException("message is null");
        }
        return new NtlmBuffer(message);
    }

    /** Length of the whole message. */
    public int length() {
        return data.length;
    }

    /** Current read position. */
    public int position() {
        return position;
    }

    /** Moves the read position, which must lie within the message. */
    public NtlmBuffer position(int newPosition) throws NtlmProtocolException {
        if (newPosition < 0 || newPosition > data.length) {
            throw new NtlmProtocolException(
                    "position " + newPosition + " outside message of " + data.length + " bytes");
        }
        position = newPosition;
        return this;
    }

    /** Bytes left from the read position. */
    public int remaining() {
        return data.length - position;
    }

    private void need(int wanted) throws NtlmProtocolException {
        if (wanted > remaining()) {
            throw new NtlmProtocolException(
                    "short read at offset " + position + ": wanted " + wanted + " bytes, "
                            + remaining() + " available");
        }
    }

    /** The 8-byte Signature every NTLMSSP message starts with (MS-NLMP 2.2). */
    static final byte[] SIGNATURE = {'N', 'T', 'L', 'M', 'S', 'S', 'P', 0};

    /**
     * Reads Signature and MessageType (MS-NLMP 2.2) and checks them, so that a message of one type
     * is never parsed as another.
     */
    public void header(int expectedType) throws NtlmProtocolException {
        if (!Arrays.equals(bytes(SIGNATURE.length), SIGNATURE)) {
            throw new NtlmProtocolException("missing NTLMSSP signature");
        }
        int type = u32();
        if (type != expectedType) {
            throw new NtlmProtocolException("MessageType " + type + ", expected " + expectedType);
        }
    }

    /** Reads an unsigned byte. */
    public int u8() throws NtlmProtocolException {
        need(1);
        return data[position++] & 0xff;
    }

    /** Reads an unsigned 16-bit little-endian integer. */
    public int u16() throws NtlmProtocolException {
        need(2);
        int v = (data[position] & 0xff) | (data[position + 1] & 0xff) << 8;
        position += 2;
        return v;
    }

    /** Reads a 32-bit little-endian integer (flags keep their bit pattern in an {@code int}). */
    public int u32() throws NtlmProtocolException {
        need(4);
        int v = getInt(data, position);
        position += 4;
        return v;
    }

    /** Reads a 64-bit little-endian integer (FILETIME values). */
    public long u64() throws NtlmProtocolException {
        long low = Integer.toUnsignedLong(u32());
        long high = Integer.toUnsignedLong(u32());
        return high << 32 | low;
    }

    /** Reads {@code n} raw bytes. */
    public byte[] bytes(int n) throws NtlmProtocolException {
        if (n < 0) {
            throw new NtlmProtocolException("negative length " + n);
        }
        need(n);
        byte[] out = Arrays.copyOfRange(data, position, position + n);
        position += n;
        return out;
    }

    /**
     * Reads a payload descriptor and checks that the bytes it points to lie inside the message
     * and do not start before {@code minOffset} (the end of the fixed header), so a later
     * {@link #payload} can never fail or over-allocate.
     */
    public PayloadField payloadField(String name, int minOffset) throws NtlmProtocolException {
        int at = position;
        int len = u16();
        int maxLen = u16();
        long offset = Integer.toUnsignedLong(u32());
        if (len != 0) {
            if (offset < minOffset) {
                throw new NtlmProtocolException(name + " (descriptor at " + at + "): offset " + offset
                        + " overlaps the fixed header ending at " + minOffset);
            }
            if (offset + len > data.length) {
                throw new NtlmProtocolException(name + " (descriptor at " + at + "): offset " + offset
                        + " + length " + len + " exceeds message length " + data.length);
            }
        }
        return new PayloadField(len, maxLen, offset);
    }

    /** Copies the bytes a checked {@link PayloadField} of this message points to. */
    public byte[] payload(PayloadField field) throws NtlmProtocolException {
        if (field.isEmpty()) {
            return new byte[0];
        }
        if (field.offset() + field.length() > data.length) {
            throw new NtlmProtocolException("payload at " + field.offset() + " + " + field.length()
                    + " exceeds message length " + data.length);
        }
        int from = (int) field.offset();
        return Arrays.copyOfRange(data, from, from + field.length());
    }

    /** Reads a little-endian 32-bit integer at {@code offset} of {@code b} (caller checks bounds). */
    static int getInt(byte[] b, int offset) {
        return (b[offset] & 0xff) | (b[offset + 1] & 0xff) << 8 | (b[offset + 2] & 0xff) << 16
                | (b[offset + 3] & 0xff) << 24;
    }

    /** Writes a little-endian 32-bit integer at {@code offset} of {@code b}. */
    static void putInt(byte[] b, int offset, int value) {
        b[offset] = (byte) value;
        b[offset + 1] = (byte) (value >>> 8);
        b[offset + 2] = (byte) (value >>> 16);
        b[offset + 3] = (byte) (value >>> 24);
    }

    /** Growable little-endian writer for encoding messages. */
    public static final class Writer {
        private byte[] buf = new byte[64];
        private int size;

        private void ensure(int extra) {
            if (size + extra > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + extra));
            }
        }

        /** Bytes written so far. */
        public int size() {
            return size;
        }

        /** Appends one byte. */
        public Writer u8(int v) {
            ensure(1);
            buf[size++] = (byte) v;
            return this;
        }

        /** Appends an unsigned 16-bit little-endian integer; rejects values that do not fit. */
        public Writer u16(int v) {
            if (v < 0 || v > 0xffff) {
                throw new IllegalArgumentException("not a u16: " + v);
            }
            return u8(v).u8(v >>> 8);
        }

        /** Appends a 32-bit little-endian integer. */
        public Writer u32(int v) {
            ensure(4);
            putInt(buf, size, v);
            size += 4;
            return this;
        }

        /** Appends a 64-bit little-endian integer. */
        public Writer u64(long v) {
            return u32((int) v).u32((int) (v >>> 32));
        }

        /** Appends raw bytes. */
        public Writer bytes(byte[] b) {
            ensure(b.length);
            System.arraycopy(b, 0, buf, size, b.length);
            size += b.length;
            return this;
        }

        /** Appends a payload descriptor (Len, MaxLen = Len, BufferOffset). */
        public Writer payloadField(int length, int offset) {
            return u16(length).u16(length).u32(offset);
        }

        /** The bytes written so far, copied. */
        public byte[] toByteArray() {
            return Arrays.copyOf(buf, size);
        }
    }
}
