package dev.sambasidecars.ctdb.protocol;

/** CTDB packet operations ({@code enum ctdb_operation}, ctdb/protocol/protocol.h). */
public final class Operation {
    private Operation() {}

    public static final int REQ_CALL = 0;
    public static final int REPLY_CALL = 1;
    public static final int REQ_DMASTER = 2;
    public static final int REPLY_DMASTER = 3;
    public static final int REPLY_ERROR = 4;
    public static final int REQ_MESSAGE = 5;
    public static final int REQ_CONTROL = 7;
    public static final int REPLY_CONTROL = 8;
    public static final int REQ_KEEPALIVE = 9;
    public static final int REQ_TUNNEL = 10;
}
