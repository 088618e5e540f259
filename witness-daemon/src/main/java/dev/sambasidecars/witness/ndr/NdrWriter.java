package dev.sambasidecars.witness.ndr;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Arrays;
import java.util.UUID;

/**
 * Marshals little-endian NDR stub data, growing as needed. Referent ids for non-null pointers
 * follow the usual 0x00020000 + 4n series (as Windows and Samba send them). Pointees are laid
 * out as {@link NdrReader} expects them: top-level at once, embedded after the outermost
 * construct, depth-first; a full pointer to an object already sent repeats its referent id.
 */
public final class NdrWriter {
    private byte[] buf = new byte[256];
    private int size;
    private final NdrSyntax syntax;
    private long nextReferent = 0x00020000L;
    private final Map<Object, Long> fullReferents = new IdentityHashMap<>();
    private ArrayDeque<Runnable> deferred;
    private int depth;

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

    /**
     * Writes a construct (structure, array, union); when it is the outermost one, the pointees
     * its embedded pointers deferred follow it, in order, depth-first.
     */
    public <T> NdrWriter constructed(T value, NdrEncoder<T> scalars) {
        if (depth > 0) {
            depth++;
            try {
                scalars.write(this, value);
            } finally {
                depth--;
            }
            return this;
        }
        ArrayDeque<Runnable> outer = deferred;
        ArrayDeque<Runnable> mine = new ArrayDeque<>();
        deferred = mine;
        try {
            depth = 1;
            scalars.write(this, value);
            depth = 0;
            while (!mine.isEmpty()) {
                mine.poll().run();
            }
        } finally {
            depth = 0;
            deferred = outer;
        }
        return this;
    }

    /** A top-level [ref] pointer: no referent id, the pointee at once. */
    public <T> NdrWriter refPointee(T value, NdrEncoder<T> pointee) {
        return constructed(value, pointee);
    }

    /** A top-level [unique] pointer: referent id (0 for null), then at once the pointee. */
    public <T> NdrWriter unique(T value, NdrEncoder<T> pointee) {
        pointer(value != null);
        return value == null ? this : constructed(value, pointee);
    }

    /** A top-level [ptr] (full) pointer: an object already sent is only its referent id again. */
    public <T> NdrWriter full(T value, NdrEncoder<T> pointee) {
        return fullReferent(value) ? constructed(value, pointee) : this;
    }

    /** An embedded [unique] (or [ref], never null) pointer: referent id now, pointee after the construct. */
    public <T> NdrWriter embeddedUnique(T value, NdrEncoder<T> pointee) {
        pointer(value != null);
        return value == null ? this : defer(value, pointee);
    }

    /** An embedded [ptr] (full) pointer: an object already sent is only its referent id again. */
    public <T> NdrWriter embeddedFull(T value, NdrEncoder<T> pointee) {
        return fullReferent(value) ? defer(value, pointee) : this;
    }

    /** Writes the referent id of a full pointer; true when the pointee must follow (first time). */
    private boolean fullReferent(Object value) {
        if (value == null) {
            wide(0);
            return false;
        }
        Long id = fullReferents.get(value);
        if (id != null) {
            wide(id);
            return false;
        }
        fullReferents.put(value, nextReferent);
        pointer(true);
        return true;
    }

    private <T> NdrWriter defer(T value, NdrEncoder<T> pointee) {
        if (depth == 0 || deferred == null) {
            throw new IllegalStateException("embedded pointer outside a constructed type");
        }
        deferred.add(() -> constructed(value, pointee));
        return this;
    }

    /** Elements of an array whose counts were already written. */
    public <T> NdrWriter elements(List<T> values, NdrEncoder<T> element) {
        values.forEach(v -> element.write(this, v));
        return this;
    }

    /** A conformant array: max_count, then the elements. */
    public <T> NdrWriter conformantArray(List<T> values, NdrEncoder<T> element) {
        return wide(values.size()).elements(values, element);
    }

    /** A conformant varying array sent whole: max_count, offset 0, actual_count, elements. */
    public <T> NdrWriter conformantVaryingArray(List<T> values, NdrEncoder<T> element) {
        return wide(values.size()).wide(0).wide(values.size()).elements(values, element);
    }

    /** A union's discriminant; in NDR64 the arm then starts at the union's alignment. */
    public NdrWriter unionDiscriminant(long discriminant, int size, int unionAlignment) {
        switch (size) {
            case 1 -> u8((int) discriminant);
            case 2 -> u16((int) discriminant);
            case 4 -> u32((int) discriminant);
            case 8 -> u64(discriminant);
            default -> throw new IllegalArgumentException("discriminant size " + size);
        }
        return syntax == NdrSyntax.NDR64 ? align(unionAlignment) : this;
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
