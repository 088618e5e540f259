package dev.sambasidecars.ctdb.protocol;

/**
 * {@code struct ctdb_req_header}, the 32 bytes that start every CTDB packet (protocol.h):
 * length, magic "CTDB", version 1, generation, operation, destnode, srcnode, reqid — all
 * uint32 in host order.
 */
public record PacketHeader(int length, int generation, int operation, int destnode, int srcnode, int reqid) {

    public static final int SIZE = 32;
    public static final int MAGIC = 0x43544442;
    public static final int VERSION = 1;

    /** destnode meaning "the node the client is connected to". */
    public static final int CURRENT_NODE = 0xF0000001;

    /** Decodes and checks a header: magic, version and a length no shorter than the header. */
    public static PacketHeader decode(CtdbBuffer b) throws CtdbProtocolException {
        int length = b.i32("header length");
        int magic = b.i32("header magic");
        int version = b.i32("header version");
        if (magic != MAGIC) {
            throw new CorruptedPacketException(String.format("bad magic 0x%08x (want 0x%08x)", magic, MAGIC));
        }
        if (version != VERSION) {
            throw new CorruptedPacketException("unsupported protocol version " + Integer.toUnsignedString(version));
        }
        if (Integer.compareUnsigned(length, SIZE) < 0) {
            throw new CorruptedPacketException("packet length " + Integer.toUnsignedString(length)
                    + " is shorter than its header");
        }
        return new PacketHeader(length, b.i32("generation"), b.i32("operation"), b.i32("destnode"),
                b.i32("srcnode"), b.i32("reqid"));
    }

    public void encode(CtdbBuffer b) {
        b.putI32(length).putI32(MAGIC).putI32(VERSION).putI32(generation).putI32(operation)
                .putI32(destnode).putI32(srcnode).putI32(reqid);
    }
}
