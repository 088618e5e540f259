package dev.sambasidecars.witness.msrpce;

/** The server refused the bind with a bind_nak (C706 12.6.4.5); {@link #reason()} says why. */
public final class BindNakException extends RpcProtocolException {
    private static final long serialVersionUID = 1L;

    private final int reason;

    public BindNakException(int reason) {
        super("bind refused with bind_nak, reason " + reason + " (" + name(reason) + ")");
        this.reason = reason;
    }

    /** provider_reject_reason: Pdu.BindNakPdu.REASON_NOT_SPECIFIED, AUTHENTICATION_TYPE_NOT_RECOGNIZED, ... */
    public int reason() {
        return reason;
    }

    private static String name(int reason) {
        return switch (reason) {
            case Pdu.BindNakPdu.REASON_NOT_SPECIFIED -> "not specified";
            case Pdu.BindNakPdu.PROTOCOL_VERSION_NOT_SUPPORTED -> "protocol version not supported";
            case Pdu.BindNakPdu.AUTHENTICATION_TYPE_NOT_RECOGNIZED -> "authentication type not recognized";
            case Pdu.BindNakPdu.INVALID_CHECKSUM -> "invalid checksum";
            default -> "other";
        };
    }
}
