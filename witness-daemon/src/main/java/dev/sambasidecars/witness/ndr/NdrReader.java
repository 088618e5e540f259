package dev.sambasidecars.witness.ndr;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Unmarshals little-endian NDR stub data. Primitives align to their size, measured from the
 * start of the stub; every count and length is checked against the bytes left before anything
 * is allocated; strings must end in NUL.
 *
 * <p>Pointers follow NDR's layout rules: a top-level pointer's pointee follows its referent id
 * at once; an embedded pointer's pointee is deferred to after the outermost construct (see
 * {@link #constructed}) and read depth-first, each pointee's own embedded pointees right after
 * it. Full pointers that repeat a referent id yield the same pointee. Nesting is bounded.
 */
public final class NdrReader {
    private final ByteBuffer buf;
    private final NdrSyntax syntax;
    private final Map<Long, Referent> fullReferents = new HashMap<>();
    private ArrayDeque<Step> deferred;
    private int depth;
    private int scopes;

    /** A deferred pointee still to read. */
    private interface Step {
        void run() throws NdrException;
    }

    /** Deepest nesting of pointees within pointees accepted. */
    static final int MAX_NESTING = 32;

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
        return count(wide(what), what, max, elementSize);
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

    /**
     * Reads a construct (structure, array, union) whose embedded pointers' pointees follow it:
     * when this is the outermost construct, every pointee its {@code scalars} deferred is read
     * after it, in order, depth-first, and the {@link Deferred} values it returned are resolved.
     * A decoder that reads embedded pointers reads its scalars through this method; one used as
     * a pointee may then use its own Deferred values before it returns.
     */
    public <T> T constructed(NdrDecoder<T> scalars) throws NdrException {
        if (depth > 0) {
            depth++;
            try {
                return scalars.read(this);
            } finally {
                depth--;
            }
        }
        if (scopes >= MAX_NESTING) {
            throw new NdrException("pointees nested deeper than " + MAX_NESTING);
        }
        scopes++;
        ArrayDeque<Step> outer = deferred;
        ArrayDeque<Step> mine = new ArrayDeque<>();
        deferred = mine;
        try {
            depth = 1;
            T value = scalars.read(this);
            depth = 0;
            while (!mine.isEmpty()) {
                mine.poll().run();
            }
            return value;
        } finally {
            depth = 0;
            deferred = outer;
            scopes--;
        }
    }

    /** A top-level [ref] pointer: no referent id, the pointee at once. */
    public <T> T refPointee(NdrDecoder<T> pointee) throws NdrException {
        return outermost(pointee);
    }

    /**
     * Reads a pointee as a construct of its own: its embedded pointees (if its decoder reads its
     * scalars through {@link #constructed}) are resolved when this returns.
     */
    private <T> T outermost(NdrDecoder<T> pointee) throws NdrException {
        if (depth > 0) {
            throw new IllegalStateException("top-level pointer inside a constructed type: use an embedded one");
        }
        return pointee.read(this);
    }

    /** A top-level [unique] pointer: referent id, then at once the pointee; null when the id is 0. */
    public <T> T unique(String what, NdrDecoder<T> pointee) throws NdrException {
        return pointer(what) ? outermost(pointee) : null;
    }

    /**
     * A top-level [ptr] (full) pointer to a {@code type}: a referent id seen before yields the
     * same pointee. A referent id first used for another type is a malformed stub (a client may
     * not make one pointee two things).
     */
    public <T> T full(String what, Class<T> type, NdrDecoder<T> pointee) throws NdrException {
        long id = wide(what);
        if (id == 0) {
            return null;
        }
        Referent seen = fullReferents.get(id);
        if (seen != null) {
            return type.cast(seen.of(type, what).get());
        }
        Deferred<T> d = new Deferred<>();
        fullReferents.put(id, new Referent(type, d));
        d.set(outermost(pointee));
        return d.get();
    }

    /** What a full pointer's referent id was first used for. */
    private record Referent(Class<?> type, Deferred<?> pointee) {
        Deferred<?> of(Class<?> wanted, String what) throws NdrException {
            if (type != wanted) {
                throw new NdrException(what + ": referent id of a " + type.getSimpleName() + " reused for a "
                        + wanted.getSimpleName());
            }
            return pointee;
        }
    }

    /** An embedded [unique] pointer inside a construct: its pointee is read after the construct. */
    public <T> Deferred<T> embeddedUnique(String what, NdrDecoder<T> pointee) throws NdrException {
        if (!pointer(what)) {
            return Deferred.nullPointer();
        }
        return defer(new Deferred<>(), pointee);
    }

    /** An embedded [ref] pointer: a referent id that must not be 0, its pointee after the construct. */
    public <T> Deferred<T> embeddedRef(String what, NdrDecoder<T> pointee) throws NdrException {
        if (!pointer(what)) {
            throw new NdrException("null [ref] pointer " + what);
        }
        return defer(new Deferred<>(), pointee);
    }

    /** An embedded [ptr] (full) pointer to a {@code type}: a repeated referent id is the same pointee, read once. */
    @SuppressWarnings("unchecked")
    public <T> Deferred<T> embeddedFull(String what, Class<T> type, NdrDecoder<T> pointee) throws NdrException {
        long id = wide(what);
        if (id == 0) {
            return Deferred.nullPointer();
        }
        Referent seen = fullReferents.get(id);
        if (seen != null) {
            return (Deferred<T>) seen.of(type, what);
        }
        Deferred<T> d = new Deferred<>();
        fullReferents.put(id, new Referent(type, d));
        return defer(d, pointee);
    }

    private <T> Deferred<T> defer(Deferred<T> d, NdrDecoder<T> pointee) throws NdrException {
        if (depth == 0 || deferred == null) {
            throw new IllegalStateException("embedded pointer outside a constructed type");
        }
        deferred.add(() -> d.set(outermost(pointee)));
        return d;
    }

    /** {@code n} elements of an array whose counts were already read. */
    public <T> List<T> elements(int n, NdrDecoder<T> element) throws NdrException {
        List<T> out = new ArrayList<>(Math.min(n, 1024));
        for (int i = 0; i < n; i++) {
            out.add(element.read(this));
        }
        return out;
    }

    /** A conformant array: max_count, then the elements (each at least {@code minElementSize} bytes). */
    public <T> List<T> conformantArray(String what, int max, int minElementSize, NdrDecoder<T> element)
            throws NdrException {
        int n = count(what + " max_count", max, minElementSize);
        return elements(n, element);
    }

    /**
     * A varying array's offset and actual_count: the offset must be 0 (no sender this code meets
     * uses another) and the count within {@code maxCount}; returns the count.
     */
    public int variance(String what, long maxCount, int minElementSize) throws NdrException {
        long offset = wide(what + " offset");
        if (offset != 0) {
            throw new NdrException(what + " offset " + Long.toUnsignedString(offset) + " is not 0");
        }
        long actual = wide(what + " actual_count");
        if (Long.compareUnsigned(actual, maxCount) > 0) {
            throw new NdrException(what + " actual_count " + Long.toUnsignedString(actual) + " exceeds " + maxCount);
        }
        return count(actual, what, Integer.MAX_VALUE, minElementSize);
    }

    /** A conformant varying array: max_count, offset, actual_count, then actual_count elements. */
    public <T> List<T> conformantVaryingArray(String what, int max, int minElementSize, NdrDecoder<T> element)
            throws NdrException {
        long maxCount = wide(what + " max_count");
        if (Long.compareUnsigned(maxCount, max) > 0) {
            throw new NdrException(what + " max_count " + Long.toUnsignedString(maxCount) + " exceeds " + max);
        }
        return elements(variance(what, maxCount, minElementSize), element);
    }

    /**
     * A union's discriminant of {@code size} bytes (1, 2, 4 or 8); in NDR64 the arm then starts
     * at the union's alignment {@code unionAlignment} (the largest of its arms and discriminant).
     */
    public long unionDiscriminant(String what, int size, int unionAlignment) throws NdrException {
        long d = switch (size) {
            case 1 -> u8(what);
            case 2 -> u16(what);
            case 4 -> Integer.toUnsignedLong(u32(what));
            case 8 -> u64(what);
            default -> throw new IllegalArgumentException("discriminant size " + size);
        };
        if (syntax == NdrSyntax.NDR64) {
            align(unionAlignment);
        }
        return d;
    }

    private int count(long n, String what, int max, int elementSize) throws NdrException {
        if (Long.compareUnsigned(n, max) > 0 || n * Math.max(1, elementSize) > buf.remaining()) {
            throw new NdrException(what + " " + Long.toUnsignedString(n) + " exceeds "
                    + Math.min(max, buf.remaining() / Math.max(1, elementSize)));
        }
        return (int) n;
    }
}
