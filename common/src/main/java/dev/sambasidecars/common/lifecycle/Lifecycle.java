package dev.sambasidecars.common.lifecycle;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Start and stop of a daemon. Components register a {@link Stoppable} as they start; a stop
 * request (SIGTERM, SIGINT or {@link #requestStop}) stops them in reverse order, all within one
 * drain bound, after telling systemd {@code STOPPING=1}. {@link #awaitStop()} returns the exit
 * status: {@link ExitCode#OK} when everything drained in time, {@link ExitCode#DRAIN_TIMEOUT}
 * otherwise.
 */
public final class Lifecycle {
    private static final Logger LOG = LoggerFactory.getLogger(Lifecycle.class);

    /** Something that stops accepting new work and finishes what it has. */
    @FunctionalInterface
    public interface Stoppable {
        /** Stops; should return within {@code remaining}, which is what is left of the bound. */
        void stop(Duration remaining) throws Exception;
    }

    private record Entry(String name, Stoppable stoppable) {}

    private final Duration drainBound;
    private final SdNotify notify;
    private final Deque<Entry> stack = new ArrayDeque<>();
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final AtomicReference<String> reason = new AtomicReference<>();

    public Lifecycle(Duration drainBound, SdNotify notify) {
        this.drainBound = drainBound;
        this.notify = notify;
    }

    /** Registers a component; components stop in the reverse order of registration. */
    public synchronized void onStop(String name, Stoppable stoppable) {
        stack.push(new Entry(name, stoppable));
    }

    /** Turns SIGTERM and SIGINT into a stop request instead of an abrupt JVM exit. */
    public void installSignalHandlers() {
        for (String sig : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(sig), s -> requestStop("SIG" + s.getName()));
        }
    }

    /** Asks the daemon to stop; the first reason given is kept. */
    public void requestStop(String why) {
        if (reason.compareAndSet(null, why)) {
            stopRequested.countDown();
        }
    }

    /** True once a stop was requested. */
    public boolean stopping() {
        return reason.get() != null;
    }

    /** Blocks until a stop is requested, then drains; returns the exit status. */
    public int awaitStop() throws InterruptedException {
        stopRequested.await();
        return drain();
    }

    private int drain() {
        LOG.info("stopping ({}): draining within {} ms", reason.get(), drainBound.toMillis());
        notify.stopping("stopping: " + reason.get());
        long deadline = System.nanoTime() + drainBound.toNanos();
        boolean inTime = true;
        ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor();
        try {
            while (true) {
                Entry e;
                synchronized (this) {
                    e = stack.poll();
                }
                if (e == null) {
                    break;
                }
                Duration remaining = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
                inTime &= stopOne(ex, e, remaining);
            }
        } finally {
            ex.shutdownNow();
        }
        if (inTime) {
            LOG.info("stopped");
            return ExitCode.OK;
        }
        return ExitCode.DRAIN_TIMEOUT;
    }

    private static boolean stopOne(ExecutorService ex, Entry e, Duration remaining) {
        Future<?> f = ex.submit(() -> {
            e.stoppable().stop(remaining);
            return null;
        });
        try {
            f.get(Math.max(1, remaining.toMillis()), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException t) {
            f.cancel(true);
            LOG.warn("{} did not stop within the drain bound; abandoning its work", e.name());
            return false;
        } catch (ExecutionException failed) {
            LOG.warn("{} failed while stopping: {}", e.name(), failed.getCause().toString());
            return true;
        } catch (InterruptedException i) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
