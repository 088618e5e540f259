package dev.sambasidecars.ctdb.protocol;

/** A packet whose magic, version, lengths or fields are inconsistent: the stream cannot be trusted. */
public final class CorruptedPacketException extends CtdbProtocolException {
    private static final long serialVersionUID = 1L;

    public CorruptedPacketException(String message) {
        super(message);
    }
}
