package dev.sambasidecars.witness.msswn;

import dev.sambasidecars.witness.msrpce.CallContext;
import dev.sambasidecars.witness.msrpce.RpcFaultException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;

/**
 * The current interface list and the GetInterfaceList calls waiting on it. MS-SWN 3.1.4.1: an
 * empty list fails at once with ERROR_NO_MORE_ITEMS, but a list in which no entry is AVAILABLE
 * makes the call wait until one is. A waiting call ends when the list changes to one with an
 * AVAILABLE entry (or to an empty one), or with the cancel fault when the client cancels or
 * orphans it or its connection closes.
 */
public final class InterfaceList implements InterfaceSource {

    private static final Duration FOREVER = Duration.ofNanos(Long.MAX_VALUE);

    private volatile List<InterfaceInfo> current = List.of();
    private final Set<CompletableFuture<List<InterfaceInfo>>> waiting = ConcurrentHashMap.newKeySet();

    /** The list as it is now. */
    public List<InterfaceInfo> get() {
        return current;
    }

    /** Replaces the list and answers the waiting calls if it can now be answered. */
    public void set(List<InterfaceInfo> list) {
        current = List.copyOf(list);
        if (answerable(list)) {
            for (CompletableFuture<List<InterfaceInfo>> f : waiting) {
                f.complete(current);
            }
        }
    }

    /** GetInterfaceList calls waiting for an AVAILABLE entry. */
    public int waiting() {
        return waiting.size();
    }

    @Override
    public List<InterfaceInfo> list(CallContext call) throws RpcFaultException, InterruptedException {
        List<InterfaceInfo> now = current;
        if (answerable(now)) {
            return now;
        }
        CompletableFuture<List<InterfaceInfo>> f = new CompletableFuture<>();
        waiting.add(f);
        try {
            // The list may have changed between the check and the registration of the waiter.
            now = current;
            if (answerable(now)) {
                return now;
            }
            return call.await(f, FOREVER);
        } catch (TimeoutException e) {
            throw new IllegalStateException("an unbounded wait timed out", e);
        } finally {
            waiting.remove(f);
        }
    }

    static boolean answerable(List<InterfaceInfo> list) {
        return list.isEmpty() || list.stream().anyMatch(i -> i.state() == InterfaceInfo.STATE_AVAILABLE);
    }
}
