package dev.sambasidecars.store.daemon;

import dev.sambasidecars.store.v1.CallError;
import dev.sambasidecars.store.v1.UpdateCall;
import dev.sambasidecars.store.v1.UpdateReply;
import dev.sambasidecars.store.v1.UpdateResult;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One client's stream of writes: every call starts its write at once and its reply goes back
 * with the call's id when the write completes. The calls read ahead of their replies are
 * bounded ({@link #WINDOW}): past it the stream stops reading, and gRPC's flow control holds
 * the client back, so a client that never reads its replies cannot grow the daemon's memory.
 */
final class UpdateStream implements StreamObserver<UpdateCall> {

    /** Writes one stream may have under way at once. */
    static final int WINDOW = 1024;
    /**
     * Replies after which the stream reads that many calls more: one request to the transport per
     * this many writes, not per write (each is a task on the network thread). A stream stops
     * reading only with more than {@code WINDOW - REREAD} writes under way, whose replies come.
     */
    static final int REREAD = 64;

    private final StoreService service;
    private final ServerCallStreamObserver<UpdateReply> calls;
    private final PendingReplies<UpdateReply> replies;
    private final AtomicInteger replied = new AtomicInteger();

    UpdateStream(StoreService service, ServerCallStreamObserver<UpdateReply> out) {
        this.service = service;
        this.calls = out;
        this.replies = new PendingReplies<>(out);
        out.disableAutoRequest();
        out.request(WINDOW);
    }

    @Override
    public void onNext(UpdateCall call) {
        replies.started();
        CompletableFuture<UpdateResult> f = service.start(call);
        if (f == null) {
            reply(UpdateReply.newBuilder().setId(call.getId()).setError(CallError.newBuilder()
                    .setDetail("the call names no write (put, compare_and_set, delete or update)")).build());
            return;
        }
        service.settle(switch (call.getOpCase()) {
            case COMPARE_AND_SET -> "cas";
            default -> call.getOpCase().name().toLowerCase(java.util.Locale.ROOT);
        }, f,
                r -> reply(UpdateReply.newBuilder().setId(call.getId()).setResult(r).build()),
                status -> reply(UpdateReply.newBuilder().setId(call.getId()).setError(CallError.newBuilder()
                        .setUnavailable(status.getCode() == Status.Code.UNAVAILABLE)
                        .setDetail(String.valueOf(status.getDescription()))).build()));
    }

    /** Sends a reply (from whichever thread completed the write); every {@link #REREAD} replies, reads as many calls more. */
    private void reply(UpdateReply reply) {
        if (replies.reply(reply) && replied.incrementAndGet() % REREAD == 0) {
            calls.request(REREAD);
        }
    }

    @Override
    public void onError(Throwable t) {
        replies.gone();
    }

    /** The client has sent its last call: the stream ends once every write under way has its reply. */
    @Override
    public void onCompleted() {
        replies.halfClosed();
    }
}
