package dev.sambasidecars.store.raft;

import static dev.sambasidecars.store.raft.StoreNodeTest.assertSameDigest;
import static dev.sambasidecars.store.raft.StoreNodeTest.put;
import static dev.sambasidecars.store.raft.StoreNodeTest.putAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sambasidecars.store.v1.DigestReply;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Three store nodes on loopback: a replica whose log was damaged, lost or left behind gets back in step. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ReplicaRecoveryTest {

    @Test
    void aReplicaWithACorruptLogSegmentSaysSoAndRecoversFromItsPeers(@TempDir Path dir) throws Exception {
        try (LocalCluster c = new LocalCluster(dir, 3, 1)) {
            RecordStore a = new RecordStore(c.nodes.get(0));
            putAll(a, 0, 120, 0);
            c.nodes.get(2).close();
            Path group = groupDir(c, 2);
            Path segment = segment(group, "log_");
            // The check reads Ratis's own segments as sound; a write cut short is a torn tail, not corruption.
            assertEquals(List.of(), LogCheck.scan(group.resolve("current")));
            byte[] bytes = Files.readAllBytes(segment);
            byte[] cut = Arrays.copyOf(bytes, dataEnd(bytes) - 10);
            assertTrue(LogCheck.check(segment, cut).torn(), String.valueOf(LogCheck.check(segment, cut)));
            // Flip bytes in the middle of the segment: an entry there no longer matches its checksum.
            for (int i = bytes.length / 3; i < bytes.length / 3 + 64; i++) {
                bytes[i] ^= 0x5A;
            }
            Files.write(segment, bytes);
            putAll(a, 120, 150, 0);
            c.nodes.set(2, c.start(2));
            assertEquals(1, c.nodes.get(2).corruptSegments(), "the corrupt segment was reported");
            assertEquals(1, c.nodes.get(2).quarantined(), "and its replica set aside");
            RecordStore back = new RecordStore(c.nodes.get(2));
            assertEquals(150, back.listByNode(0).get(60, TimeUnit.SECONDS).getRecordsCount());
            assertSameDigest(a.digest(0).get(30, TimeUnit.SECONDS), c.nodes.get(2).machine(0),
                    "the recovered replica equals the leader's");
        }
    }

    /**
     * A follower back from a restart with its last acknowledged entry gone (its log's tail torn)
     * while the leader went on in the same term: Ratis's leader still counts that entry as the
     * follower's and, on an idle shard, sends only heartbeats that follow it; the follower
     * answers each that it lacks the entry, and nothing more would reach it. The replica sees its
     * log stand still behind its leader's commit and has an empty entry written to the shard,
     * which gets its replication going again.
     */
    @Test
    void aFollowerThatLostItsLastEntryCatchesUpOnAnIdleShard(@TempDir Path dir) throws Exception {
        try (LocalCluster c = new LocalCluster(dir, 3, 1)) {
            RecordStore a = new RecordStore(c.nodes.get(0));
            putAll(a, 0, 30, 0);
            int leader = StoreNode.pnnOf(c.nodes.get(0).division(0).getInfo().getLeaderId());
            int follower = (leader + 1) % 3;
            long last = c.nodes.get(leader).division(0).getRaftLog().getLastCommittedIndex();
            awaitIndex(c.nodes.get(follower), last, "the follower acknowledged every entry");
            c.nodes.get(follower).close();
            Path segment = segment(groupDir(c, follower), "log_inprogress");
            byte[] bytes = Files.readAllBytes(segment);
            // Its last entry's end is torn off: at load, Ratis keeps the entries before it.
            Files.write(segment, Arrays.copyOf(bytes, dataEnd(bytes) - 4));
            c.nodes.set(follower, c.start(follower));
            assertEquals(0, c.nodes.get(follower).quarantined(), "a torn tail is no corruption");
            assertEquals(last - 1, lastInLog(c.nodes.get(follower)), "the follower's log lost its last entry");
            assertEquals(last, c.nodes.get(leader).division(0).getRaftLog().getLastCommittedIndex(), "no writes since");
            awaitIndex(c.nodes.get(follower), last, "the follower caught up without a write");
            assertTrue(c.nodes.get(follower).stuckFollowers() > 0, "its replica had an entry written to the shard");
            assertSameDigest(a.digest(0).get(30, TimeUnit.SECONDS), c.nodes.get(follower).machine(0),
                    "the follower's replica equals the leader's");
        }
    }

    /** Waits up to 60 s until the node's replica of shard 0 has {@code index} in its log. */
    private static void awaitIndex(StoreNode n, long index, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (lastInLog(n) < index && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(lastInLog(n) >= index, what + ": the log ends at " + lastInLog(n) + ", wanted " + index);
    }

    private static long lastInLog(StoreNode n) {
        var last = n.division(0).getRaftLog().getLastEntryTermIndex();
        return last == null ? -1 : last.getIndex();
    }

    @Test
    void aMemberThatLostItsReplicaIsFilledAgainWithoutFurtherWrites(@TempDir Path dir) throws Exception {
        try (LocalCluster c = new LocalCluster(dir, 3, 1)) {
            RecordStore a = new RecordStore(c.nodes.get(0));
            putAll(a, 0, 40, 0);
            DigestReply want = a.digest(0).get(30, TimeUnit.SECONDS);
            c.nodes.get(2).close();
            // Its disk is lost; it comes back empty while the leader still counts it as holding the log.
            org.apache.ratis.util.FileUtils.deleteFully(groupDir(c, 2));
            c.nodes.set(2, c.start(2));
            ShardStateMachine m = c.nodes.get(2).machine(0);
            assertSameDigest(want, m, "the refilled replica equals the leader's");
            assertEquals(40, m.records());
        }
    }

    @Test
    void aReplicaBackAfterTheLogWasCompactedPastItGetsTheLeadersSnapshot(@TempDir Path dir) throws Exception {
        try (LocalCluster c = new LocalCluster(dir, 3, 1, 40)) {
            RecordStore a = new RecordStore(c.nodes.get(0));
            put(a, 0, 0);
            c.nodes.get(2).close();
            putAll(a, 1, 300, 0);
            // Snapshots every 40 entries and a purge gap of 40: the leader no longer has the early entries.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (c.nodes.get(0).division(0).getRaftLog().getStartIndex() <= 1 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertTrue(c.nodes.get(0).division(0).getRaftLog().getStartIndex() > 1, "the leader's log was compacted");
            c.nodes.set(2, c.start(2));
            ShardStateMachine m = c.nodes.get(2).machine(0);
            assertSameDigest(a.digest(0).get(30, TimeUnit.SECONDS), m, "the returning replica equals the leader's");
            assertEquals(300, m.records());
        }
    }

    /** Node {@code pnn}'s directory of shard 0's replica. */
    private static Path groupDir(LocalCluster c, int pnn) {
        return c.config(pnn).directory().resolve(c.nodes.get(0).group(0).getGroupId().getUuid().toString());
    }

    /** The first log segment in a replica's directory whose name starts with {@code prefix}. */
    private static Path segment(Path group, String prefix) throws IOException {
        try (var files = Files.list(group.resolve("current"))) {
            return files.filter(f -> f.getFileName().toString().startsWith(prefix)).findFirst().orElseThrow();
        }
    }

    /** Where a segment's entries end: before the zeros Ratis preallocated after them. */
    private static int dataEnd(byte[] segment) {
        int end = segment.length;
        while (end > 0 && segment[end - 1] == 0) {
            end--;
        }
        return end;
    }
}
