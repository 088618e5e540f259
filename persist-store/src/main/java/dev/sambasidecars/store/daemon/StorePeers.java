package dev.sambasidecars.store.daemon;

import dev.sambasidecars.common.tls.ClusterTls;
import dev.sambasidecars.store.raft.Deadlines;
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
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Forwarding between the stores of a cluster, over mutual TLS: the service through which a
 * shard's leader takes batches other nodes send it, and the {@link StoreNode.Forwarder} that
 * sends this node's batches to the leading node.
 */
final class StorePeers implements StoreNode.Forwarder, AutoCloseable {

    private final ClusterTls tls;
    private volatile Map<Integer, InetAddress> nodes;
    private final int port;
    private final Map<Integer, Link> links = new ConcurrentHashMap<>();
    private final Map<Integer, ManagedChannel> channels = new ConcurrentHashMap<>();
    /** The node's write timeout (its own, so that no second timer thread sweeps the same deadlines). */
    private final Deadlines deadlines;
    /** The epoll event loops the server and channels run on; null: gRPC's own. */
    private final EventLoopGroup loops;
    private Server server;

    StorePeers(ClusterTls tls, Map<Integer, InetAddress> nodes, int port, Deadlines deadlines) {
        this(tls, nodes, port, deadlines, null);
    }

    /**
     * @param deadlines bounds each forwarded batch's wait for its answer (the node's write timeout,
     *     {@link StoreNode#deadlines()}); closed by its owner, not here
     * @param loops epoll event loops for the server and the channels to other nodes (the
     *     daemon's network thread, which its local API runs on too), or null for gRPC's own
     */
    StorePeers(ClusterTls tls, Map<Integer, InetAddress> nodes, int port, Deadlines deadlines, EventLoopGroup loops) {
        this.tls = tls;
        this.nodes = Map.copyOf(nodes);
        this.port = port;
        this.deadlines = deadlines;
        this.loops = loops;
    }

    /** The cluster's nodes now: a node's channel is rebuilt when its address changes. */
    void nodes(Map<Integer, InetAddress> now) {
        Map<Integer, InetAddress> before = nodes;
        nodes = Map.copyOf(now);
        before.forEach((pnn, a) -> {
            if (!a.equals(nodes.get(pnn))) {
                Link link = links.remove(pnn);
                if (link != null) {
                    link.close();
                }
                ManagedChannel ch = channels.remove(pnn);
                if (ch != null) {
                    ch.shutdown();
                }
            }
        });
    }

