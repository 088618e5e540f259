package dev.sambasidecars.witness.msrpce;

/** Fault status codes a server sends (C706 appendix E, MS-RPCE 2.2.2.11 and 3.1.1.5.5). */
public final class FaultStatus {
    private FaultStatus() {}

    /** The opnum is beyond the interface's operations. */
    public static final int OP_RANGE_ERROR = 0x1C010002;
    /** The presentation context names no interface this server offers. */
    public static final int UNKNOWN_INTERFACE = 0x1C010003;
    /** The PDU breaks the protocol. */
    public static final int PROTOCOL_ERROR = 0x1C01000B;
    /** The context id was never negotiated on this association. */
    public static final int CONTEXT_MISMATCH = 0x1C00001A;
    /** The stub data does not unmarshal (RPC_X_BAD_STUB_DATA). */
    public static final int BAD_STUB_DATA = 0x000006F7;
    /** The caller is not authorised (ERROR_ACCESS_DENIED). */
    public static final int ACCESS_DENIED = 0x00000005;
    /** The security package failed the PDU (RPC_S_SEC_PKG_ERROR). */
    public static final int SECURITY_PACKAGE_ERROR = 0x00000721;
    /** A failure in the server that no other status names. */
    public static final int OTHER = 0x00000001;
    /** The call was cancelled (RPC_S_CALL_CANCELLED). */
    public static final int CALL_CANCELLED = 0x0000071A;
    /** The client cancelled the call with co_cancel (nca_s_fault_cancel). */
    public static final int FAULT_CANCEL = 0x1C00000D;
    /** The client orphaned the call; Samba's servers answer such calls with this (RPC_S_SERVER_UNAVAILABLE). */
    public static final int SERVER_UNAVAILABLE = 0x000006BA;
}
