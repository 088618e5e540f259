package dev.sambasidecars.witness.ndr;

/** Stub data that does not unmarshal; the call fails with RPC_X_BAD_STUB_DATA. */
public final class NdrException extends Exception {
    private static final long serialVersionUID = 1L;

    public NdrException(String message) {
        super(message);
    }
}
