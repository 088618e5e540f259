package dev.sambasidecars.store.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.sambasidecars.store.state.RecordCheck;
import dev.sambasidecars.store.v1.DigestReply;
import dev.sambasidecars.store.v1.PersistentOpen;
import dev.sambasidecars.store.v1.Status;
import dev.sambasidecars.store.v1.UpdateResult;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Three store nodes on loopback: writes through any node, linearizable reads, replicas equal, restarts. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class StoreNodeTest {

    static PersistentOpen open(long fileId, int node) {
        ByteString guid = ByteString.copyFrom(ByteBuffer.allocate(16).putLong(fileId).putLong(7).array());
        return PersistentOpen.newBuilder().setPersistentFileId(fileId).setClientGuid(guid).setCreateGuid(guid)
                .setOwningNode(node).setDurableTimeoutMs(60_000).setShare("vms").setPath("f" + fileId).build();
    }

    static ByteString key(long fileId) {
        return ByteString.copyFrom(ByteBuffer.allocate(8).putLong(fileId).array());
    }

    /** Puts records {@code from} to {@code to - 1} through {@code s}, each acknowledged OK. */
    static void putAll(RecordStore s, int from, int to, int node, String... why) throws Exception {
        for (int i = from; i < to; i++) {
            assertEquals(Status.STATUS_OK, put(s, i, node).getStatus(), why.length > 0 ? why[0] : null);
        }
    }

    static UpdateResult put(RecordStore s, long fileId, int node) throws Exception {
        ByteString v = open(fileId, node).toByteString();
        return s.put(key(fileId), v, RecordCheck.crc32c(v)).get(30, TimeUnit.SECONDS);
    }

    @Test
    void writesThroughAnyNodeAreReadEverywhereAndReplicasEndEqual(@TempDir Path dir) throws Exception {
        try (LocalCluster c = new LocalCluster(dir, 3, 4)) {
            List<RecordStore> stores = c.nodes.stream().map(RecordStore::new).toList();
            List<CompletableFuture<UpdateResult>> writes = new ArrayList<>();
            for (int i = 0; i < 600; i++) {
                ByteString v = open(i, i % 3).toByteString();
                writes.add(stores.get(i % 3).put(key(i), v, RecordCheck.crc32c(v)));
            }
            for (CompletableFuture<UpdateResult> w : writes) {
                assertEquals(Status.STATUS_OK, w.get(60, TimeUnit.SECONDS).getStatus());
            }
            for (int i = 0; i < 600; i += 37) {
                for (RecordStore s : stores) {
                    assertEquals(open(i, i % 3).toByteString(), s.get(key(i)).get(30, TimeUnit.SECONDS).getRecord().getValue());
                }
            }
            assertEquals(200, stores.get(2).listByNode(1).get(30, TimeUnit.SECONDS).getRecordsCount());
            assertEquals(1, stores.get(0).findByFileId(42).get(30, TimeUnit.SECONDS).getRecordsCount());

            // Every replica of every shard applied the same log: equal digests.
            for (int shard = 0; shard < 4; shard++) {
                DigestReply leader = stores.get(0).digest(shard).get(30, TimeUnit.SECONDS);
                long deadline = System.nanoTime() + 20_000_000_000L;
                for (StoreNode n : c.nodes) {
                    ShardStateMachine m = n.machine(shard);
                    while (m.getLastAppliedTermIndex().getIndex() < leader.getAppliedIndex() && System.nanoTime() < deadline) {
                        Thread.sleep(20);
                    }
                }
                List<ByteString> digests = new ArrayList<>();
                for (StoreNode n : c.nodes) {
                    digests.add(n.machine(shard).digest().getSha256());
                }
                assertEquals(1, digests.stream().distinct().count(), "shard " + shard + " digests " + digests);
            }
        }
    }

    @Test
    void compareAndSetIsLinearizableAcrossNodes(@TempDir Path dir) throws Exception {
        try (LocalCluster c = new LocalCluster(dir, 3, 2)) {
            RecordStore a = new RecordStore(c.nodes.get(0));
            RecordStore b = new RecordStore(c.nodes.get(1));
            UpdateResult first = put(a, 1, 0);
            ByteString v = open(1, 1).toByteString();
            UpdateResult moved = b.compareAndSet(key(1), first.getVersion(), v, RecordCheck.crc32c(v)).get(30, TimeUnit.SECONDS);
            assertEquals(Status.STATUS_OK, moved.getStatus());
            // A read on the other node right after the acknowledgement sees it (read index, not a stale local read).
            assertEquals(moved.getVersion(), a.get(key(1)).get(30, TimeUnit.SECONDS).getRecord().getVersion());
            UpdateResult stale = a.compareAndSet(key(1), first.getVersion(), v, RecordCheck.crc32c(v)).get(30, TimeUnit.SECONDS);
            assertEquals(Status.STATUS_VERSION_MISMATCH, stale.getStatus());
            assertEquals(moved.getVersion(), stale.getFoundVersion());
            // Refused before it reaches a log: a corrupt record.
            UpdateResult bad = a.put(key(2), v, RecordCheck.crc32c(v) ^ 1).get(30, TimeUnit.SECONDS);
            assertEquals(Status.STATUS_INVALID_RECORD, bad.getStatus());
            assertFalse(a.get(key(2)).get(30, TimeUnit.SECONDS).getFound());
        }
    }

    @Test
    void shardLeadersSweepDisconnectedOpensPastTheirDurableTimeoutOnEveryReplica(@TempDir Path dir) throws Exception {
        try (LocalCluster c = new LocalCluster(dir, 3, 2)) {
            RecordStore s = new RecordStore(c.nodes.get(0));
            long now = System.currentTimeMillis();
            for (int i = 0; i < 20; i++) {
                PersistentOpen o = open(i, 0).toBuilder()
                        // Even ids were disconnected long enough ago; odd ones have a minute left.
                        .setDisconnectTimeUnixMs(i % 2 == 0 ? now - 120_000 : now).setDurableTimeoutMs(60_000).build();
                ByteString v = o.toByteString();
                assertEquals(Status.STATUS_OK, s.put(key(i), v, RecordCheck.crc32c(v)).get(30, TimeUnit.SECONDS).getStatus());
            }
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (s.listByNode(0).get(30, TimeUnit.SECONDS).getRecordsCount() > 10 && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            List<Long> left = s.listByNode(0).get(30, TimeUnit.SECONDS).getRecordsList().stream()
                    .map(r -> r.getKey().asReadOnlyByteBuffer().getLong()).sorted().toList();
            assertEquals(List.of(1L, 3L, 5L, 7L, 9L, 11L, 13L, 15L, 17L, 19L), left);
            assertTrue(c.nodes.stream().mapToLong(StoreNode::expired).sum() >= 10, "the sweeps were proposed by leaders");
            // Every replica removed the same ones.
            for (int shard = 0; shard < 2; shard++) {
                long applied = s.digest(shard).get(30, TimeUnit.SECONDS).getAppliedIndex();
                for (StoreNode n : c.nodes) {
                    while (n.machine(shard).digest().getAppliedIndex() < applied && System.nanoTime() < deadline) {
                        Thread.sleep(20);
                    }
                }
                int sh = shard;
                assertEquals(1, c.nodes.stream().map(n -> n.machine(sh).digest().getSha256()).distinct().count());
            }
        }
    }

    @Test
    void aRestartedNodeKeepsItsRecordsAndCatchesUp(@TempDir Path dir) throws Exception {
        try (LocalCluster c = new LocalCluster(dir, 3, 2)) {
            RecordStore a = new RecordStore(c.nodes.get(0));
            putAll(a, 0, 50, 0);
            c.nodes.get(2).close();
            putAll(a, 50, 100, 0, "two of three replicas are a majority");
            c.nodes.set(2, c.start(2));
            RecordStore back = new RecordStore(c.nodes.get(2));
            for (int i = 0; i < 100; i += 9) {
                assertTrue(back.get(key(i)).get(30, TimeUnit.SECONDS).getFound(), "record " + i);
            }
            // And the whole cluster restarted keeps every record.
            for (int n = 0; n < 3; n++) {
                c.nodes.get(n).close();
            }
            for (int n = 0; n < 3; n++) {
                c.nodes.set(n, c.start(n));
            }
            RecordStore again = new RecordStore(c.nodes.get(1));
            assertEquals(100, again.listByNode(0).get(60, TimeUnit.SECONDS).getRecordsCount());
        }
    }

    /** Once the replica has applied as far as {@code want}, it holds the same records. */
    static void assertSameDigest(DigestReply want, ShardStateMachine m, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (m.getLastAppliedTermIndex().getIndex() < want.getAppliedIndex() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(want.getSha256(), m.digest().getSha256(), what);
    }

    /** Which node leads each shard, as node {@code pnn}'s replicas see it (-1: no leader known). */
    private static List<Integer> leaders(LocalCluster c, int pnn) {
        List<Integer> out = new ArrayList<>();
        for (int s = 0; s < c.shards; s++) {
            var id = c.nodes.get(pnn).division(s).getInfo().getLeaderId();
            out.add(id == null ? -1 : StoreNode.pnnOf(id));
        }
        return out;
    }

    /**
     * Waits until every node sees {@code want} as the shards' leaders: a node that has not yet
     * heard of a new leader sends its writes through the Raft client instead of forwarding them.
     */
    private static void awaitLeaders(LocalCluster c, List<Integer> want) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        for (int pnn = 0; pnn < c.nodes.size(); pnn++) {
            while (!leaders(c, pnn).equals(want) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertEquals(want, leaders(c, pnn), "as node " + pnn + " sees them");
        }
    }

    @Test
    void aNodeUnfitToLeadHandsItsLeadershipsAwayAndGetsThemBack(@TempDir Path dir) throws Exception {
        try (LocalCluster c = new LocalCluster(dir, 3, 3)) {
            c.nodes.forEach(n -> n.fitToLead(java.util.Set.of(0, 1, 2)));
            awaitLeaders(c, List.of(0, 1, 2));
            // Node 1 is disabled: its shard goes to the next node round (2), the rest stay.
            c.nodes.forEach(n -> n.fitToLead(java.util.Set.of(0, 2)));
            awaitLeaders(c, List.of(0, 2, 2));
            // Counted when the hand-over's answer reaches node 1, which can be after the others
            // have heard from the new leader.
            long counted = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (c.nodes.get(1).leadershipMoves() == 0 && System.nanoTime() < counted) {
                Thread.sleep(50);
            }
            assertEquals(1, c.nodes.get(1).leadershipMoves());
            RecordStore viaOne = new RecordStore(c.nodes.get(1));
            putAll(viaOne, 0, 30, 1, "the unfit node still takes writes");
            assertTrue(c.nodes.get(1).forwarded() >= 30, "and forwards them to the leaders: " + c.nodes.get(1).forwarded());
            // Only node 0 is fit: it leads everything; then all are, and the leaders spread again.
            c.nodes.forEach(n -> n.fitToLead(java.util.Set.of(0)));
            awaitLeaders(c, List.of(0, 0, 0));
            c.nodes.forEach(n -> n.fitToLead(java.util.Set.of(0, 1, 2)));
            awaitLeaders(c, List.of(0, 1, 2));
            assertEquals(30, new RecordStore(c.nodes.get(2)).listByNode(1).get(30, TimeUnit.SECONDS).getRecordsCount());
        }
    }

    /**
     * While a leader hands its shard over, Ratis refuses new writes to it as "stepping down";
     * the writes through that node go on to the new leader and every one is acknowledged.
     */
    @Test
    void writesThroughALeaderHandingItsShardOverAllSucceed(@TempDir Path dir) throws Exception {
        try (LocalCluster c = new LocalCluster(dir, 3, 1)) {
            c.nodes.forEach(n -> n.fitToLead(java.util.Set.of(0, 1, 2)));
            awaitLeaders(c, List.of(0));
            RecordStore viaZero = new RecordStore(c.nodes.get(0));
            java.util.concurrent.atomic.AtomicBoolean writing = new java.util.concurrent.atomic.AtomicBoolean(true);
            java.util.concurrent.atomic.AtomicInteger written = new java.util.concurrent.atomic.AtomicInteger();
            CompletableFuture<Void> load = CompletableFuture.runAsync(() -> {
                try {
                    List<CompletableFuture<UpdateResult>> window = new ArrayList<>();
                    for (int i = 0; writing.get(); i++) {
                        ByteString v = open(i, 0).toByteString();
                        window.add(viaZero.put(key(i), v, RecordCheck.crc32c(v)));
                        if (window.size() == 16) {
                            for (CompletableFuture<UpdateResult> w : window) {
                                assertEquals(Status.STATUS_OK, w.get(30, TimeUnit.SECONDS).getStatus());
                                written.incrementAndGet();
                            }
                            window.clear();
                        }
                    }
                } catch (Exception e) {
                    throw new java.util.concurrent.CompletionException(e);
                }
            });
            Thread.sleep(500);
            c.nodes.forEach(n -> n.fitToLead(java.util.Set.of(1, 2)));
            awaitLeaders(c, List.of(1));
            int atHandOver = written.get();
            Thread.sleep(500);
            writing.set(false);
            load.get(60, TimeUnit.SECONDS);
            assertTrue(atHandOver > 0 && written.get() > atHandOver, "writes before and after: " + atHandOver + ", "
                    + written.get());
            assertEquals(1, c.nodes.get(0).leadershipMoves());
            // Idle for longer than a follower's log may stand still: every follower caught up, none
            // took itself for stalled (an empty entry written would show here).
            Thread.sleep(StalledReplicas.STILL_FOR.toMillis() + 5_000);
            assertEquals(0, c.nodes.stream().mapToLong(StoreNode::stuckFollowers).sum(), "no replica took itself for stalled");
            long committed = c.nodes.get(1).division(0).getRaftLog().getLastCommittedIndex();
            for (StoreNode n : c.nodes) {
                assertEquals(committed, n.division(0).getRaftLog().getLastCommittedIndex(), "every replica's commit index");
            }
        }
    }

    /**
     * A replica cut off from its shard's membership change asks the other nodes whether the
     * leader still counts it: the leader's answer leaves out a node not among its members, and
     * counts one that is.
     */
    @Test
    void theLeaderTellsWhichReplicasItsMembersLeaveOut(@TempDir Path dir) throws Exception {
        try (LocalCluster c = new LocalCluster(dir, 3, 1)) {
            awaitLeaders(c, List.of(0));
            StoreConfig config = c.config(2);
            List<org.apache.ratis.protocol.RaftPeer> others = List.of(c.nodes.get(2).peer(0, 0), c.nodes.get(2).peer(1, 0));
            var gid = c.nodes.get(2).group(0).getGroupId();
            var props = RatisSettings.properties(config);
            var params = RatisSettings.parameters(config);
            assertTrue(RunningShards.removedFrom(props, params, others, gid, StoreNode.peerId(7)), "node 7 is no member");
            assertFalse(RunningShards.removedFrom(props, params, others, gid, StoreNode.peerId(2)), "node 2 is one");
            assertFalse(c.nodes.get(2).leftOutOf(0), "as node 2 asks it");
            // Without its leader, nobody answers for the shard: nothing is left out.
            assertFalse(RunningShards.removedFrom(props, params, List.of(c.nodes.get(2).peer(1, 0)), gid,
                    StoreNode.peerId(7)), "a follower does not answer for the leader");
        }
    }

    @Test
    void aReplicaShutDownUnderTheNodeIsRemovedAndJoinsAgain(@TempDir Path dir) throws Exception {
        try (LocalCluster c = new LocalCluster(dir, 3, 1)) {
            RecordStore a = new RecordStore(c.nodes.get(0));
            putAll(a, 0, 20, 0);
            int leader = leaders(c, 0).get(0);
            StoreNode follower = c.nodes.get((leader + 1) % 3);
            // What Ratis does to a replica whose vote request a leader answers with "shut down".
            follower.division(0).close();
            putAll(a, 20, 40, 0);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline && (follower.division(0) == null || follower.machine(0) == null
                    || !follower.division(0).getInfo().getLifeCycleState().isRunning())) {
                Thread.sleep(100);
            }
            assertTrue(follower.division(0).getInfo().getLifeCycleState().isRunning(), "the replica runs again");
            ShardStateMachine m = follower.machine(0);
            assertSameDigest(a.digest(0).get(30, TimeUnit.SECONDS), m, "the replica joined again equals the leader's");
            assertEquals(40, m.records());
        }
    }

    /** The members of a shard as its leader has committed them (empty while it has none or is changing them). */
    private static java.util.Set<Integer> members(List<StoreNode> running, int shard) {
        for (StoreNode n : running) {
            var d = n.division(shard);
            if (d != null && d.getInfo().isLeaderReady() && d.getRaftConf().getPreviousPeers().isEmpty()) {
                java.util.Set<Integer> out = new java.util.TreeSet<>();
                d.getRaftConf().getCurrentPeers().forEach(p -> out.add(StoreNode.pnnOf(p.getId())));
                return out;
            }
        }
        return java.util.Set.of();
    }

    private static void awaitPlacement(List<StoreNode> running, int shards, List<Integer> pnns) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        for (int s = 0; s < shards; s++) {
            java.util.Set<Integer> want = new java.util.TreeSet<>(dev.sambasidecars.store.shard.Shards.place(s, pnns, 3));
            while (!members(running, s).equals(want) && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertEquals(want, members(running, s), "shard " + s + " placed over nodes " + pnns);
        }
    }

    @Test
    void aNewNodeGetsReplicasAndALostNodesReplicasAreReplaced(@TempDir Path dir) throws Exception {
        try (LocalCluster c = new LocalCluster(dir, 3, 4)) {
            RecordStore a = new RecordStore(c.nodes.get(0));
            putAll(a, 0, 60, 0);
            StoreNode fresh = c.addNode();
            awaitPlacement(c.nodes, 4, List.of(0, 1, 2, 3));
            assertFalse(fresh.localShards().isEmpty(), "the new node holds replicas");
            RecordStore viaNew = new RecordStore(fresh);
            putAll(viaNew, 60, 90, 3);
            // Node 1 is lost (deleted from the cluster): its replicas go to the others.
            c.nodes.get(1).close();
            java.util.Map<Integer, java.net.InetSocketAddress> left = new java.util.HashMap<>(c.addresses);
            left.remove(1);
            List<StoreNode> running = List.of(c.nodes.get(0), c.nodes.get(2), c.nodes.get(3));
            running.forEach(n -> n.members(left));
            awaitPlacement(running, 4, List.of(0, 2, 3));
            RecordStore viaTwo = new RecordStore(c.nodes.get(2));
            assertEquals(60, viaTwo.listByNode(0).get(60, TimeUnit.SECONDS).getRecordsCount());
            assertEquals(30, viaTwo.listByNode(3).get(60, TimeUnit.SECONDS).getRecordsCount());
            // Every replica of every shard ends with the same records.
            for (int s = 0; s < 4; s++) {
                DigestReply want = viaTwo.digest(s).get(30, TimeUnit.SECONDS);
                for (StoreNode n : running) {
                    ShardStateMachine m = n.machine(s);
                    if (n.division(s) == null || m == null) {
                        continue;
                    }
                    assertSameDigest(want, m, "shard " + s + " on node " + n.config().thisNode());
                }
            }
        }
    }
}
