package dev.sambasidecars.witness.msrpce;

/** A PDU that breaks C706/MS-RPCE; the association answers with a fault or closes. */
public class RpcProtocolException extends Exception {
    private static final long serialVersionUID = 1L;

    public RpcProtocolException(String message) {
        super(message);
    }
}