    /** Serves forwarded batches on this node's address; handlers never block, so they run on the event loop. */
    void serve(InetAddress self, StoreNode node) throws IOException {
        NettyServerBuilder b = tls.serverBuilder(new InetSocketAddress(self, port));
        if (loops != null) {
            b.bossEventLoopGroup(loops).workerEventLoopGroup(loops).channelType(EpollServerSocketChannel.class);
        }
        server = b.directExecutor()
                .addService(new StorePeerGrpc.StorePeerImplBase() {
                    @Override
                    public StreamObserver<ForwardRequest> forward(StreamObserver<ForwardReply> replies) {
                        return new Accepting(node, (ServerCallStreamObserver<ForwardReply>) replies);
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
    public CompletableFuture<BatchResult> forward(int leader, int shard, Batch batch, Runnable queued) {
        InetAddress address = nodes.get(leader);
        if (address == null) {
            return CompletableFuture.completedFuture(null);
        }
        Link link = links.computeIfAbsent(leader, pnn -> {
            NettyChannelBuilder b = tls.channelBuilder(address, port).directExecutor();
            if (loops != null) {
                b.eventLoopGroup(loops).channelType(EpollSocketChannel.class);
            }
            ManagedChannel ch = b.build();
            channels.put(pnn, ch);
            return new Link(StorePeerGrpc.newStub(ch));
        });
        return link.send(shard, batch, queued);
    }

    /**
     * One sending node's stream of batches: each goes to the shard's writer here, and its reply
     * goes back when it commits. The stream ends once the sender has half-closed it and every
     * batch has its reply; replies for a sender that went away are dropped.
     */
    private static final class Accepting implements StreamObserver<ForwardRequest> {
        private final StoreNode node;
        private final PendingReplies<ForwardReply> replies;

        Accepting(StoreNode node, ServerCallStreamObserver<ForwardReply> replies) {
            this.node = node;
            this.replies = new PendingReplies<>(replies);
        }

        @Override
        public void onNext(ForwardRequest req) {
            replies.started();
            CompletableFuture<BatchResult> result = node.acceptForwarded(req.getShard(), req.getBatch());
            if (result == null) {
                // Not accepted (this node does not lead the shard): the sender sends it another way.
                replies.reply(ForwardReply.newBuilder().setId(req.getId()).build());
                return;
            }
            if (req.getAckQueued()) {
                replies.interim(ForwardReply.newBuilder().setId(req.getId()).setQueued(true).build());
            }
            result.whenComplete((r, e) -> {
                ForwardReply.Builder reply = ForwardReply.newBuilder().setId(req.getId()).setAccepted(true);
                if (e != null) {
                    // Taken but failed: the outcome is unknown, the sender must not send it again.
                    reply.setError(String.valueOf(e.getMessage()));
                } else {
                    reply.setResult(r);
                }
                replies.reply(reply.build());
            });
        }

        @Override
        public void onError(Throwable t) {
            replies.gone();
        }

        @Override
        public void onCompleted() {
            replies.halfClosed();
        }
    }

    /**
     * The way to one leading node: batches go out on a stream tagged with an id and wait for the
     * reply with that id, at most the timeout. A broken stream fails what waits on it, and the
     * next batch opens another.
     */
    private final class Link {
        private final StorePeerGrpc.StorePeerStub stub;
        private final AtomicLong ids = new AtomicLong();
        private Stream current;

        Link(StorePeerGrpc.StorePeerStub stub) {
            this.stub = stub;
        }

        CompletableFuture<BatchResult> send(int shard, Batch batch, Runnable queued) {
            long id = ids.incrementAndGet();
            CompletableFuture<BatchResult> out = new CompletableFuture<>();
            Stream stream;
            synchronized (this) {
                if (current == null) {
                    Stream opened = new Stream(this);
                    current = opened;
                    // The stream carries many callers' batches and is often opened from within
                    // one caller's own call: it must not inherit that call's context.
                    Context previous = Context.ROOT.attach();
                    try {
                        opened.requests = stub.forward(opened);
                    } finally {
                        Context.ROOT.detach(previous);
                    }
                    if (current != opened) {
                        // It failed as it opened (the node is known unreachable, and the failure
                        // came on this thread and ended it): nothing was sent, so the batch goes
                        // another way.
                        return CompletableFuture.completedFuture(null);
                    }
                }
                stream = current;
                stream.waiting.put(id, new Waiting(out, queued));
                stream.requests.onNext(ForwardRequest.newBuilder().setId(id).setShard(shard).setBatch(batch)
                        .setAckQueued(true).build());
            }
            deadlines.bound(out).whenComplete((r, e) -> stream.waiting.remove(id));
            return out;
        }

        synchronized void ended(Stream stream) {
            if (current == stream) {
                current = null;
            }
        }

        synchronized void close() {
            if (current != null) {
                current.requests.onCompleted();
                current = null;
            }
        }
    }

    /** A batch sent: its result to come, and who is told once the leading node has queued it. */
    private record Waiting(CompletableFuture<BatchResult> result, Runnable queued) { }

    /** One stream to a leading node, and the batches waiting for their replies on it. */
    private static final class Stream implements StreamObserver<ForwardReply> {
        private final Link link;
        private final Map<Long, Waiting> waiting = new ConcurrentHashMap<>();
        private StreamObserver<ForwardRequest> requests;

        Stream(Link link) {
            this.link = link;
        }

        @Override
        public void onNext(ForwardReply r) {
            if (r.getQueued()) {
                Waiting w = waiting.get(r.getId());
                if (w != null) {
                    w.queued().run();
                }
                return;
            }
            Waiting w = waiting.remove(r.getId());
            if (w == null) {
                return;
            }
            CompletableFuture<BatchResult> f = w.result();
            if (!r.getError().isEmpty()) {
                f.completeExceptionally(Status.UNAVAILABLE.withDescription("the leading node: " + r.getError())
                        .asException());
            } else {
                f.complete(r.getAccepted() ? r.getResult() : null);
            }
        }

        @Override
        public void onError(Throwable t) {
            link.ended(this);
            for (Long id : List.copyOf(waiting.keySet())) {
                Waiting w = waiting.remove(id);
                if (w != null) {
                    w.result().completeExceptionally(t);
                }
            }
        }

        @Override
        public void onCompleted() {
            onError(Status.UNAVAILABLE.withDescription("the leading node ended the stream").asException());
        }
    }

    @Override
    public void close() {
        if (server != null) {
            server.shutdownNow();
        }
        channels.values().forEach(ManagedChannel::shutdownNow);
    }
}
