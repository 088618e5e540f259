package dev.sambasidecars.store.daemon;

import io.grpc.stub.ServerCallStreamObserver;

/**
 * The reply side of a stream whose requests are answered as they complete, in any order: it
 * serializes the replies from whichever threads complete them, ends the stream once the client
 * has half-closed it and every request has its reply, and drops replies for a client that went
 * away (the work they answer still completes).
 */
final class PendingReplies<R> {

    private final ServerCallStreamObserver<R> out;
    private int pending;
    private boolean halfClosed;
    private boolean ended;

    PendingReplies(ServerCallStreamObserver<R> out) {
        this.out = out;
        out.setOnCancelHandler(this::gone);
    }

    /** A request came in; its reply is owed. */
    synchronized void started() {
        pending++;
    }

    /** Sends a request's reply; false when the stream has ended (the reply was dropped, or was the last). */
    synchronized boolean reply(R reply) {
        pending--;
        return interim(reply) && !endIfDone();
    }

    /** Sends a reply ahead of a request's last one (which is still owed); false when the stream has ended. */
    synchronized boolean interim(R reply) {
        if (ended) {
            return false;
        }
        out.onNext(reply);
        return true;
    }

    /** The client sent its last request. */
    synchronized void halfClosed() {
        halfClosed = true;
        endIfDone();
    }

    /** The client went away, or its side failed. */
    synchronized void gone() {
        ended = true;
    }

    private boolean endIfDone() {
        if (halfClosed && pending == 0 && !ended) {
            ended = true;
            out.onCompleted();
        }
        return ended;
    }
}
