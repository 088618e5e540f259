package dev.sambasidecars.witness.msrpce;

/** A handshake leg or a PDU the security context refuses: bad credentials, bad signature. */
public class RpcSecurityException extends RpcProtocolException {
    private static final long serialVersionUID = 1L;

    public RpcSecurityException(String message) {
        super(message);
    }
}
