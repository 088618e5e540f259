package dev.sambasidecars.it.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.sambasidecars.common.ipc.GrpcUnix;
import dev.sambasidecars.it.ExecResult;
import dev.sambasidecars.it.SambaCluster;
import dev.sambasidecars.it.SambaClusterTest;
import dev.sambasidecars.it.Sidecars;
import dev.sambasidecars.it.StoreReplicas;
import dev.sambasidecars.store.load.StoreLoad;
import dev.sambasidecars.store.state.RecordCheck;
import dev.sambasidecars.store.v1.GetRequest;
import dev.sambasidecars.store.v1.PutRequest;
import dev.sambasidecars.store.v1.ShardStat;
import dev.sambasidecars.store.v1.StatReply;
import dev.sambasidecars.store.v1.Status;
import dev.sambasidecars.store.v1.StoreGrpc;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * persist-store on a real 3-node Samba/CTDB cluster: node list from ctdb-bridge, Raft between
 * the nodes over mutual TLS. sidecarctl reads and writes from any node; a shard leader killed
 * with SIGKILL in the middle of a write load loses no acknowledged write; a partitioned node
 * refuses writes while the majority goes on; a full restart of every store keeps every record; a
 * disabled node hands its leaderships away and takes them back when enabled.
 */
@SambaClusterTest(nodes = 3)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PersistStoreIT {
    private static final String CTL = "/opt/samba-sidecars/bin/sidecarctl ";
    private static final String WRITE_TIMEOUT = "sidecar persist-store:write timeout=4s";
    // Three shards, one led by each node: the leadership tests need a shard per node.
    private static final String SHARDS = "sidecar persist-store:shards=3";

    @BeforeAll
    static void startStores(SambaCluster cluster) throws InterruptedException {
        Sidecars.startStoreStack(cluster, WRITE_TIMEOUT, SHARDS);
        // Placement moves each shard's leadership to its node in the first seconds; the tests start
        // once that is done. (On a host that froze the JVMs for up to a second at a time, the first
        // put landed in those moves and its 4 s ran out.)
        awaitLeadersPlaced(cluster);
    }

    @Test
    @Order(1)
    void sidecarctlWritesReadsAndDeletesFromAnyNode(SambaCluster cluster) {
        ExecResult put = cluster.exec(0, CTL + "store put fid-42 --json "
                + "'{\"persistentFileId\":\"42\",\"owningNode\":1,\"share\":\"vms\",\"path\":\"a.vhdx\"}'");
        assertTrue(put.ok(), put.toString());
        assertTrue(put.stdout().startsWith("put: version "), put.stdout());
        ExecResult get = cluster.exec(2, CTL + "store get fid-42");
        assertTrue(get.ok(), get.toString());
        assertTrue(get.stdout().contains("\"persistentFileId\":\"42\"") && get.stdout().contains("\"path\":\"a.vhdx\""),
                get.stdout());
        ExecResult stale = cluster.exec(1, CTL + "store put fid-42 --expect-version 0 --json '{\"owningNode\":2}'");
        assertEquals(1, stale.exitCode(), stale.toString());
        assertTrue(stale.stdout().contains("VERSION_MISMATCH"), stale.stdout());

        StatReply s = Sidecars.storeStat(cluster, 1);
        assertEquals(3, s.getShardsCount(), s.toString());
        for (ShardStat sh : s.getShardsList()) {
            assertEquals(3, sh.getReplicasCount(), sh.toString());
            assertFalse(sh.getLeader().isEmpty(), sh.toString());
        }
        assertTrue(cluster.exec(1, CTL + "store list --node 1").stdout().contains("\"key\":\"fid-42\""));
        assertTrue(cluster.exec(1, CTL + "store delete fid-42").ok());
        ExecResult gone = cluster.exec(0, CTL + "store get fid-42");
        assertEquals(1, gone.exitCode(), gone.toString());
        assertTrue(gone.stderr().contains("no record fid-42"), gone.stderr());
    }

    @Test
    @Order(2)
    void killingAShardLeaderMidLoadLosesNoAcknowledgedWrite(SambaCluster cluster) throws Exception {
        StatReply s = Sidecars.storeStat(cluster, 0);
        int victim = Integer.parseInt(s.getShards(0).getLeader().substring(1));
        List<Path> sockets = Sidecars.storeSockets(cluster);
        CompletableFuture<StoreLoad.Result> load = CompletableFuture.supplyAsync(() -> {
            try {
                return StoreLoad.run(sockets, 24, 40, Duration.ofSeconds(25));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(6000);
        cluster.exec(victim, "kill -9 $(cat /run/persist-store.pid)").orThrow();
        Thread.sleep(7000);
        Sidecars.start(cluster, victim, "persist-store", WRITE_TIMEOUT, SHARDS);
        StoreLoad.Result r = load.get(120, TimeUnit.SECONDS);
        assertTrue(r.acked() > 200, r.toString());
        assertTrue(r.failed() > 0, "the killed node's own clients saw it go: " + r);
        Sidecars.awaitStoreLeaders(cluster);
        for (int node = 0; node < cluster.size(); node++) {
            List<String> wrong = StoreLoad.verify(Sidecars.storeSocket(cluster, node), r.keys());
            assertEquals(List.of(), wrong, "read through node " + node + " after " + r);
        }
        StoreReplicas.awaitEqual(cluster, List.of(0, 1, 2));
    }

    @Test
    @Order(3)
    void aPartitionedNodeRefusesWritesWhileTheMajorityGoesOn(SambaCluster cluster) throws Exception {
        int cut = 2;
        ByteString before = put(Sidecars.storeSocket(cluster, 0), "partition/before", 7);
        cluster.isolate(cut);
        try {
            StatusRuntimeException refused = assertThrows(StatusRuntimeException.class,
                    () -> put(Sidecars.storeSocket(cluster, cut), "partition/minority", 8));
            assertEquals(io.grpc.Status.Code.UNAVAILABLE, refused.getStatus().getCode(), refused.toString());
            // The majority side writes and never sees the minority's attempt.
            put(Sidecars.storeSocket(cluster, 1), "partition/majority", 9);
            assertFalse(get(Sidecars.storeSocket(cluster, 0), "partition/minority"));
            assertTrue(get(Sidecars.storeSocket(cluster, 0), "partition/majority"));
            // Nor does the cut node answer reads it cannot prove current.
            assertThrows(StatusRuntimeException.class, () -> get(Sidecars.storeSocket(cluster, cut), "partition/majority"));
        } finally {
            cluster.heal(cut);
        }
        Sidecars.awaitStoreLeaders(cluster);
        SambaCluster.awaitCondition("the healed node reads the majority's write", Duration.ofSeconds(60),
                () -> {
                    try {
                        return get(Sidecars.storeSocket(cluster, cut), "partition/majority");
                    } catch (StatusRuntimeException e) {
                        return false;
                    }
                });
        assertTrue(get(Sidecars.storeSocket(cluster, cut), "partition/before") && before != null);
        StoreReplicas.awaitEqual(cluster, List.of(0, 1, 2));
    }

    @Test
    @Order(4)
    void aFullRestartOfEveryStoreKeepsEveryRecord(SambaCluster cluster) throws Exception {
        StoreLoad.Result r = StoreLoad.run(List.of(Sidecars.storeSocket(cluster, 1)), 8, 50, Duration.ofSeconds(8));
        assertTrue(r.failed() == 0 && r.acked() > 50, r.toString());
        for (int i = 0; i < cluster.size(); i++) {
            cluster.exec(i, "kill -9 $(cat /run/persist-store.pid)").orThrow();
        }
        for (int i = 0; i < cluster.size(); i++) {
            Sidecars.start(cluster, i, "persist-store", WRITE_TIMEOUT, SHARDS);
        }
        Sidecars.awaitStoreLeaders(cluster);
        assertEquals(List.of(), StoreLoad.verify(Sidecars.storeSocket(cluster, 2), r.keys()));
        StoreReplicas.awaitEqual(cluster, List.of(0, 1, 2));
    }

    @Test
    @Order(5)
    void aDisabledNodeHandsItsLeadershipsAwayAndTakesThemBackWhenEnabled(SambaCluster cluster) throws Exception {
        awaitLeadersPlaced(cluster);
        cluster.ctdb(1, "disable").orThrow();
        try {
            long t0 = System.nanoTime();
            SambaCluster.awaitCondition("no shard led by the disabled node", Duration.ofSeconds(30),
                    () -> !leaders(cluster).contains("n1"));
            System.out.printf("leadership left the disabled node %d ms after ctdb disable returned%n",
                    (System.nanoTime() - t0) / 1_000_000);
            assertEquals(List.of("n0", "n2", "n2"), leaders(cluster), "its shard went to the next node round");
            // The disabled node still takes writes from its own clients (and forwards them).
            ByteString written = put(Sidecars.storeSocket(cluster, 1), "disabled/write", 1);
            assertTrue(get(Sidecars.storeSocket(cluster, 0), written.toStringUtf8()));
        } finally {
            cluster.ctdb(1, "enable").orThrow();
        }
        SambaCluster.awaitCondition("the enabled node leads its shard again", Duration.ofSeconds(60),
                () -> leaders(cluster).equals(List.of("n0", "n1", "n2")));
    }

    /** Waits until each shard is led by its placed node: shard s by node s. */
    private static void awaitLeadersPlaced(SambaCluster cluster) throws InterruptedException {
        SambaCluster.awaitCondition("shard s led by node s", Duration.ofSeconds(60),
                () -> leaders(cluster).equals(List.of("n0", "n1", "n2")));
    }

    /** The leader of each shard as node 0 sees it ("" while unknown). */
    private static List<String> leaders(SambaCluster cluster) {
        StatReply s = Sidecars.storeStat(cluster, 0);
        return s == null ? List.of() : s.getShardsList().stream().map(ShardStat::getLeader).toList();
    }

    private static ByteString put(Path socket, String key, int node) {
        ManagedChannel ch = GrpcUnix.channel(socket);
        try {
            ByteString v = StoreLoad.open(node, 1, 1, node).toByteString();
            ByteString k = ByteString.copyFromUtf8(key);
            var r = StoreGrpc.newBlockingStub(ch).withDeadlineAfter(20, TimeUnit.SECONDS)
                    .put(PutRequest.newBuilder().setKey(k).setValue(v).setCrc32C(RecordCheck.crc32c(v)).build());
            assertEquals(Status.STATUS_OK, r.getStatus(), r.toString());
            return k;
        } finally {
            ch.shutdownNow();
        }
    }

    private static boolean get(Path socket, String key) {
        ManagedChannel ch = GrpcUnix.channel(socket);
        try {
            return StoreGrpc.newBlockingStub(ch).withDeadlineAfter(20, TimeUnit.SECONDS)
                    .get(GetRequest.newBuilder().setKey(ByteString.copyFromUtf8(key)).build()).getFound();
        } finally {
            ch.shutdownNow();
        }
    }
}
