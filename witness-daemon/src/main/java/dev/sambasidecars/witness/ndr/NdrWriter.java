package dev.sambasidecars.witness.ndr;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.UUID;

/**
 * Marshals little-endian NDR stub data, growing as needed. Referent ids for non-null pointers
 * follow the usual 0x00020000 + 4n series (as Windows and Samba send them).
 */
public final class NdrWriter {
    private byte[] buf = new byte[256];
    private int size;
    private final NdrSyntax syntax;
    private long nextReferent = 0x00020000L;

    public NdrWriter(NdrSyntax syntax) {
        this.syntax = syntax;
    }

    public NdrSyntax syntax() {
        return syntax;
    }

    public int position() {
        return size;
    }

    /** Room for {@code n} more bytes (zero-filled, as a fresh array is), returning where they start. */
    private int grow(int n) {
        if (size + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + n));
        }
        int at = size;
        size += n;
        return at;
    }

    private NdrWriter zeros(int n) {
        int at = grow(n);
        Arrays.fill(buf, at, at + n, (byte) 0);
        return this;
    }

    public NdrWriter align(int n) {
        return zeros((n - size % n) % n);
    }

    /** The low {@code n} bytes of {@code v}, little-endian. */
    private NdrWriter raw(long v, int n) {
        int at = grow(n);
        for (int i = 0; i < n; i++) {
            buf[at + i] = (byte) (v >>> (8 * i));
        }
        return this;
    }

    public NdrWriter u8(int v) {
        buf[grow(1)] = (byte) v;
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
        System.arraycopy(b, 0, buf, grow(b.length), b.length);
        return this;
    }

    public NdrWriter uuid(UUID u) {
        align(4);
        long msb = u.getMostSignificantBits();
        raw(msb >>> 32, 4).raw(msb >>> 16, 2).raw(msb, 2);
        long lsb = u.getLeastSignificantBits();
        int at = grow(8);
        for (int i = 0; i < 8; i++) {
            buf[at + i] = (byte) (lsb >>> (56 - 8 * i));
        }
        return this;
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
        return bytes(raw).zeros(chars * 2 - raw.length);
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }
}
