package dev.sambasidecars.store.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.sambasidecars.common.tls.ClusterTls;
import dev.sambasidecars.common.tls.NodeSpec;
import dev.sambasidecars.common.tls.TlsInit;
import dev.sambasidecars.store.load.StoreLoad;
import dev.sambasidecars.store.raft.RecordStore;
import dev.sambasidecars.store.raft.StoreConfig;
import dev.sambasidecars.store.raft.StoreNode;
import dev.sambasidecars.store.state.RecordCheck;
import dev.sambasidecars.store.v1.Batch;
import dev.sambasidecars.store.v1.BatchResult;
import dev.sambasidecars.store.v1.PersistentOpen;
import dev.sambasidecars.store.v1.Status;
import dev.sambasidecars.store.v1.Update;
import dev.sambasidecars.store.v1.Write;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Forwarding between two nodes' StorePeers over mutual TLS on loopback: the receiving node is a
 * one-replica store (it leads its only shard), so what it accepts is committed and readable.
 */
class StorePeersTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @TempDir
    Path dir;
    private ClusterTls tls;
    private StoreNode node;
    private StorePeers receiving;
    private StorePeers sending;
    private int port;

    @BeforeEach
    void start() throws Exception {
        var pki = TlsInit.run(new TlsInit.Request(dir.resolve("pki"), List.of(NodeSpec.of(LOOPBACK)), "peers-test",
                Duration.ofDays(1), false), Clock.systemUTC());
        tls = ClusterTls.load(pki.nodes().get(0).directory(), LOOPBACK);
        node = StoreNode.start(new StoreConfig("peers-" + System.nanoTime(), 0,
                Map.of(0, new InetSocketAddress("127.0.0.1", freePort())), 1, 1, dir.resolve("store"), null, 64 * 1024,
                Duration.ofSeconds(10), 256, 1, 10_000));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!node.division(0).getInfo().isLeaderReady() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        port = freePort();
        receiving = new StorePeers(tls, Map.of(0, LOOPBACK), port, node.deadlines());
        receiving.serve(LOOPBACK, node);
        sending = new StorePeers(tls, Map.of(0, LOOPBACK), port, node.deadlines());
    }

    @AfterEach
    void stop() throws Exception {
        sending.close();
        receiving.close();
        node.close();
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, LOOPBACK)) {
            return s.getLocalPort();
        }
    }

    private static Batch batch(int first, int count) {
        Batch.Builder b = Batch.newBuilder();
        for (int k = first; k < first + count; k++) {
            ByteString v = StoreLoad.open(3, k, k, 0).toByteString();
            b.addUpdates(Update.newBuilder().addWrites(Write.newBuilder().setKey(StoreLoad.key(3, k)).setValue(v)
                    .setCrc32C(RecordCheck.crc32c(v))));
        }
        return b.build();
    }

    @Test
    void batchesSentAtOnceOnOneStreamAreEachCommittedAndAnswered() throws Exception {
        List<CompletableFuture<BatchResult>> sent = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            sent.add(sending.forward(0, 0, batch(i * 10, 10), () -> { }));
        }
        for (CompletableFuture<BatchResult> f : sent) {
            BatchResult r = f.get(30, TimeUnit.SECONDS);
            assertEquals(10, r.getResultsCount());
            r.getResultsList().forEach(u -> assertEquals(Status.STATUS_OK, u.getStatus()));
        }
        RecordStore store = new RecordStore(node);
        for (int k = 0; k < 400; k += 37) {
            var got = store.get(StoreLoad.key(3, k)).get(30, TimeUnit.SECONDS);
            assertEquals(k, PersistentOpen.parseFrom(got.getRecord().getValue()).getAppInstanceVersionLow());
        }
    }

    /**
     * The leader says a batch is queued ahead of its result, so the sender's next batch can join
     * the leader's next entry; a batch it does not take is never reported queued.
     */
    @Test
    void theLeaderSaysABatchIsQueuedBeforeItsResultComes() throws Exception {
        for (int i = 0; i < 20; i++) {
            java.util.concurrent.atomic.AtomicBoolean queued = new java.util.concurrent.atomic.AtomicBoolean();
            CompletableFuture<Boolean> queuedFirst = sending.forward(0, 0, batch(i * 5, 5), () -> queued.set(true))
                    .thenApply(r -> queued.get() && r.getResultsCount() == 5);
            assertTrue(queuedFirst.get(30, TimeUnit.SECONDS), "batch " + i);
        }
        java.util.concurrent.atomic.AtomicBoolean queued = new java.util.concurrent.atomic.AtomicBoolean();
        assertNull(sending.forward(0, 5, batch(0, 1), () -> queued.set(true)).get(30, TimeUnit.SECONDS));
        assertTrue(!queued.get(), "not taken, not queued");
    }

    /**
     * On the daemon's network thread (the loops its local API runs on too), the sender hears of
     * the leading node's progress on that thread, so what it does next (send the next batch,
     * answer its local caller) needs no hand-off to another.
     */
    @Test
    void onGivenEventLoopsForwardingWorksAndTheSenderIsToldOnThem() throws Exception {
        EventLoopGroup loops = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        int onLoopsPort = freePort();
        try (StorePeers server = new StorePeers(tls, Map.of(0, LOOPBACK), onLoopsPort, node.deadlines(), loops);
             StorePeers client = new StorePeers(tls, Map.of(0, LOOPBACK), onLoopsPort, node.deadlines(), loops)) {
            server.serve(LOOPBACK, node);
            for (int i = 0; i < 5; i++) {
                CompletableFuture<Boolean> queuedOnLoop = new CompletableFuture<>();
                CompletableFuture<BatchResult> sent = client.forward(0, 0, batch(500 + i * 2, 2),
                        () -> queuedOnLoop.complete(loops.next().inEventLoop()));
                assertEquals(2, sent.get(30, TimeUnit.SECONDS).getResultsCount());
                assertTrue(queuedOnLoop.get(30, TimeUnit.SECONDS), "batch " + i + ": told it was queued off the loops");
            }
            var got = new RecordStore(node).get(StoreLoad.key(3, 509)).get(30, TimeUnit.SECONDS);
            assertEquals(509, PersistentOpen.parseFrom(got.getRecord().getValue()).getAppInstanceVersionLow());
        } finally {
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void aBatchForAShardTheNodeDoesNotLeadIsNotAccepted() throws Exception {
        assertNull(sending.forward(0, 5, batch(0, 1), () -> { }).get(30, TimeUnit.SECONDS));
        assertNull(sending.forward(1, 0, batch(0, 1), () -> { }).get(30, TimeUnit.SECONDS), "a node the cluster does not list");
    }

    /**
     * The sender learns that the leading node closed the stream on a gRPC thread of its own. If
     * that comes after the next batch went out on it, the batch, waiting there, fails; if before,
     * the batch opens a new stream, which fails as it opens, and is answered null (sent another
     * way). Either way it is answered at once, never left waiting or given a result; and once the
     * node is back, a later batch opens a stream that works.
     */
    @Test
    void aBrokenStreamFailsOrRedirectsTheNextBatchAndALaterOneOpensAnother() throws Exception {
        assertEquals(1, sending.forward(0, 0, batch(0, 1), () -> { }).get(30, TimeUnit.SECONDS).getResultsCount());
        receiving.close();
        try {
            assertNull(sending.forward(0, 0, batch(1, 1), () -> { }).get(30, TimeUnit.SECONDS),
                    "a batch after the stream broke has no result");
        } catch (ExecutionException e) {
            assertTrue(e.getCause() instanceof io.grpc.StatusRuntimeException, e.toString());
        }
        receiving = new StorePeers(tls, Map.of(0, LOOPBACK), port, node.deadlines());
        receiving.serve(LOOPBACK, node);
        BatchResult again = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (again == null && System.nanoTime() < deadline) {
            try {
                again = sending.forward(0, 0, batch(2, 1), () -> { }).get(30, TimeUnit.SECONDS);
            } catch (ExecutionException retry) {
                Thread.sleep(200);
            }
        }
        assertEquals(Status.STATUS_OK, again.getResults(0).getStatus());
    }

    /**
     * Once a node is known unreachable, gRPC fails a new stream on the calling thread, inside the
     * call that opens it; before that was handled, the forward threw instead of answering.
     */
    @Test
    void aBatchForANodeNobodyListensOnIsAnsweredEveryTimeNeverThrown() throws Exception {
        int closed = freePort();
        try (StorePeers toNowhere = new StorePeers(tls, Map.of(0, LOOPBACK), closed, node.deadlines())) {
            int notSent = 0;
            for (int i = 0; i < 5; i++) {
                CompletableFuture<BatchResult> f = toNowhere.forward(0, 0, batch(i, 1), () -> { });
                try {
                    if (f.get(30, TimeUnit.SECONDS) == null) {
                        notSent++;
                    }
                } catch (ExecutionException e) {
                    assertTrue(e.getCause() instanceof io.grpc.StatusRuntimeException sre
                            && sre.getStatus().getCode() == io.grpc.Status.Code.UNAVAILABLE, e.toString());
                }
            }
            assertTrue(notSent > 0, "a stream that failed as it opened sends the batch another way");
        }
    }
}
