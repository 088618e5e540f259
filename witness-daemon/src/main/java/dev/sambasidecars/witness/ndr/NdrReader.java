package dev.sambasidecars.witness.ndr;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Unmarshals little-endian NDR stub data. Primitives align to their size, measured from the
 * start of the stub; every count and length is checked against the bytes left before anything
 * is allocated; strings must end in NUL. Deferred pointees are read where the caller's stub
 * reads them (after the structure that holds their referent ids), as NDR lays them out.
 */
public final class NdrReader {
    private final ByteBuffer buf;
    private final NdrSyntax syntax;

    public NdrReader(byte[] stub, NdrSyntax syntax) {
        this.buf = ByteBuffer.wrap(stub).order(ByteOrder.LITTLE_ENDIAN);
        this.syntax = syntax;
    }

    public NdrSyntax syntax() {
        return syntax;
    }

    public int remaining() {
        return buf.remaining();
    }

    private void need(long n, String what) throws NdrException {
        if (n < 0 || n > buf.remaining()) {
            throw new NdrException("short " + what + ": wanted " + n + " bytes, " + buf.remaining() + " available");
        }
    }

    public void align(int n) throws NdrException {
        int pad = (n - buf.position() % n) % n;
        need(pad, "alignment padding");
        buf.position(buf.position() + pad);
    }

    public int u8(String what) throws NdrException {
        need(1, what);
        return buf.get() & 0xff;
    }

    public int u16(String what) throws NdrException {
        align(2);
        need(2, what);
        return buf.getShort() & 0xffff;
    }

    public int u32(String what) throws NdrException {
        align(4);
        need(4, what);
        return buf.getInt();
    }

    public long u64(String what) throws NdrException {
        align(8);
        need(8, what);
        return buf.getLong();
    }

    /** A wide field (referent id, conformance, offset, count): 4 bytes in NDR32, 8 in NDR64. */
    public long wide(String what) throws NdrException {
        return syntax == NdrSyntax.NDR32 ? Integer.toUnsignedLong(u32(what)) : u64(what);
    }

    /** A count, refused above {@code max} or above what the stub could still hold. */
    public int count(String what, int max, int elementSize) throws NdrException {
        long n = wide(what);
        // An NDR64 count is unsigned: one at or above 2^63 is negative here and must not pass.
        if (n < 0 || n > max || n * elementSize > buf.remaining()) {
            throw new NdrException(what + " " + Long.toUnsignedString(n) + " exceeds "
                    + Math.min(max, buf.remaining() / Math.max(1, elementSize)));
        }
        return (int) n;
    }

    /** A unique or full pointer's referent id: 0 is null. */
    public boolean pointer(String what) throws NdrException {
        return wide(what) != 0;
    }

    public byte[] bytes(int n, String what) throws NdrException {
        need(n, what);
        byte[] out = new byte[n];
        buf.get(out);
        return out;
    }

    /** A GUID in NDR form (time_low, time_mid, time_hi little-endian, then 8 bytes). */
    public UUID uuid(String what) throws NdrException {
        align(4);
        need(16, what);
        long msb = (Integer.toUnsignedLong(buf.getInt()) << 32) | ((buf.getShort() & 0xffffL) << 16)
                | (buf.getShort() & 0xffffL);
        long lsb = buf.order(ByteOrder.BIG_ENDIAN).getLong();
        buf.order(ByteOrder.LITTLE_ENDIAN);
        return new UUID(msb, lsb);
    }

    /**
     * A conformant varying UTF-16 string ({@code [string] wchar_t*} pointee): max_count, offset
     * (must be 0), actual_count (≤ max_count), then actual_count characters ending in NUL.
     */
    public String conformantVaryingString(String what, int maxChars) throws NdrException {
        long max = wide(what + " max_count");
        long offset = wide(what + " offset");
        long actual = wide(what + " actual_count");
        if (offset != 0 || actual > max || actual <= 0 || actual > maxChars || actual * 2 > buf.remaining()) {
            throw new NdrException("bad " + what + ": max " + max + " offset " + offset + " actual " + actual);
        }
        byte[] raw = bytes((int) actual * 2, what);
        if (raw[raw.length - 1] != 0 || raw[raw.length - 2] != 0) {
            throw new NdrException(what + " does not end in NUL");
        }
        return new String(raw, 0, raw.length - 2, StandardCharsets.UTF_16LE);
    }

    /** A fixed array of {@code chars} UTF-16 code units holding a NUL-terminated string. */
    public String fixedString(int chars, String what) throws NdrException {
        byte[] raw = bytes(chars * 2, what);
        int len = 0;
        while (len + 1 < raw.length && (raw[len] != 0 || raw[len + 1] != 0)) {
            len += 2;
        }
        return new String(raw, 0, len, StandardCharsets.UTF_16LE);
    }

    /** Fails unless every byte was consumed (trailing garbage is a malformed stub). */
    public void end() throws NdrException {
        if (buf.remaining() != 0) {
            throw new NdrException(buf.remaining() + " unexpected bytes after the stub");
        }
    }
}
