package dev.sambasidecars.ctdb.bridge;

import dev.sambasidecars.ctdb.api.v1.Trigger;
import dev.sambasidecars.ctdb.client.CtdbClient;
import dev.sambasidecars.ctdb.client.CtdbConnection;
import dev.sambasidecars.ctdb.model.Cause;
import dev.sambasidecars.ctdb.model.ClusterModel;
import dev.sambasidecars.ctdb.model.Observation;
import dev.sambasidecars.ctdb.protocol.ControlFailedException;
import dev.sambasidecars.ctdb.protocol.CtdbProtocolException;
import dev.sambasidecars.ctdb.protocol.ReqMessage;
import dev.sambasidecars.ctdb.protocol.Srvid;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the bridge connected to ctdbd and the model current. One thread connects (with
 * backoff while ctdbd is down), subscribes to CTDB's messages, and re-reads the cluster
 * whenever a cause arrives — a ctdbd message, an event-script call, the poll timer or a
 * (re)connection — folding causes that queue up during one read into the next.
 */
final class CtdbFollower implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CtdbFollower.class);
    private static final long MIN_BACKOFF_MS = 100;
    private static final long MAX_BACKOFF_MS = 5_000;

    /** SRVIDs whose messages mean "look again". */
    static final List<Long> SUBSCRIBED = List.of(Srvid.RELEASE_IP, Srvid.TAKE_IP, Srvid.IPREALLOCATED,
            Srvid.START_IPREALLOCATE, Srvid.PUSH_NODE_FLAGS, Srvid.RECONFIGURE);

    private final Path socket;
    private final Duration controlTimeout;
    private final Duration pollInterval;
    private final boolean registerSrvids;
    private final ClusterModel model;
    private final BridgeMetrics metrics;
    private final TcpRegistry tcp;
    private final ClusterReader reader;
    private final BlockingQueue<Cause> causes = new ArrayBlockingQueue<>(4096);
    /** When script-announced address changes are read again (ms after the call). */
    static final long[] FOLLOW_UP_MS = {50, 250, 1000};
    private final java.util.concurrent.ScheduledExecutorService followUps =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
                    Thread.ofPlatform().daemon().name("ctdb-follow-up").factory());
    private final Thread thread;
    private volatile CtdbClient client;
    private volatile boolean running = true;
    private int connects;

    CtdbFollower(Path socket, Duration controlTimeout, Duration pollInterval, boolean registerSrvids,
                 ClusterModel model, BridgeMetrics metrics, TcpRegistry tcp, ClusterReader reader) {
        this.socket = socket;
        this.controlTimeout = controlTimeout;
        this.pollInterval = pollInterval;
        this.registerSrvids = registerSrvids;
        this.model = model;
        this.metrics = metrics;
        this.tcp = tcp;
        this.reader = reader;
        this.thread = Thread.ofPlatform().name("ctdb-follower").daemon().unstarted(this::run);
    }

    void start() {
        thread.start();
    }

    /** The client while connected, else null. */
    CtdbClient client() {
        CtdbClient c = client;
        return c != null && c.connection().isOpen() ? c : null;
    }

    boolean connected() {
        return client() != null;
    }

    /**
     * Asks for a fresh look at the cluster; never blocks. An event-script call about an
     * address comes while CTDB's event is still running — CTDB records the new owner only once
     * the event finishes — so such a cause is looked at again a little later, keeping its
     * original arrival time for the lag.
     */
    void trigger(Cause cause) {
        enqueue(cause);
        if (cause.kind() == Trigger.TRIGGER_EVENT_SCRIPT && cause.detail().matches("(takeip|releaseip|updateip) .*")) {
            for (long ms : FOLLOW_UP_MS) {
                followUps.schedule(() -> enqueue(cause), ms, TimeUnit.MILLISECONDS);
            }
        }
    }

    private void enqueue(Cause cause) {
        if (!causes.offer(cause)) {
            // A full queue means a read is pending anyway; the oldest cause keeps the lag honest.
            LOG.debug("cause queue full; {} folded into the pending read", cause.detail());
        }
    }

    private void run() {
        long backoff = MIN_BACKOFF_MS;
        while (running) {
            try {
                follow();
                backoff = MIN_BACKOFF_MS;
            } catch (IOException | CtdbProtocolException e) {
                if (running) {
                    LOG.warn("ctdbd at {}: {}; retrying in {} ms", socket, e.getMessage(), backoff);
                }
            } catch (InterruptedException e) {
                return;
            }
            client = null;
            if (!running) {
                return;
            }
            model.observe(Observation.disconnected(), Cause.now(Trigger.TRIGGER_CONNECT, "ctdbd connection lost"));
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException e) {
                return;
            }
            backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
        }
    }

    /** One connection's life: connect, subscribe, read on every cause until it breaks. */
    private void follow() throws IOException, CtdbProtocolException, InterruptedException {
        CtdbConnection conn = CtdbConnection.open(socket, controlTimeout, new Listener());
        try {
            CtdbClient c = new CtdbClient(conn, controlTimeout);
            if (registerSrvids) {
                for (long srvid : SUBSCRIBED) {
                    c.registerSrvid(srvid);
                }
            }
            tcp.replay(c);
            client = c;
            if (connects++ > 0) {
                metrics.reconnected();
            }
            LOG.info("connected to ctdbd at {} (pid {}, this node pnn {}); {}", socket, c.pid(), c.pnn(),
                    registerSrvids ? "subscribed to its messages" : "messages not subscribed (event script only)");
            refresh(c, Cause.now(Trigger.TRIGGER_CONNECT, "connected to ctdbd"));
            while (running && conn.isOpen()) {
                Cause cause = causes.poll(pollInterval.toMillis(), TimeUnit.MILLISECONDS);
                if (cause == null) {
                    cause = Cause.now(Trigger.TRIGGER_POLL, "poll");
                }
                // Everything queued behind this cause is answered by the same read.
                for (Cause more; (more = causes.poll()) != null; ) {
                    if (more.kind() != Trigger.TRIGGER_POLL && cause.kind() == Trigger.TRIGGER_POLL) {
                        cause = more;
                    }
                }
                if (conn.isOpen()) {
                    refresh(c, cause);
                }
            }
        } catch (CtdbConnection.ControlTimeoutException e) {
            metrics.fault("timeout");
            throw e;
        } finally {
            conn.close();
        }
    }

    private void refresh(CtdbClient c, Cause cause) throws IOException, CtdbProtocolException, InterruptedException {
        try {
            model.observe(reader.read(c), cause);
        } catch (ControlFailedException e) {
            // A control refused during a recovery is no reason to drop the connection.
            LOG.debug("reading the cluster failed: {}", e.getMessage());
        }
    }

    private final class Listener implements CtdbConnection.Listener {
        @Override
        public void onMessage(ReqMessage m, long receivedNanos) {
            String name = Srvid.name(m.srvid());
            metrics.message(name);
            if (m.srvid() == Srvid.IPREALLOCATED) {
                model.setIpreallocatedMessages(true);
            }
            if (!SUBSCRIBED.contains(m.srvid())) {
                return;
            }
            String detail = name;
            if (m.srvid() == Srvid.TAKE_IP || m.srvid() == Srvid.RELEASE_IP) {
                try {
                    detail = name + " " + m.nulTerminatedString();
                } catch (CtdbProtocolException e) {
                    metrics.fault("bad_message");
                    LOG.warn("{}", e.getMessage());
                }
            }
            trigger(Cause.at(Trigger.TRIGGER_CTDB_MESSAGE, detail, receivedNanos));
        }

        @Override
        public void onClosed(CtdbConnection.Closed why) {
            if (why.protocolError()) {
                metrics.fault("bad_packet");
            } else if (running) {
                metrics.fault("closed");
            }
            if (running) {
                LOG.warn("lost ctdbd: {}", why.reason());
            }
            // Wake the follower so it notices at once.
            causes.offer(Cause.now(Trigger.TRIGGER_CONNECT, why.reason()));
        }

        @Override
        public void onUnexpected(String what) {
            metrics.fault("unexpected_packet");
            LOG.debug("unexpected packet from ctdbd: {}", what);
        }
    }

    @Override
    public void close() {
        running = false;
        followUps.shutdownNow();
        thread.interrupt();
        CtdbClient c = client;
        if (c != null) {
            c.connection().close();
        }
    }
}
