package dev.sambasidecars.witness.msrpce;

/** A fragment or reassembled call larger than negotiated or allowed; refused before allocation. */
public final class PduTooLongException extends RpcProtocolException {
    private static final long serialVersionUID = 1L;

    public PduTooLongException(String what, long length, long max) {
        super(what + " of " + length + " bytes exceeds " + max);
    }
}
