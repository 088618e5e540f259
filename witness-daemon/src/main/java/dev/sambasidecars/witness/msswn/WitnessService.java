package dev.sambasidecars.witness.msswn;

import dev.sambasidecars.witness.msrpce.CallContext;
import dev.sambasidecars.witness.msrpce.ContextHandles;
import dev.sambasidecars.witness.msrpce.RpcFaultException;
import dev.sambasidecars.witness.msswn.Registration.Response;
import dev.sambasidecars.witness.msswn.WitnessStubs.RegisterArgs;
import dev.sambasidecars.witness.ndr.ContextHandle;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Witness service's registrations (MS-SWN 3.1): Register/RegisterEx with the spec's checks,
 * UnRegister/UnRegisterEx, AsyncNotify waiting for the next response, and the two timers — a
 * registration nobody waits on for {@code unusedTimeout} is removed, and one that was told to go
 * elsewhere is force-ended {@code forcedUnregister} later so that the client registers again.
 * Registrations are found by their context handle's GUID, so a client (the same user) may use
 * its handle from a new connection, as after a restart of this daemon.
 */
public final class WitnessService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WitnessService.class);
    /** How long an AsyncNotify without a keep-alive timeout may wait. */
    static final Duration NO_TIMEOUT = Duration.ofDays(3650);

    /** Policy from the configuration. */
    public record Settings(Set<String> netNames, Predicate<String> shareExists, Duration forcedUnregister,
                           Duration unusedTimeout) {
        public Settings {
            netNames = netNames.stream().map(n -> n.toUpperCase(Locale.ROOT)).collect(java.util.stream.Collectors.toSet());
        }
    }

    /** Told of what happens to registrations: metrics and the local store listen. */
    public interface Listener {
        default void registered(Registration r) {}

        default void ended(Registration r, String why) {}

        default void sent(Registration r, Response response) {}
    }

    /** Register's outcome: the handle (null on failure) and the WERROR. */
    public record RegisterResult(ContextHandle handle, int status) {}

    private final Settings settings;
    private final Supplier<List<InterfaceInfo>> interfaces;
    private final Listener listener;
    private final ScheduledExecutorService timers;
    private final Map<UUID, Registration> registrations = new ConcurrentHashMap<>();
    private final Map<UUID, ContextHandles> owners = new ConcurrentHashMap<>();

    public WitnessService(Settings settings, Supplier<List<InterfaceInfo>> interfaces, Listener listener,
                          ScheduledExecutorService timers) {
        this.settings = settings;
        this.interfaces = interfaces;
        this.listener = listener;
        this.timers = timers;
        long period = Math.max(100, Math.min(5000, settings.unusedTimeout().toMillis() / 4));
        timers.scheduleWithFixedDelay(this::sweep, period, period, TimeUnit.MILLISECONDS);
    }

    private static long now() {
        return System.nanoTime();
    }

    /** The registration checks of MS-SWN 3.1.4.2 and 3.1.4.5, in the spec's order. */
    int check(RegisterArgs a) {
        int wanted = a.ex() ? WitnessVersion.V2 : WitnessVersion.V1;
        if (a.version() != wanted) {
            return WitnessErrors.REVISION_MISMATCH;
        }
        if (a.netName() == null || a.ipAddress() == null || a.clientName() == null || !netNameMatches(a.netName())) {
            return WitnessErrors.INVALID_PARAMETER;
        }
        if (a.ex() && a.shareName() != null && !settings.shareExists().test(a.shareName())) {
            return WitnessErrors.INVALID_STATE;
        }
        return address(a.ipAddress()) == null ? WitnessErrors.INVALID_STATE : WitnessErrors.OK;
    }

    /** The cluster's names: any of them in full, or a DNS name whose first label is one. */
    boolean netNameMatches(String name) {
        String n = name.toUpperCase(Locale.ROOT);
        int dot = n.indexOf('.');
        return !n.isEmpty() && (settings.netNames().contains(n) || dot > 0 && settings.netNames().contains(n.substring(0, dot)));
    }

    /** The interface-list address {@code text} names, or null. */
    private InetAddress address(String text) {
        InetAddress ip;
        try {
            ip = InetAddress.ofLiteral(text.strip());
        } catch (IllegalArgumentException e) {
            return null;
        }
        return interfaces.get().stream().anyMatch(i -> i.address().equals(ip)) ? ip : null;
    }

    public RegisterResult register(RegisterArgs a, CallContext call) throws RpcFaultException {
        int status = check(a);
        if (status != WitnessErrors.OK) {
            LOG.info("registration from {} ({}) refused with {}: net name '{}', share '{}', ip '{}'", call.peer(),
                    call.user(), WitnessErrors.name(status), a.netName(), a.shareName(), a.ipAddress());
            return new RegisterResult(ContextHandle.NULL, status);
        }
        ContextHandle handle = ContextHandle.random();
        Registration r = new Registration(new Registration.Info(handle.uuid(), a.version(), a.netName(), a.shareName(),
                address(a.ipAddress()), a.clientName(), a.flags(), a.ex() ? a.timeoutSeconds() : 0, call.user(),
                Instant.now()), now());
        attach(r, call, handle);
        registrations.put(r.id(), r);
        listener.registered(r);
        LOG.info("{} registered {} for {} on {} (client {}, share {})", call.user(), r.id(), a.netName(),
                a.ipAddress(), a.clientName(), a.shareName());
        return new RegisterResult(handle, WitnessErrors.OK);
    }

    /** Makes {@code call}'s association the owner: its end runs the registration down. */
    private void attach(Registration r, CallContext call, ContextHandle handle) throws RpcFaultException {
        ContextHandles mine = call.handles();
        if (owners.get(r.id()) == mine) {
            return;
        }
        mine.adopt(handle, r, reg -> {
            if (owners.remove(reg.id(), mine)) {
                end(reg, "its connection closed", WitnessErrors.NOT_FOUND);
            }
        });
        ContextHandles previous = owners.put(r.id(), mine);
        if (previous != null) {
            previous.close(handle);
        }
    }

    /** The registration {@code handle} names for {@code call}'s user, or null. */
    private Registration find(ContextHandle handle, CallContext call) {
        Registration r = registrations.get(handle.uuid());
        if (r == null || r.ended() || !java.util.Objects.equals(r.info().user(), call.user())) {
            return null;
        }
        return r;
    }

    /** UnRegister (opnum 2): INVALID_PARAMETER for a handle that names no registration (MS-SWN 3.1.4.3). */
    public int unregister(ContextHandle handle, CallContext call) {
        Registration r = find(handle, call);
        if (r == null) {
            return WitnessErrors.INVALID_PARAMETER;
        }
        ContextHandles owner = owners.remove(r.id());
        if (owner != null) {
            owner.close(handle);
        }
        end(r, "unregistered by the client", WitnessErrors.NOT_FOUND);
        return WitnessErrors.OK;
    }

    /** AsyncNotify (opnum 3): the next response for the registration, waiting for it if need be. */
    public Response asyncNotify(ContextHandle handle, CallContext call)
            throws RpcFaultException, InterruptedException {
        Registration r = find(handle, call);
        if (r == null) {
            return new Response(List.of(), WitnessErrors.NOT_FOUND, Instant.now());
        }
        attach(r, call, handle);
        CompletableFuture<Response> next = r.take(now());
        Duration timeout = r.info().version() == WitnessVersion.V2 && r.info().keepAliveSeconds() > 0
                ? Duration.ofSeconds(Integer.toUnsignedLong(r.info().keepAliveSeconds())) : NO_TIMEOUT;
        Response response;
        try {
            response = call.await(next, timeout);
        } catch (TimeoutException e) {
            r.abandon(next, now());
            if (!next.isDone()) {
                return new Response(List.of(), WitnessErrors.TIMEOUT, Instant.now());
            }
            response = next.join();
        } catch (RpcFaultException | InterruptedException e) {
            r.abandon(next, now());
            if (next.isDone() && next.join() != null) {
                r.putBack(next.join());
            }
            throw e;
        }
        if (response == null || response.messages().isEmpty() && response.status() == WitnessErrors.NOT_FOUND) {
            return new Response(List.of(), WitnessErrors.NOT_FOUND, Instant.now());
        }
        r.touch(now());
        listener.sent(r, response);
        if (r.sendsAway(response) && !settings.forcedUnregister().isZero()) {
            timers.schedule(() -> end(r, "told to go elsewhere " + settings.forcedUnregister().toMillis() + " ms ago",
                    WitnessErrors.NOT_FOUND), settings.forcedUnregister().toMillis(), TimeUnit.MILLISECONDS);
        }
        return response;
    }

    /** Queues {@code what} for every registration {@code which} selects; returns how many. */
    public int notify(Predicate<Registration> which, Function<Registration, Response> what) {
        int n = 0;
        for (Registration r : registrations.values()) {
            if (!r.ended() && which.test(r)) {
                Response resp = what.apply(r);
                if (resp == null) {
                    continue;
                }
                if (!r.deliver(resp)) {
                    end(r, "more than " + Registration.MAX_QUEUED + " responses were never collected",
                            WitnessErrors.NOT_FOUND);
                    continue;
                }
                n++;
            }
        }
        return n;
    }

    /** Ends every registration {@code which} selects; pending AsyncNotify calls get NOT_FOUND. */
    public int endAll(Predicate<Registration> which, String why) {
        int n = 0;
        for (Registration r : registrations.values()) {
            if (which.test(r) && end(r, why, WitnessErrors.NOT_FOUND)) {
                n++;
            }
        }
        return n;
    }

    boolean end(Registration r, String why, int status) {
        if (!registrations.remove(r.id(), r) || !r.end(status)) {
            return false;
        }
        ContextHandles owner = owners.remove(r.id());
        if (owner != null) {
            owner.close(new ContextHandle(0, r.id()));
        }
        LOG.info("registration {} of {} for {} ended: {}", r.id(), r.info().clientName(), r.info().ip().getHostAddress(), why);
        listener.ended(r, why);
        return true;
    }

    /** Brings back a registration saved before a restart: no connection owns it until its client uses it. */
    public void restore(Registration.Info info) {
        Registration r = new Registration(info, now());
        registrations.put(info.id(), r);
        listener.registered(r);
    }

    public Collection<Registration> registrations() {
        return registrations.values();
    }

    /** AsyncNotify calls waiting now. */
    public int pending() {
        return registrations.values().stream().mapToInt(Registration::pending).sum();
    }

    /** The Unused Registration Timer (MS-SWN 3.1.2.1). */
    void sweep() {
        try {
            long deadline = now() - settings.unusedTimeout().toNanos();
            endAll(r -> r.unusedSince(deadline), "no AsyncNotify for " + settings.unusedTimeout().toSeconds() + " s");
        } catch (RuntimeException e) {
            LOG.warn("registration sweep failed: {}", e.toString());
        }
    }

    @Override
    public void close() {
        endAll(r -> true, "the witness service stopped");
    }
}
