package dev.sambasidecars.store.shard;

import com.google.protobuf.ByteString;
import java.util.zip.CRC32C;

/**
 * CRC-32C of a {@link ByteString} without a copy of it per call: the JDK's checksum, handed a
 * ByteString's read-only buffer, copies it into a new array each time (a key's shard and a record's
 * checksum are taken several times per write, on every replica). The bytes go through one
 * scratch array per thread instead.
 */
public final class Crc32c {

    private static final int SCRATCH = 4096;
    private static final ThreadLocal<byte[]> SCRATCHES = ThreadLocal.withInitial(() -> new byte[SCRATCH]);

    private Crc32c() {
    }

    public static int of(ByteString bytes) {
        CRC32C crc = new CRC32C();
        byte[] scratch = SCRATCHES.get();
        int size = bytes.size();
        for (int at = 0; at < size; at += SCRATCH) {
            int n = Math.min(SCRATCH, size - at);
            bytes.copyTo(scratch, at, 0, n);
            crc.update(scratch, 0, n);
        }
        return (int) crc.getValue();
    }
}
