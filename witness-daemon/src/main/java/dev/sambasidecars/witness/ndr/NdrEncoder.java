package dev.sambasidecars.witness.ndr;

/** Marshals one NDR type into a writer. */
@FunctionalInterface
public interface NdrEncoder<T> {
    void write(NdrWriter w, T value);
}
