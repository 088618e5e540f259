package dev.sambasidecars.witness.msrpce;

import dev.sambasidecars.witness.ndr.NdrException;
import dev.sambasidecars.witness.ndr.NdrSyntax;

/**
 * One interface's server stubs: what an IDL turns into. {@link #invoke} runs on its own
 * virtual thread, so a call may block for as long as its semantics require (AsyncNotify holds
 * one open for minutes) while other calls on the association go on.
 */
public interface RpcInterface {

    /** The interface UUID and version clients bind to. */
    SyntaxId syntax();

    /**
     * The lowest authentication level (AuthTrailer.LEVEL_*) a caller needs; calls below it fault
     * with ACCESS_DENIED. Unauthenticated associations count as LEVEL_NONE.
     */
    default int minAuthLevel() {
        return AuthTrailer.LEVEL_NONE;
    }

    /** Operations are numbered 0 .. opnumCount()-1; others fault with OP_RANGE_ERROR. */
    int opnumCount();

    /**
     * Runs operation {@code opnum} on its marshalled [in] parameters and returns the
     * marshalled [out] parameters.
     *
     * @throws NdrException the stub does not unmarshal (fault BAD_STUB_DATA)
     * @throws RpcFaultException the call must fail with a specific fault status
     */
    byte[] invoke(CallContext call, int opnum, byte[] stub, NdrSyntax syntax) throws NdrException, RpcFaultException,
            InterruptedException;
}
