package dev.sambasidecars.ctdb.api;

import dev.sambasidecars.common.ipc.GrpcUnix;
import dev.sambasidecars.ctdb.api.v1.ClusterBridgeGrpc;
import dev.sambasidecars.ctdb.api.v1.ClusterSnapshot;
import dev.sambasidecars.ctdb.api.v1.ClusterUpdate;
import dev.sambasidecars.ctdb.api.v1.GetSnapshotRequest;
import dev.sambasidecars.ctdb.api.v1.WatchRequest;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the other sidecars follow the cluster: a client of ctdb-bridge's local API. A
 * {@link Watch} keeps a {@link ClusterView} current, reconnects with backoff when the bridge
 * restarts, resumes from the last sequence it applied, and falls back to a fresh snapshot
 * whenever it could not follow the stream — it never continues across a gap.
 */
public final class BridgeClient implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BridgeClient.class);

    /** The default socket of the bridge's API. */
    public static final String SOCKET_NAME = "ctdb-bridge.sock";

    private final ManagedChannel channel;
    private volatile boolean clientClosed;
    private final ScheduledExecutorService retry = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("bridge-client-retry").factory());

    private BridgeClient(ManagedChannel channel) {
        this.channel = channel;
    }

    /** A client of the bridge listening on {@code socket}; connects lazily. */
    public static BridgeClient connect(Path socket) {
        return new BridgeClient(GrpcUnix.channel(socket));
    }

    /** The bridge's current snapshot. */
    public ClusterSnapshot snapshot(Duration timeout) {
        return ClusterBridgeGrpc.newBlockingStub(channel)
                .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .getSnapshot(GetSnapshotRequest.getDefaultInstance());
    }

    /** Receives every update after it was applied to the watch's view. */
    public interface Listener {
        /** Called serially, in stream order; {@code view} already includes {@code update}. */
        void onUpdate(ClusterUpdate update, ClusterView view);

        /** The stream broke; the watch reconnects by itself. */
        default void onDisconnected(String why) {}
    }

    /** Starts watching; updates flow to {@code listener} until the watch is closed. */
    public Watch watch(Listener listener) {
        Watch w = new Watch(listener);
        w.open();
        return w;
    }

    /** A running watch. */
    public final class Watch implements AutoCloseable {
        private static final long MIN_BACKOFF_MS = 100;
        private static final long MAX_BACKOFF_MS = 5_000;

        private final Listener listener;
        private volatile boolean closed;
        private Context.CancellableContext call;
        private ClusterView view;
        private long backoffMs = MIN_BACKOFF_MS;

        Watch(Listener listener) {
            this.listener = listener;
        }

        /** The view as of the last update (null before the first snapshot). */
        public synchronized ClusterView view() {
            return view;
        }

        private synchronized void open() {
            if (closed) {
                return;
            }
            WatchRequest request = view == null ? WatchRequest.getDefaultInstance()
                    : WatchRequest.newBuilder().setAfterSequence(view.snapshot().getSequence())
                            .setStreamId(view.snapshot().getStreamId()).build();
            Context.CancellableContext ctx = Context.current().withCancellation();
            call = ctx;
            ctx.run(() -> ClusterBridgeGrpc.newStub(channel).watch(request, new Observer(ctx)));
        }

        private final class Observer implements StreamObserver<ClusterUpdate> {
            private final Context.CancellableContext ctx;

            Observer(Context.CancellableContext ctx) {
                this.ctx = ctx;
            }

            @Override
            public void onNext(ClusterUpdate update) {
                synchronized (Watch.this) {
                    if (closed || call != ctx) {
                        return;
                    }
                    try {
                        if (update.hasSnapshot()) {
                            view = new ClusterView(update.getSnapshot());
                        } else if (view == null) {
                            throw new IllegalStateException("event before any snapshot");
                        } else {
                            view.apply(update);
                        }
                    } catch (IllegalStateException gap) {
                        LOG.warn("cluster stream out of order ({}); asking for a fresh snapshot", gap.getMessage());
                        view = null;
                        ctx.cancel(gap);
                        if (!clientClosed) {
                            retry.execute(Watch.this::open);
                        }
                        return;
                    }
                    backoffMs = MIN_BACKOFF_MS;
                    listener.onUpdate(update, view);
                }
            }

            @Override
            public void onError(Throwable t) {
                ended(ctx, t.toString());
            }

            @Override
            public void onCompleted() {
                ended(ctx, "stream ended by the bridge");
            }
        }

        private synchronized void ended(Context.CancellableContext ctx, String why) {
            if (closed || clientClosed || call != ctx) {
                return;
            }
            listener.onDisconnected(why);
            long delay = backoffMs;
            backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
            try {
                retry.schedule(this::open, delay, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException clientClosing) {
                // the client is being closed: nothing to reconnect
            }
        }

        @Override
        public synchronized void close() {
            closed = true;
            if (call != null) {
                call.cancel(null);
            }
        }
    }

    @Override
    public void close() {
        clientClosed = true;
        channel.shutdownNow();
        retry.shutdownNow();
    }
}
