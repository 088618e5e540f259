package dev.sambasidecars.witness.ndr;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Marshals little-endian NDR stub data, growing as needed. Referent ids for non-null pointers
 * follow the usual 0x00020000 + 4n series (as Windows and Samba send them).
 */
public final class NdrWriter {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final NdrSyntax syntax;
    private long nextReferent = 0x00020000L;

    public NdrWriter(NdrSyntax syntax) {
        this.syntax = syntax;
    }

    public NdrSyntax syntax() {
        return syntax;
    }

    public int position() {
        return out.size();
    }

    public NdrWriter align(int n) {
        int pad = (n - out.size() % n) % n;
        for (int i = 0; i < pad; i++) {
            out.write(0);
        }
        return this;
    }

    private NdrWriter raw(long v, int size) {
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v);
        out.write(b.array(), 0, size);
        return this;
    }

    public NdrWriter u8(int v) {
        out.write(v);
        return this;
    }

    public NdrWriter u16(int v) {
        return align(2).raw(v, 2);
    }

    public NdrWriter u32(int v) {
        return align(4).raw(v, 4);
    }

    public NdrWriter u64(long v) {
        return align(8).raw(v, 8);
    }

    public NdrWriter wide(long v) {
        return syntax == NdrSyntax.NDR32 ? u32((int) v) : u64(v);
    }

    /** A pointer's referent id: a fresh non-zero one when {@code present}, else 0 (null). */
    public NdrWriter pointer(boolean present) {
        if (!present) {
            return wide(0);
        }
        wide(nextReferent);
        nextReferent += 4;
        return this;
    }

    public NdrWriter bytes(byte[] b) {
        out.write(b, 0, b.length);
        return this;
    }

    public NdrWriter uuid(UUID u) {
        align(4);
        long msb = u.getMostSignificantBits();
        raw(msb >>> 32, 4).raw(msb >>> 16, 2).raw(msb, 2);
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN).putLong(u.getLeastSignificantBits());
        return bytes(b.array());
    }

    /** A conformant varying UTF-16 string with its terminating NUL. */
    public NdrWriter conformantVaryingString(String s) {
        byte[] chars = (s + "\0").getBytes(StandardCharsets.UTF_16LE);
        int n = chars.length / 2;
        return wide(n).wide(0).wide(n).bytes(chars);
    }

    /** A fixed array of {@code chars} UTF-16 code units: the string, NUL, zero fill. */
    public NdrWriter fixedString(String s, int chars) {
        byte[] raw = s.getBytes(StandardCharsets.UTF_16LE);
        if (raw.length / 2 >= chars) {
            throw new IllegalArgumentException("'" + s + "' does not fit in " + chars + " characters with its NUL");
        }
        bytes(raw);
        for (int i = raw.length; i < chars * 2; i++) {
            out.write(0);
        }
        return this;
    }

    public byte[] toByteArray() {
        return out.toByteArray();
    }
}
