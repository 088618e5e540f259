package dev.sambasidecars.witness.msswn;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * One client's registration (MS-SWN 3.1.1.4 WitnessRegistration): what it registered for, and
 * the notifications it has not collected yet. Responses wait in order until an AsyncNotify takes
 * them; an AsyncNotify waits until a response comes. Guarded by its own monitor.
 */
public final class Registration {
    /** Responses that may wait for a client before the registration is ended as unresponsive. */
    static final int MAX_QUEUED = 256;

    /** What survives a restart of the daemon. */
    public record Info(UUID id, int version, String netName, String shareName, InetAddress ip, String clientName,
                       int flags, int keepAliveSeconds, String user, Instant registered) {

        /** Version 2 with WITNESS_REGISTER_IP_NOTIFICATION: the client wants IP_CHANGE messages. */
        public boolean wantsIpChange() {
            return version == WitnessVersion.V2 && (flags & 1) != 0;
        }
    }

    /** One AsyncNotify answer: messages of one type (or none) and a WERROR; {@code origin} is when its cause happened. */
    public record Response(List<? extends Notification> messages, int status, Instant origin) {}

    /**
     * True when {@code r} tells this client to stop using its address: a RESOURCE_CHANGE other
     * than AVAILABLE, or a client or share move to any other address.
     */
    boolean sendsAway(Response r) {
        for (Notification m : r.messages()) {
            if (m instanceof Notification.ResourceChange rc && rc.changeType() != Notification.ResourceChange.AVAILABLE) {
                return true;
            }
            if (m instanceof Notification.AddressList l && l.type() != Notification.IP_CHANGE
                    && l.addresses().stream().anyMatch(a -> !a.address().equals(info.ip()))) {
                return true;
            }
        }
        return false;
    }

    private final Info info;
    private final ArrayDeque<Response> queued = new ArrayDeque<>();
    private final ArrayDeque<CompletableFuture<Response>> waiters = new ArrayDeque<>();
    private long lastUse;
    private boolean ended;

    Registration(Info info, long now) {
        this.info = info;
        this.lastUse = now;
    }

    public Info info() {
        return info;
    }

    public UUID id() {
        return info.id();
    }

    /** Hands {@code r} to a waiting AsyncNotify or queues it; false when the queue is full. */
    synchronized boolean deliver(Response r) {
        if (ended) {
            return true;
        }
        CompletableFuture<Response> w;
        while ((w = waiters.poll()) != null) {
            if (w.complete(r)) {
                return true;
            }
        }
        if (queued.size() >= MAX_QUEUED) {
            return false;
        }
        queued.add(r);
        return true;
    }

    /** A queued response at once, or a future the next delivery completes. */
    synchronized CompletableFuture<Response> take(long now) {
        lastUse = now;
        if (ended) {
            return CompletableFuture.completedFuture(null);
        }
        Response r = queued.poll();
        if (r != null) {
            return CompletableFuture.completedFuture(r);
        }
        CompletableFuture<Response> f = new CompletableFuture<>();
        waiters.add(f);
        return f;
    }

    /** Forgets a waiter that gave up (timeout or cancel). */
    synchronized void abandon(CompletableFuture<Response> f, long now) {
        waiters.remove(f);
        lastUse = now;
    }

    /** Returns a response a cancelled AsyncNotify took, to the head of the queue. */
    synchronized void putBack(Response r) {
        if (!ended) {
            queued.addFirst(r);
        }
    }

    synchronized void touch(long now) {
        lastUse = now;
    }

    /** Ends the registration: every waiting AsyncNotify is answered with {@code status}. */
    synchronized boolean end(int status) {
        if (ended) {
            return false;
        }
        ended = true;
        queued.clear();
        Response r = new Response(List.of(), status, Instant.now());
        waiters.forEach(w -> w.complete(r));
        waiters.clear();
        return true;
    }

    public synchronized boolean ended() {
        return ended;
    }

    public synchronized int pending() {
        return waiters.size();
    }

    public synchronized int queuedCount() {
        return queued.size();
    }

    /** True when no AsyncNotify waits and none came since {@code deadline}. */
    synchronized boolean unusedSince(long deadline) {
        return waiters.isEmpty() && lastUse - deadline < 0;
    }
}
