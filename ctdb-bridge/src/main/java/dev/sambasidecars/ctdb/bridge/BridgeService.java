package dev.sambasidecars.ctdb.bridge;

import dev.sambasidecars.ctdb.api.v1.ClusterBridgeGrpc;
import dev.sambasidecars.ctdb.api.v1.ClusterSnapshot;
import dev.sambasidecars.ctdb.api.v1.ClusterUpdate;
import dev.sambasidecars.ctdb.api.v1.GetSnapshotRequest;
import dev.sambasidecars.ctdb.api.v1.TcpClient;
import dev.sambasidecars.ctdb.api.v1.TcpClientReply;
import dev.sambasidecars.ctdb.api.v1.WatchRequest;
import dev.sambasidecars.ctdb.model.ClusterModel;
import dev.sambasidecars.ctdb.model.Watcher;
import dev.sambasidecars.ctdb.protocol.TcpConnection;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The bridge's local gRPC API. */
final class BridgeService extends ClusterBridgeGrpc.ClusterBridgeImplBase {
    private static final Logger LOG = LoggerFactory.getLogger(BridgeService.class);

    private final ClusterModel model;
    private final int watcherQueue;
    private final BridgeMetrics metrics;
    private final CtdbFollower follower;
    private final TcpRegistry tcp;

    BridgeService(ClusterModel model, int watcherQueue, BridgeMetrics metrics, CtdbFollower follower, TcpRegistry tcp) {
        this.model = model;
        this.watcherQueue = watcherQueue;
        this.metrics = metrics;
        this.follower = follower;
        this.tcp = tcp;
    }

    @Override
    public void getSnapshot(GetSnapshotRequest request, StreamObserver<ClusterSnapshot> response) {
        response.onNext(model.snapshot());
        response.onCompleted();
    }

    @Override
    public void watch(WatchRequest request, StreamObserver<ClusterUpdate> response) {
        ServerCallStreamObserver<ClusterUpdate> out = (ServerCallStreamObserver<ClusterUpdate>) response;
        Watcher w = new Watcher(watcherQueue, metrics::resync);
        Object ready = new Object();
        out.setOnReadyHandler(() -> {
            synchronized (ready) {
                ready.notifyAll();
            }
        });
        out.setOnCancelHandler(() -> {
            w.close();
            model.unwatch(w);
            synchronized (ready) {
                ready.notifyAll();
            }
        });
        model.watch(w, request.getAfterSequence(), request.getStreamId());
        Thread.ofVirtual().name("watch-sender").start(() -> send(w, out, ready));
    }

    /** Sends what the watcher queues, only as fast as gRPC takes it (a slow one gets resynced). */
    private void send(Watcher w, ServerCallStreamObserver<ClusterUpdate> out, Object ready) {
        try {
            while (!w.isClosed()) {
                ClusterUpdate u = w.take(1000);
                if (u == null) {
                    continue;
                }
                synchronized (ready) {
                    while (!out.isReady() && !w.isClosed() && !out.isCancelled()) {
                        ready.wait(1000);
                    }
                }
                if (out.isCancelled()) {
                    break;
                }
                out.onNext(u);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.debug("watch stream ended: {}", e.toString());
        } finally {
            w.close();
            model.unwatch(w);
        }
    }

    @Override
    public void registerTcpClient(TcpClient request, StreamObserver<TcpClientReply> response) {
        TcpConnection c;
        try {
            c = connection(request);
        } catch (IllegalArgumentException e) {
            response.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
            return;
        }
        try {
            boolean sent = tcp.register(c, follower.client());
            response.onNext(TcpClientReply.newBuilder().setSentToCtdb(sent)
                    .setDetail(sent ? "registered" : "ctdbd not connected; registered when it is").build());
            response.onCompleted();
        } catch (Exception e) {
            response.onError(Status.FAILED_PRECONDITION.withDescription("ctdbd refused: " + e.getMessage())
                    .asRuntimeException());
        }
    }

    @Override
    public void unregisterTcpClient(TcpClient request, StreamObserver<TcpClientReply> response) {
        try {
            boolean forgot = tcp.unregister(connection(request), follower.client());
            response.onNext(TcpClientReply.newBuilder().setSentToCtdb(forgot)
                    .setDetail(forgot ? "forgotten by ctdbd"
                            : "no longer repeated; ctdbd (before 4.20) keeps it until the bridge reconnects").build());
            response.onCompleted();
        } catch (IllegalArgumentException e) {
            response.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
        }
    }

    private static TcpConnection connection(TcpClient r) {
        if (r.getClientPort() > 65535 || r.getServerPort() > 65535) {
            throw new IllegalArgumentException("port out of range");
        }
        return new TcpConnection(
                new InetSocketAddress(InetAddress.ofLiteral(r.getClientAddress()), r.getClientPort()),
                new InetSocketAddress(InetAddress.ofLiteral(r.getServerAddress()), r.getServerPort()));
    }
}
