package dev.sambasidecars.ctdb.protocol;

import java.nio.charset.StandardCharsets;

/**
 * {@code struct ctdb_reply_control} (operation 8): status i32, datalen u32, errorlen u32, data,
 * error text (ctdbd sends it without a NUL; CTDB's library with one: both are accepted).
 */
public record ReplyControl(int reqid, int status, byte[] data, String error) {

    public static ReplyControl decode(PacketHeader h, CtdbBuffer b) throws CtdbProtocolException {
        int status = b.i32("status");
        int datalen = b.count("reply datalen", b.remaining());
        int errorlen = b.count("reply errorlen", b.remaining());
        byte[] data = b.bytes(datalen, "reply data");
        byte[] err = b.bytes(errorlen, "reply error");
        int n = err.length;
        while (n > 0 && err[n - 1] == 0) {
            n--;
        }
        return new ReplyControl(h.reqid(), status, data, new String(err, 0, n, StandardCharsets.UTF_8));
    }

    /** Encodes a reply (used by test peers that play ctdbd), padded to 8 like ctdbd does. */
    public byte[] encode() {
        byte[] err = error.getBytes(StandardCharsets.UTF_8);
        int length = (PacketHeader.SIZE + 12 + data.length + err.length + 7) & ~7;
        CtdbBuffer b = CtdbBuffer.writer(length);
        new PacketHeader(length, 1, Operation.REPLY_CONTROL, 0, 0, reqid).encode(b);
        b.putI32(status).putI32(data.length).putI32(err.length).put(data).put(err).padTo(8);
        return b.toArray();
    }

    /** A reader over the reply's data. */
    public CtdbBuffer reader() {
        return CtdbBuffer.reader(data);
    }
}
