package dev.sambasidecars.witness.msrpce;

/** Connection-oriented PDU types (C706 12.6.4, MS-RPCE 2.2.2.1). */
public final class PduType {
    private PduType() {}

    public static final int REQUEST = 0;
    public static final int RESPONSE = 2;
    public static final int FAULT = 3;
    public static final int BIND = 11;
    public static final int BIND_ACK = 12;
    public static final int BIND_NAK = 13;
    public static final int ALTER_CONTEXT = 14;
    public static final int ALTER_CONTEXT_RESP = 15;
    public static final int AUTH3 = 16;
    public static final int SHUTDOWN = 17;
    public static final int CO_CANCEL = 18;
    public static final int ORPHANED = 19;

    /** Header flags ({@code pfc_flags}). */
    public static final int FIRST_FRAG = 0x01;
    public static final int LAST_FRAG = 0x02;
    /** On request/response: a cancel is pending; on bind/alter_context: header signing supported (MS-RPCE). */
    public static final int PENDING_CANCEL_OR_HEADER_SIGN = 0x04;
    public static final int CONC_MPX = 0x10;
    public static final int DID_NOT_EXECUTE = 0x20;
    public static final int MAYBE = 0x40;
    public static final int OBJECT_UUID = 0x80;
}
