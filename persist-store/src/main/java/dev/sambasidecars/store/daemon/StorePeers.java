package dev.sambasidecars.store.daemon;

import dev.sambasidecars.common.tls.ClusterTls;
import dev.sambasidecars.store.raft.StoreNode;
import dev.sambasidecars.store.v1.Batch;
import dev.sambasidecars.store.v1.BatchResult;
import dev.sambasidecars.store.v1.ForwardReply;
import dev.sambasidecars.store.v1.ForwardRequest;
import dev.sambasidecars.store.v1.StorePeerGrpc;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Forwarding between the stores of a cluster, over mutual TLS: the service through which a
 * shard's leader takes batches other nodes send it, and the {@link StoreNode.Forwarder} that
 * sends this node's batches to the leading node.
 */
final class StorePeers implements StoreNode.Forwarder, AutoCloseable {

    private final ClusterTls tls;
    private volatile Map<Integer, InetAddress> nodes;
    private final int port;
    private final Duration timeout;
    private final Map<Integer, StorePeerGrpc.StorePeerStub> stubs = new ConcurrentHashMap<>();
    private final Map<Integer, ManagedChannel> channels = new ConcurrentHashMap<>();
    private Server server;

    StorePeers(ClusterTls tls, Map<Integer, InetAddress> nodes, int port, Duration timeout) {
        this.tls = tls;
        this.nodes = Map.copyOf(nodes);
        this.port = port;
        this.timeout = timeout;
    }

    /** The cluster's nodes now: a node's channel is rebuilt when its address changes. */
    void nodes(Map<Integer, InetAddress> now) {
        Map<Integer, InetAddress> before = nodes;
        nodes = Map.copyOf(now);
        before.forEach((pnn, a) -> {
            if (!a.equals(nodes.get(pnn))) {
                stubs.remove(pnn);
                ManagedChannel ch = channels.remove(pnn);
                if (ch != null) {
                    ch.shutdown();
                }
            }
        });
    }

    /** Serves forwarded batches on this node's address; handlers never block, so they run on the event loop. */
    void serve(InetAddress self, StoreNode node) throws IOException {
        server = tls.serverBuilder(new InetSocketAddress(self, port))
                .directExecutor()
                .addService(new StorePeerGrpc.StorePeerImplBase() {
                    @Override
                    public void forward(ForwardRequest req, StreamObserver<ForwardReply> out) {
                        node.acceptForwarded(req.getShard(), req.getBatch()).whenComplete((r, e) -> {
                            if (e != null) {
                                out.onError(Status.UNAVAILABLE.withDescription(String.valueOf(e.getMessage())).asException());
                                return;
                            }
                            out.onNext(r == null ? ForwardReply.getDefaultInstance()
                                    : ForwardReply.newBuilder().setAccepted(true).setResult(r).build());
                            out.onCompleted();
                        });
                    }
                })
                .build();
        try {
            server.start();
        } catch (IOException e) {
            throw new IOException("cannot serve forwarded writes on " + self.getHostAddress() + ":" + port + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public CompletableFuture<BatchResult> forward(int leader, int shard, Batch batch) {
        InetAddress address = nodes.get(leader);
        if (address == null) {
            return CompletableFuture.completedFuture(null);
        }
        StorePeerGrpc.StorePeerStub stub = stubs.computeIfAbsent(leader, pnn -> {
            ManagedChannel ch = tls.channelBuilder(address, port).directExecutor().build();
            channels.put(pnn, ch);
            return StorePeerGrpc.newStub(ch);
        });
        CompletableFuture<BatchResult> out = new CompletableFuture<>();
        // A batch carries many callers' updates, and is often sent from within one caller's own
        // call: it must not inherit that call's context, whose end would cancel it.
        Context.ROOT.run(() -> stub.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS).forward(
                ForwardRequest.newBuilder().setShard(shard).setBatch(batch).build(), new StreamObserver<>() {
                    @Override
                    public void onNext(ForwardReply r) {
                        out.complete(r.getAccepted() ? r.getResult() : null);
                    }

                    @Override
                    public void onError(Throwable t) {
                        out.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                        out.complete(null);
                    }
                }));
        return out;
    }

    @Override
    public void close() {
        if (server != null) {
            server.shutdownNow();
        }
        channels.values().forEach(ManagedChannel::shutdownNow);
    }
}
