package dev.sambasidecars.ctdb.protocol;

/** A packet or field longer than this client accepts; refused before anything is allocated. */
public final class PacketTooLongException extends CtdbProtocolException {
    private static final long serialVersionUID = 1L;

    public PacketTooLongException(String what, long length, long max) {
        super(what + " of " + length + " bytes exceeds the limit of " + max);
    }
}
