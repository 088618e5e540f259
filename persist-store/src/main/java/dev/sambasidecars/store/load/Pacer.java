package dev.sambasidecars.store.load;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * An open loop's clock: hands each due write to a client with none outstanding, the oldest
 * due first. A client that finds none due waits idle until the pacer's thread hands it one;
 * writes due while every client is busy go out as clients come free, each still timed from
 * when it was due.
 */
final class Pacer {

    /** A client that sends one write at a time. */
    interface Lane {
        /** Sends the next write, timed from {@code due} (nanoTime). */
        void issue(long due);

        /** Has no more to send: the run is over. */
        void finish();
    }

    private static final long TICK_NANOS = 500_000L;
    private final long interval;
    private final ArrayDeque<Lane> idle = new ArrayDeque<>();
    /** When the next write not yet handed out is due (nanoTime). */
    private long due;
    private boolean stopped;
    private Thread ticker;

    Pacer(double perSecond) {
        this.interval = Math.max(1, (long) (1e9 / perSecond));
    }

    void start(long t0) {
        synchronized (this) {
            due = t0;
        }
        ticker = Thread.ofPlatform().daemon().name("store-load-pacer").start(this::tick);
    }

    /** A client without a write outstanding: it sends the oldest due write now, or waits idle. */
    void ready(Lane c) {
        long at;
        synchronized (this) {
            if (stopped) {
                at = -1;
            } else if (due <= System.nanoTime()) {
                at = due;
                due += interval;
            } else {
                idle.push(c);
                return;
            }
        }
        if (at < 0) {
            c.finish();
        } else {
            c.issue(at);
        }
    }

    private void tick() {
        List<Lane> go = new ArrayList<>();
        List<Long> at = new ArrayList<>();
        while (true) {
            long wait;
            synchronized (this) {
                if (stopped) {
                    return;
                }
                long now = System.nanoTime();
                while (due <= now && !idle.isEmpty()) {
                    go.add(idle.pop());
                    at.add(due);
                    due += interval;
                }
                // Whole ticks, not one wake-up per write: at 20,000/s that would be a thread
                // woken every 50 us, taking CPU from the store it measures. A write then
                // waits here up to a tick, and that counts in its latency.
                wait = Math.max(TICK_NANOS, due - now);
            }
            for (int i = 0; i < go.size(); i++) {
                go.get(i).issue(at.get(i));
            }
            go.clear();
            at.clear();
            LockSupport.parkNanos(wait);
        }
    }

    /** Ends the run: the idle clients finish now, the busy ones when their write is answered. */
    void stop() throws InterruptedException {
        List<Lane> left;
        synchronized (this) {
            stopped = true;
            left = List.copyOf(idle);
            idle.clear();
        }
        ticker.join();
        left.forEach(Lane::finish);
    }
}
