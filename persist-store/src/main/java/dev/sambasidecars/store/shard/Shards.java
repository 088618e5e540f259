package dev.sambasidecars.store.shard;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

/**
 * Keys to shards and shards to nodes. A key's shard is its CRC-32C modulo the shard count (fixed
 * when the store is created). A shard's replicas are the {@code replicas} nodes with the highest
 * rendezvous score for it, so adding or removing a node moves only the replicas that must move.
 */
public final class Shards {

    private final int count;

    public Shards(int count) {
        if (count < 1 || count > 4096) {
            throw new IllegalArgumentException("shard count " + count + " (1 to 4096)");
        }
        this.count = count;
    }

    public int count() {
        return count;
    }

    public int of(ByteString key) {
        return (int) (Integer.toUnsignedLong(Crc32c.of(key)) % count);
    }

    /** The Raft group id of a shard: the same on every node for the same store name. */
    public static UUID groupId(String storeName, int shard) {
        return UUID.nameUUIDFromBytes(("samba-sidecars/persist-store/" + storeName + "/shard/" + shard)
                .getBytes(StandardCharsets.UTF_8));
    }

    /** The {@code replicas} nodes (pnns) that hold {@code shard}, best first. */
    public static List<Integer> place(int shard, List<Integer> nodes, int replicas) {
        List<Integer> ranked = new ArrayList<>(nodes);
        ranked.sort(Comparator.comparingLong((Integer n) -> score(shard, n)).reversed().thenComparing(n -> n));
        return List.copyOf(ranked.subList(0, Math.min(replicas, ranked.size())));
    }

    static long score(int shard, int node) {
        // splitmix64 of the pair: stable across JVMs and versions.
        long z = ((long) shard << 32 | (node & 0xffffffffL)) + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
