package dev.sambasidecars.ctdb.protocol;

/**
 * {@code struct ctdb_req_control} (operation 7): after the header, opcode u32, pad u32, srvid
 * u64, client_id u32 (ignored by ctdbd), flags u32, datalen u32, data; padded to 8 bytes with
 * the padding counted in the header's length, as CTDB's own client does.
 */
public record ReqControl(int reqid, int destnode, int opcode, long srvid, int flags, byte[] data) {

    static final int FIXED = PacketHeader.SIZE + 28;

    public byte[] encode() {
        int length = (FIXED + data.length + 7) & ~7;
        CtdbBuffer b = CtdbBuffer.writer(length);
        new PacketHeader(length, 0, Operation.REQ_CONTROL, destnode, 0, reqid).encode(b);
        b.putI32(opcode).putI32(0).putU64(srvid).putI32(0).putI32(flags).putI32(data.length).put(data).padTo(8);
        return b.toArray();
    }

    /** Decodes a request (used by test peers that play ctdbd). */
    public static ReqControl decode(PacketHeader h, CtdbBuffer b) throws CtdbProtocolException {
        int opcode = b.i32("opcode");
        b.skip(4, "pad");
        long srvid = b.u64("srvid");
        b.skip(4, "client_id");
        int flags = b.i32("flags");
        int len = b.count("control datalen", b.remaining());
        return new ReqControl(h.reqid(), h.destnode(), opcode, srvid, flags, b.bytes(len, "control data"));
    }
}
