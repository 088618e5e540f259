package dev.sambasidecars.store.state;

/** A record the store refuses: over the size cap, failing its checksum, or not a PersistentOpen. */
public final class InvalidRecordException extends Exception {

    public InvalidRecordException(String message) {
        super(message);
    }
}
