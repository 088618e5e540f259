package dev.sambasidecars.witness.ndr;

/**
 * The pointee of an embedded pointer: NDR puts it after the outermost construct that holds the
 * pointer, so it is known only once that construct has been read. {@link #get()} before then is
 * a programming error.
 */
public final class Deferred<T> {
    private static final Deferred<?> NULL = resolved(null);

    private T value;
    private boolean resolved;

    Deferred() {}

    static <T> Deferred<T> resolved(T value) {
        Deferred<T> d = new Deferred<>();
        d.set(value);
        return d;
    }

    @SuppressWarnings("unchecked")
    static <T> Deferred<T> nullPointer() {
        return (Deferred<T>) NULL;
    }

    void set(T v) {
        value = v;
        resolved = true;
    }

    /** The pointee, or null for a null pointer. */
    public T get() {
        if (!resolved) {
            throw new IllegalStateException("pointee read before its enclosing construct ended");
        }
        return value;
    }
}
