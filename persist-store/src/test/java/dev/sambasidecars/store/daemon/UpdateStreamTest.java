package dev.sambasidecars.store.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.sambasidecars.common.ipc.GrpcUnix;
import dev.sambasidecars.common.ipc.PeerCredentialPolicy;
import dev.sambasidecars.common.metrics.Metrics;
import dev.sambasidecars.store.load.StoreLoad;
import dev.sambasidecars.store.raft.RecordStore;
import dev.sambasidecars.store.raft.StoreConfig;
import dev.sambasidecars.store.raft.StoreNode;
import dev.sambasidecars.store.state.RecordCheck;
import dev.sambasidecars.store.v1.GetRequest;
import dev.sambasidecars.store.v1.PersistentOpen;
import dev.sambasidecars.store.v1.PutRequest;
import dev.sambasidecars.store.v1.Status;
import dev.sambasidecars.store.v1.StoreGrpc;
import dev.sambasidecars.store.v1.UpdateCall;
import dev.sambasidecars.store.v1.UpdateReply;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Updates stream on a one-node store (one replica, fsync'd) behind a real unix socket. */
class UpdateStreamTest {

    @TempDir
    Path dir;
    private StoreNode node;
    private GrpcUnix.UnixServer server;
    private ManagedChannel channel;

    @BeforeEach
    void start() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        node = StoreNode.start(new StoreConfig("stream-" + System.nanoTime(), 0,
                Map.of(0, new InetSocketAddress("127.0.0.1", port)), 1, 1, dir.resolve("store"), null, 64 * 1024,
                Duration.ofSeconds(10), 256, 1, 10_000));
        Metrics metrics = new Metrics("persist-store");
        server = GrpcUnix.serve(dir.resolve("store.sock"), PeerCredentialPolicy.ownerOnly(), metrics.registry(),
                "persist-store", List.of(new StoreService(new RecordStore(node), new StoreMetrics(metrics))), true);
        channel = GrpcUnix.channel(dir.resolve("store.sock"));
    }

    @AfterEach
    void stop() throws Exception {
        channel.shutdownNow();
        server.close();
        node.close();
    }

    private static UpdateCall put(long id, int k, long sequence) {
        ByteString value = StoreLoad.open(7, k, sequence, 0).toByteString();
        return UpdateCall.newBuilder().setId(id).setPut(PutRequest.newBuilder().setKey(StoreLoad.key(7, k))
                .setValue(value).setCrc32C(RecordCheck.crc32c(value))).build();
    }

    /** Collects a stream's replies by id, and whether the store ended the stream. */
    private static final class Replies implements StreamObserver<UpdateReply> {
        final Map<Long, UpdateReply> byId = new ConcurrentHashMap<>();
        final CountDownLatch ended = new CountDownLatch(1);
        volatile Throwable error;

        @Override
        public void onNext(UpdateReply r) {
            byId.put(r.getId(), r);
        }

        @Override
        public void onError(Throwable t) {
            error = t;
            ended.countDown();
        }

        @Override
        public void onCompleted() {
            ended.countDown();
        }
    }

    @Test
    void manyWritesOnOneStreamEachGetTheirReplyByIdAndTheStreamEndsAfterTheLast() throws Exception {
        Replies replies = new Replies();
        StreamObserver<UpdateCall> calls = StoreGrpc.newStub(channel).updates(replies);
        // More than the stream's window: the store must keep reading as replies go out.
        int n = UpdateStream.WINDOW + 500;
        for (int i = 0; i < n; i++) {
            calls.onNext(put(1000 + i, i % 50, i));
        }
        calls.onCompleted();
        assertTrue(replies.ended.await(60, TimeUnit.SECONDS), "the store ends the stream after the last reply");
        assertEquals(null, replies.error);
        assertEquals(n, replies.byId.size());
        long lastVersion = 0;
        for (int i = 0; i < n; i++) {
            UpdateReply r = replies.byId.get(1000L + i);
            assertEquals(Status.STATUS_OK, r.getResult().getStatus(), "write " + i);
            assertTrue(r.getResult().getVersion() > 0);
            lastVersion = Math.max(lastVersion, r.getResult().getVersion());
        }
        // Writes on one stream are applied in the order sent: key 49 holds its last one.
        int last = (n - 1) / 50 * 50 + 49 < n ? (n - 1) / 50 * 50 + 49 : (n - 1) / 50 * 50 - 1;
        var got = StoreGrpc.newBlockingStub(channel).get(GetRequest.newBuilder().setKey(StoreLoad.key(7, 49)).build());
        assertEquals(last, PersistentOpen.parseFrom(got.getRecord().getValue()).getAppInstanceVersionLow());
        assertTrue(got.getRecord().getVersion() <= lastVersion);
    }

    @Test
    void aBadWriteGetsItsOwnRefusalAndTheStreamGoesOn() throws Exception {
        Replies replies = new Replies();
        StreamObserver<UpdateCall> calls = StoreGrpc.newStub(channel).updates(replies);
        UpdateCall good = put(1, 1, 1);
        UpdateCall badChecksum = UpdateCall.newBuilder(put(2, 2, 1))
                .setPut(PutRequest.newBuilder(put(2, 2, 1).getPut()).setCrc32C(12345)).build();
        calls.onNext(good);
        calls.onNext(badChecksum);
        calls.onNext(UpdateCall.newBuilder().setId(3).build());
        calls.onNext(put(4, 4, 1));
        calls.onCompleted();
        assertTrue(replies.ended.await(30, TimeUnit.SECONDS));
        assertEquals(null, replies.error);
        assertEquals(Status.STATUS_OK, replies.byId.get(1L).getResult().getStatus());
        assertEquals(Status.STATUS_INVALID_RECORD, replies.byId.get(2L).getResult().getStatus());
        UpdateReply none = replies.byId.get(3L);
        assertFalse(none.hasResult());
        assertFalse(none.getError().getUnavailable());
        assertTrue(none.getError().getDetail().contains("names no write"), none.getError().getDetail());
        assertEquals(Status.STATUS_OK, replies.byId.get(4L).getResult().getStatus());
    }

    @Test
    void theLoadDriverWritesOverStreamsAndEveryAcknowledgedWriteIsThere() throws Exception {
        StoreLoad.Result r = StoreLoad.run(List.of(dir.resolve("store.sock")), 8, 5, Duration.ofSeconds(2),
                StoreLoad.Api.STREAM);
        assertTrue(r.acked() > 0, r.toString());
        assertEquals(0, r.failed());
        assertEquals(List.of(), StoreLoad.verify(dir.resolve("store.sock"), r.keys()));
    }

    /**
     * The load driver's open loop sends at the offered rate, not as fast as the store answers
     * (what it sends in its first second, the ramp-up, is not counted):
     * a closed loop of the same 8 clients acknowledges many times more in the same time here.
     */
    @Test
    void aPacedLoadSendsAtItsOfferedRate() throws Exception {
        List<Path> socket = List.of(dir.resolve("store.sock"));
        StoreLoad.Result paced = StoreLoad.run(socket, 8, 4, Duration.ofSeconds(1), Duration.ofSeconds(3), StoreLoad.Api.STREAM,
                100);
        assertEquals(0, paced.failed(), paced.toString());
        assertTrue(paced.acked() >= 270 && paced.acked() <= 320, "about 300 writes in 3 s at 100/s: " + paced);
        StoreLoad.Result closed = StoreLoad.run(socket, 8, 4, Duration.ofSeconds(3), StoreLoad.Api.STREAM);
        assertTrue(closed.acked() > 3 * paced.acked(), "a closed loop: " + closed + "; paced: " + paced);
    }
}
