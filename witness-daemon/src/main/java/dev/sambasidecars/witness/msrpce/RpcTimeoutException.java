package dev.sambasidecars.witness.msrpce;

import java.io.IOException;

/** No answer to a call, bind or alter_context within the time allowed; a call is then orphaned. */
public final class RpcTimeoutException extends IOException {
    private static final long serialVersionUID = 1L;

    public RpcTimeoutException(String message) {
        super(message);
    }
}
