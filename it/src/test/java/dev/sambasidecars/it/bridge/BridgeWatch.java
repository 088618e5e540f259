package dev.sambasidecars.it.bridge;

import dev.sambasidecars.ctdb.api.BridgeClient;
import dev.sambasidecars.ctdb.api.ClusterView;
import dev.sambasidecars.ctdb.api.v1.ClusterEvent;
import dev.sambasidecars.ctdb.api.v1.ClusterSnapshot;
import dev.sambasidecars.ctdb.api.v1.ClusterUpdate;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A test's watch on one node's ctdb-bridge, through the socket the node shares with the host. */
final class BridgeWatch implements AutoCloseable {

    /** An update and when the test JVM received it (wall clock, same kernel as the bridge). */
    record Received(ClusterUpdate update, long receivedUnixNanos) {}

    private final BridgeClient client;
    private final BridgeClient.Watch watch;
    private final List<Received> received = new ArrayList<>();
    private ClusterView view;

    BridgeWatch(Path socketDir) {
        client = BridgeClient.connect(socketDir.resolve(BridgeClient.SOCKET_NAME));
        watch = client.watch((update, v) -> {
            java.time.Instant now = java.time.Instant.now();
            synchronized (this) {
                view = v;
                received.add(new Received(update, now.getEpochSecond() * 1_000_000_000L + now.getNano()));
                notifyAll();
            }
        });
    }

    ClusterSnapshot snapshot() {
        return client.snapshot(Duration.ofSeconds(5));
    }

    synchronized ClusterView view() {
        return view;
    }

    /** Index to pass to {@link #await} so that only later updates count. */
    synchronized int mark() {
        return received.size();
    }

    /** The first event after {@code from} matching {@code p}, waiting up to {@code timeout}. */
    synchronized Received await(int from, Duration timeout, Predicate<ClusterEvent> p) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int i = from;
        while (true) {
            for (; i < received.size(); i++) {
                ClusterUpdate u = received.get(i).update();
                if (u.hasEvent() && p.test(u.getEvent())) {
                    return received.get(i);
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("no matching event within " + timeout.toSeconds() + " s; got "
                        + received.subList(from, received.size()).stream().map(r -> r.update().toString()).toList());
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    /** Waits until the bridge says it is connected to ctdbd and knows {@code ips} public IPs. */
    static BridgeWatch connected(Path socketDir, int ips) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        Throwable last = null;
        while (System.nanoTime() < deadline) {
            if (java.nio.file.Files.exists(socketDir.resolve(BridgeClient.SOCKET_NAME))) {
                BridgeWatch w = new BridgeWatch(socketDir);
                try {
                    ClusterSnapshot s = w.snapshot();
                    if (s.getCtdbConnected() && s.getPublicIpsCount() == ips) {
                        return w;
                    }
                } catch (RuntimeException e) {
                    last = e;
                }
                w.close();
            }
            Thread.sleep(250);
        }
        throw new AssertionError("ctdb-bridge at " + socketDir + " never became ready", last);
    }

    @Override
    public void close() {
        watch.close();
        client.close();
    }
}
