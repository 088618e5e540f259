package dev.sambasidecars.witness.msrpce;

/** Lengths, counts or fields of a PDU that are inconsistent; nothing after it can be trusted. */
public final class CorruptPduException extends RpcProtocolException {
    private static final long serialVersionUID = 1L;

    public CorruptPduException(String message) {
        super(message);
    }
}
