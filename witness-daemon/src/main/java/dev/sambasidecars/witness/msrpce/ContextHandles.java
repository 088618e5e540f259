package dev.sambasidecars.witness.msrpce;

import dev.sambasidecars.witness.ndr.ContextHandle;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The context handles one association holds (C706 chapter 5, "context handles"): a stub opens one
 * with its state and a rundown action; a later call on the same association finds the state by
 * handle; a handle unknown here (closed, or opened on another association) is a context
 * mismatch; when the association ends every handle still open is run down. The number open at
 * once is bounded so a client cannot grow server state without limit.
 */
public final class ContextHandles {
    /** Handles one association may hold at once. */
    public static final int MAX_OPEN = 1024;

    private record Entry(Object state, Consumer<Object> rundown) {}

    private final Map<ContextHandle, Entry> open = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /**
     * Opens a handle for {@code state}; {@code rundown} runs if the association ends while it is
     * open (not when the stub closes it).
     *
     * @throws RpcFaultException ACCESS_DENIED when the association already holds {@link #MAX_OPEN}
     */
    public <T> ContextHandle open(T state, Consumer<? super T> rundown) throws RpcFaultException {
        ContextHandle h = ContextHandle.random();
        adopt(h, state, rundown);
        return h;
    }

    /**
     * Opens {@code handle}, chosen by the caller (a handle the client got from this server before,
     * now used on this association), for {@code state}.
     */
    public <T> void adopt(ContextHandle handle, T state, Consumer<? super T> rundown) throws RpcFaultException {
        if (open.size() >= MAX_OPEN || closed) {
            throw new RpcFaultException(FaultStatus.ACCESS_DENIED,
                    closed ? "association closed" : "more than " + MAX_OPEN + " context handles open");
        }
        @SuppressWarnings("unchecked")
        Consumer<Object> r = o -> rundown.accept((T) o);
        open.put(handle, new Entry(state, r));
        if (closed) {
            rundown();
        }
    }

    /**
     * The state behind {@code handle}.
     *
     * @throws RpcFaultException CONTEXT_MISMATCH when the handle is not open on this association
     *     or holds another kind of state
     */
    public <T> T get(ContextHandle handle, Class<T> type) throws RpcFaultException {
        Entry e = open.get(handle);
        if (e == null || !type.isInstance(e.state())) {
            throw new RpcFaultException(FaultStatus.CONTEXT_MISMATCH, "context handle not open on this association");
        }
        return type.cast(e.state());
    }

    /** Closes {@code handle} without running it down; returns its state, or null if it was not open. */
    public Object close(ContextHandle handle) {
        Entry e = open.remove(handle);
        return e == null ? null : e.state();
    }

    public int size() {
        return open.size();
    }

    /** Runs down every handle still open (the association ended). */
    void rundown() {
        closed = true;
        for (ContextHandle h : open.keySet()) {
            Entry e = open.remove(h);
            if (e != null) {
                e.rundown().accept(e.state());
            }
        }
    }
}
