package dev.sambasidecars.witness.msrpce;

import java.io.IOException;
import java.io.UncheckedIOException;

/** Call contexts for driving an {@link RpcInterface} directly, outside any association. */
public final class TestCalls {
    private TestCalls() {}

    /** A call on an unauthenticated association from {@link MemoryConnection#PEER} to port 135 on loopback. */
    public static CallContext call(int callId) {
        try {
            return new CallContext(callId, new Association(new MemoryConnection(new byte[0], () -> true, 0), null));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
