package dev.sambasidecars.ctdb.protocol;

import java.nio.charset.StandardCharsets;

/** {@code struct ctdb_req_message} (operation 5): srvid u64, datalen u32, data. */
public record ReqMessage(long srvid, byte[] data) {

    public static ReqMessage decode(CtdbBuffer b) throws CtdbProtocolException {
        long srvid = b.u64("srvid");
        int len = b.count("message datalen", b.remaining());
        return new ReqMessage(srvid, b.bytes(len, "message data"));
    }

    /** Encodes the message as ctdbd delivers it (padded to 8, at least 48 bytes). */
    public byte[] encode(int srcnode) {
        int length = Math.max(48, (PacketHeader.SIZE + 12 + data.length + 7) & ~7);
        CtdbBuffer b = CtdbBuffer.writer(length);
        new PacketHeader(length, 1, Operation.REQ_MESSAGE, 0, srcnode, 0).encode(b);
        b.putU64(srvid).putI32(data.length).put(data);
        b.zeros(length - b.position());
        return b.toArray();
    }

    /**
     * The payload as the NUL-terminated string TAKE_IP and RELEASE_IP carry.
     *
     * @throws CorruptedPacketException when it is empty or does not end in NUL
     */
    public String nulTerminatedString() throws CorruptedPacketException {
        if (data.length == 0 || data[data.length - 1] != 0) {
            throw new CorruptedPacketException("message for " + Srvid.name(srvid) + " is not a NUL-terminated string");
        }
        return new String(data, 0, data.length - 1, StandardCharsets.US_ASCII);
    }
}
