package dev.sambasidecars.witness.fuzz;

import dev.sambasidecars.witness.msnlmp.NtlmException;
import dev.sambasidecars.witness.msrpce.RpcProtocolException;
import dev.sambasidecars.witness.ndr.NdrException;
import java.util.List;

/**
 * The oracle every fuzz harness applies: a decoder fed hostile bytes may fail only with one of
 * the project's typed exceptions, which the association turns into a fault or a closed
 * connection. Those are swallowed here; anything else that escapes (an unchecked exception, an
 * {@link Error} such as {@link OutOfMemoryError} or {@link StackOverflowError}, an unexpected
 * checked exception) is rethrown unchanged, and Jazzer reports it as a finding.
 */
public final class FuzzOracle {
    private FuzzOracle() {}

    /** One decoding step of a harness. */
    @FunctionalInterface
    public interface Step {
        void run() throws Exception;
    }

    /**
     * RpcProtocolException covers its subclasses CorruptPduException, PduTooLongException,
     * RpcFaultException and RpcSecurityException; NtlmException covers NtlmProtocolException and
     * NtlmAuthenticationException.
     */
    public static final List<Class<? extends Exception>> TYPED =
            List.of(RpcProtocolException.class, NdrException.class, NtlmException.class);

    /** Runs {@code step}; a typed failure is the allowed outcome, anything else is rethrown. */
    public static void expectTyped(Step step) throws Exception {
        expectTyped(step, List.of());
    }

    /**
     * As {@link #expectTyped(Step)}, also allowing {@code extra} (for a decoder whose own typed
     * exception is not among {@link #TYPED}, e.g. a later SPNEGO decoder).
     */
    public static void expectTyped(Step step, List<Class<? extends Exception>> extra) throws Exception {
        try {
            step.run();
        } catch (Exception e) {
            if (!isTyped(e, extra)) {
                throw e;
            }
        }
    }

    /** True for the project's typed exceptions (and {@code extra}). */
    public static boolean isTyped(Throwable t, List<Class<? extends Exception>> extra) {
        for (Class<? extends Exception> c : TYPED) {
            if (c.isInstance(t)) {
                return true;
            }
        }
        for (Class<? extends Exception> c : extra) {
            if (c.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
