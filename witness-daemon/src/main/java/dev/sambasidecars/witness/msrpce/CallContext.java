package dev.sambasidecars.witness.msrpce;

import java.net.InetSocketAddress;

/**
 * What a stub may know about the call it serves: the association (peer, association group,
 * authentication) and whether the client cancelled it or went away.
 */
public final class CallContext {
    private final int callId;
    private final Association association;
    private volatile boolean cancelled;

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
        return cancelled || association.closed();
    }

    void cancel() {
        cancelled = true;
    }

    /** Runs {@code r} when the association closes (context-handle rundown). */
    public void onClose(Runnable r) {
        association.onClose(r);
    }
}
