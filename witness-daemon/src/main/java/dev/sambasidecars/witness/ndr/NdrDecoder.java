package dev.sambasidecars.witness.ndr;

/** Unmarshals one NDR type from a reader. */
@FunctionalInterface
public interface NdrDecoder<T> {
    T read(NdrReader r) throws NdrException;
}
