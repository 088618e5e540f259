package dev.sambasidecars.witness.msrpce;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What a stub may know about the call it serves: the association (peer, association group,
 * authentication) and whether the client cancelled it or went away. A call that waits (an
 * MS-SWN AsyncNotify may wait for minutes) does so through {@link #await}, which gives up when
 * the client sends co_cancel or orphaned or the connection closes, with the fault Windows and
 * Samba send for each.
 */
public final class CallContext {
    private final int callId;
    private final Association association;
    private final CompletableFuture<Integer> cancellation = new CompletableFuture<>();
    private final List<Runnable> cancelListeners = new CopyOnWriteArrayList<>();

    CallContext(int callId, Association association) {
        this.callId = callId;
        this.association = association;
    }

    public int callId() {
        return callId;
    }

    /** The client's address. */
    public InetSocketAddress peer() {
        return association.peer();
    }

    /** The local address the client connected to (which of this node's addresses). */
    public InetSocketAddress local() {
        return association.local();
    }

    /** The association group: context handles belong to it. */
    public int associationGroup() {
        return association.group();
    }

    /** The authenticated user ({@code DOMAIN\\user}), or null on an unauthenticated association. */
    public String user() {
        return association.user();
    }

    /** The authentication level in force (AuthTrailer.LEVEL_*; LEVEL_NONE without auth). */
    public int authLevel() {
        return association.authLevel();
    }

    /** True once the client sent co_cancel or orphaned for this call, or the connection closed. */
    public boolean cancelled() {
        return cancellation.isDone() || association.closed();
    }

    /**
     * Marks the call cancelled: {@code status} is the fault its waiter answers with
     * ({@link FaultStatus#FAULT_CANCEL} for co_cancel, {@link FaultStatus#SERVER_UNAVAILABLE}
     * for orphaned). The first cancellation wins.
     */
    void cancel(int status) {
        if (cancellation.complete(status)) {
            cancelListeners.forEach(Runnable::run);
        }
    }

    /** Runs {@code r} once if the call is cancelled (at once if it already is). */
    public void onCancel(Runnable r) {
        cancelListeners.add(r);
        if (cancellation.isDone() && cancelListeners.remove(r)) {
            r.run();
        }
    }

    /**
     * Waits for {@code result} for at most {@code timeout}.
     *
     * @throws RpcFaultException with the cancel fault when the client cancels or orphans the call
     *     (or the association closes) first
     * @throws TimeoutException when {@code timeout} passes first
     */
    public <T> T await(CompletableFuture<T> result, Duration timeout)
            throws RpcFaultException, TimeoutException, InterruptedException {
        Runnable onClose = () -> cancel(FaultStatus.SERVER_UNAVAILABLE);
        association.onClose(onClose);
        try {
            if (association.closed()) {
                cancel(FaultStatus.SERVER_UNAVAILABLE);
            }
            CompletableFuture.anyOf(result, cancellation).get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            if (result.isDone()) {
                return result.join();
            }
            throw new RpcFaultException(cancellation.join(), "call " + callId + " cancelled by the client");
        } catch (ExecutionException e) {
            throw new IllegalStateException("call " + callId + ": result failed", e.getCause());
        } finally {
            association.removeOnClose(onClose);
        }
    }

    /** The context handles of the association this call came on. */
    public ContextHandles handles() {
        return association.handles();
    }

    /** Runs {@code r} when the association closes. */
    public void onClose(Runnable r) {
        association.onClose(r);
    }
}
