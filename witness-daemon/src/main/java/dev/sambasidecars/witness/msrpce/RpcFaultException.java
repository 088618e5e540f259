package dev.sambasidecars.witness.msrpce;

/** A call that must end in a fault PDU carrying {@link #status()} (C706 / MS-RPCE fault codes). */
public final class RpcFaultException extends RpcProtocolException {
    private static final long serialVersionUID = 1L;

    private final int status;

    public RpcFaultException(int status, String message) {
        super(String.format("fault 0x%08x: %s", status, message));
        this.status = status;
    }

    public int status() {
        return status;
    }
}
