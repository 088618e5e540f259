package dev.sambasidecars.store.shard;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

class Crc32cTest {

    @Test
    void theCheckValueOfCrc32c() {
        // RFC 3720 (iSCSI) B.4 and every CRC catalogue: CRC-32C of the ASCII digits 1 to 9.
        assertEquals(0xE3069283, Crc32c.of(ByteString.copyFrom("123456789", StandardCharsets.US_ASCII)));
        assertEquals(0, Crc32c.of(ByteString.EMPTY));
    }

    @Test
    void agreesWithTheJdkAcrossTheScratchArraysEdgesAndOnSlices() {
        Random r = new Random(7);
        for (int size : new int[] {1, 31, 4095, 4096, 4097, 8192, 10_000, 70_000}) {
            byte[] b = new byte[size + 9];
            r.nextBytes(b);
            // A slice (not starting at its array's first byte) and a whole copy.
            ByteString slice = ByteString.copyFrom(b).substring(5, 5 + size);
            ByteString whole = ByteString.copyFrom(b, 5, size);
            CRC32C jdk = new CRC32C();
            jdk.update(b, 5, size);
            assertEquals((int) jdk.getValue(), Crc32c.of(slice), "slice of " + size);
            assertEquals((int) jdk.getValue(), Crc32c.of(whole), "copy of " + size);
        }
    }

    @Test
    void aKeysShardIsItsCrcModuloTheCount() {
        // The shard of a key is fixed for the life of a store: it must not move with how the CRC is taken.
        Shards shards = new Shards(7);
        for (String k : new String[] {"a", "open/1/2", "123456789", "a longer key of an open, near the 256-byte cap"}) {
            byte[] b = k.getBytes(StandardCharsets.UTF_8);
            CRC32C jdk = new CRC32C();
            jdk.update(b);
            assertEquals((int) (jdk.getValue() % 7), shards.of(ByteString.copyFrom(b)), k);
        }
        assertEquals(0xE3069283L % 7, shards.of(ByteString.copyFromUtf8("123456789")));
    }
}
