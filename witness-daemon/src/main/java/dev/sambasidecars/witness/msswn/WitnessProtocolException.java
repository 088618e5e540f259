package dev.sambasidecars.witness.msswn;

/** A malformed MS-SWN message buffer. */
public final class WitnessProtocolException extends Exception {
    private static final long serialVersionUID = 1L;

    public WitnessProtocolException(String message) {
        super(message);
    }
}
