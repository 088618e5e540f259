package dev.sambasidecars.witness.msrpce;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The security verification trailer (MS-RPCE 2.2.2.13) clients such as Samba's append to a
 * request stub on authenticated associations: 4-byte aligned magic 8a e3 13 71 02 f4 36 71,
 * then commands (type u16 with END 0x4000 and MUST_PROCESS 0x8000 bits, length u16, data)
 * reaching exactly to the end of the stub. It is not part of the call's NDR data: the engine
 * checks its shape and hands the stub without it to the interface.
 */
final class VerificationTrailer {
    private VerificationTrailer() {}

    private static final byte[] MAGIC = {(byte) 0x8a, (byte) 0xe3, 0x13, 0x71, 0x02, (byte) 0xf4, 0x36, 0x71};
    private static final int END = 0x4000;
    private static final int TYPE_MASK = 0x3fff;
    private static final int MAX_TYPE = 3;

    /** The stub without a trailing verification trailer, or the stub itself when it has none. */
    static byte[] strip(byte[] stub) throws CorruptPduException {
        for (int at = (stub.length - MAGIC.length - 4) & ~3; at >= 0; at -= 4) {
            if (Arrays.equals(stub, at, at + MAGIC.length, MAGIC, 0, MAGIC.length)) {
                if (!wellFormed(stub, at + MAGIC.length)) {
                    throw new CorruptPduException("malformed verification trailer at stub offset " + at);
                }
                return Arrays.copyOf(stub, at);
            }
        }
        return stub;
    }

    /** Commands from {@code off} to the end: known types, lengths inside, the last one marked END. */
    private static boolean wellFormed(byte[] stub, int off) {
        ByteBuffer b = ByteBuffer.wrap(stub).order(ByteOrder.LITTLE_ENDIAN);
        int pos = off;
        while (pos + 4 <= stub.length) {
            int command = b.getShort(pos) & 0xffff;
            int length = b.getShort(pos + 2) & 0xffff;
            int type = command & TYPE_MASK;
            pos += 4 + length;
            if (type == 0 || type > MAX_TYPE || pos > stub.length) {
                return false;
            }
            if ((command & END) != 0) {
                return pos == stub.length;
            }
        }
        return false;
    }
}
