package dev.sambasidecars.store.load;

import dev.sambasidecars.store.v1.PutRequest;
import dev.sambasidecars.store.v1.StoreGrpc;
import dev.sambasidecars.store.v1.UpdateCall;
import dev.sambasidecars.store.v1.UpdateReply;
import dev.sambasidecars.store.v1.UpdateResult;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.TimeUnit;

/** How a client sends its puts, one at a time. */
interface Calls {
    /** Where a put's outcome goes: its result, or the error that leaves it unknown. */
    interface Outcome {
        void settled(UpdateResult result, Throwable error);
    }

    void put(PutRequest request, Outcome outcome);

    default void close() {
    }

    /** A unary call per put. */
    record Unary(StoreGrpc.StoreStub stub) implements Calls {
        @Override
        public void put(PutRequest request, Outcome outcome) {
            stub.withDeadlineAfter(15, TimeUnit.SECONDS).put(request, new StreamObserver<>() {
                private UpdateResult result;

                @Override
                public void onNext(UpdateResult r) {
                    result = r;
                }

                @Override
                public void onError(Throwable e) {
                    outcome.settled(null, e);
                }

                @Override
                public void onCompleted() {
                    outcome.settled(result, null);
                }
            });
        }
    }

    /** The client's own Updates stream, opened again after it fails. */
    final class Streamed implements Calls {
        private final StoreGrpc.StoreStub stub;
        private StreamObserver<UpdateCall> calls;
        private Replies replies;
        private Outcome waiting;
        private long id;

        Streamed(StoreGrpc.StoreStub stub) {
            this.stub = stub;
        }

        @Override
        public synchronized void put(PutRequest request, Outcome outcome) {
            waiting = outcome;
            if (calls == null) {
                Replies r = new Replies();
                replies = r;
                StreamObserver<UpdateCall> s = stub.updates(r);
                if (replies != r) {
                    // The stream failed as it opened (a channel that cannot connect fails the call
                    // on this very thread): that failure has already settled the outcome.
                    return;
                }
                calls = s;
            }
            calls.onNext(UpdateCall.newBuilder().setId(++id).setPut(request).build());
        }

        private synchronized Outcome take() {
            Outcome o = waiting;
            waiting = null;
            return o;
        }

        /** The replies of one stream; a failed stream is dropped and the write waiting on it fails. */
        private final class Replies implements StreamObserver<UpdateReply> {
            @Override
            public void onNext(UpdateReply reply) {
                Outcome o = take();
                if (reply.hasResult()) {
                    o.settled(reply.getResult(), null);
                } else {
                    o.settled(null, new IllegalStateException((reply.getError().getUnavailable() ? "unavailable: "
                            : "failed: ") + reply.getError().getDetail()));
                }
            }

            @Override
            public void onError(Throwable e) {
                Outcome o;
                synchronized (Streamed.this) {
                    if (replies == this) {
                        calls = null;
                        replies = null;
                    }
                    o = take();
                }
                if (o != null) {
                    o.settled(null, e);
                }
            }

            @Override
            public void onCompleted() {
                onError(new IllegalStateException("the store ended the stream"));
            }
        }

        @Override
        public synchronized void close() {
            if (calls != null) {
                calls.onCompleted();
                calls = null;
            }
        }
    }
}
