package dev.sambasidecars.ctdb.protocol;

/** Something ctdbd sent (or would be sent) does not follow CTDB's wire protocol. */
public class CtdbProtocolException extends Exception {
    private static final long serialVersionUID = 1L;

    public CtdbProtocolException(String message) {
        super(message);
    }
}
