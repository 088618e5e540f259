package dev.sambasidecars.witness.msrpce;

import dev.sambasidecars.witness.ndr.NdrException;
import dev.sambasidecars.witness.ndr.NdrSyntax;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Serves {@code delegate} and keeps whatever escapes its stubs other than their typed errors: the
 * association turns such an escape into a fault, so a harness would not see it otherwise.
 */
final class WatchedInterface implements RpcInterface {
    private static final Queue<Throwable> ESCAPED = new ConcurrentLinkedQueue<>();

    private final RpcInterface delegate;

    WatchedInterface(RpcInterface delegate) {
        this.delegate = delegate;
    }

    /** Rethrows (and forgets) the first untyped failure any watched stub had since the last call. */
    static void rethrowEscaped() {
        Throwable t = ESCAPED.poll();
        ESCAPED.clear();
        if (t != null) {
            throw new AssertionError("a stub failed with an untyped exception: " + t, t);
        }
    }

    @Override
    public SyntaxId syntax() {
        return delegate.syntax();
    }

    @Override
    public int minAuthLevel() {
        return delegate.minAuthLevel();
    }

    @Override
    public int opnumCount() {
        return delegate.opnumCount();
    }

    @Override
    public byte[] invoke(CallContext call, int opnum, byte[] stub, NdrSyntax syntax)
            throws NdrException, RpcFaultException, InterruptedException {
        try {
            return delegate.invoke(call, opnum, stub, syntax);
        } catch (RuntimeException | Error e) {
            ESCAPED.add(e);
            throw e;
        }
    }
}
