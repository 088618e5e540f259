package dev.sambasidecars.it.bench;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * What a benchmark started, closed when it ends or when the JVM is told to stop (SIGTERM,
 * Ctrl-C) in the middle of a run: then main's {@code finally} blocks never run, and stores,
 * containers and CPU groups would be left behind (a loopback cluster's three JVMs kept running,
 * 1.3 GB each, after its benchmark was killed). Closes in the reverse order of {@link #add}, each
 * once, and goes on past one that fails.
 */
final class ExitGuard implements AutoCloseable {

    private final Deque<AutoCloseable> open = new ArrayDeque<>();
    private final Thread hook = new Thread(this::closeAll, "bench-exit-guard");

    ExitGuard() {
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Closes {@code c} with everything else added, on {@link #close} or at exit; null is allowed and ignored. */
    synchronized <T extends AutoCloseable> T add(T c) {
        if (c != null) {
            open.push(c);
        }
        return c;
    }

    /**
     * Closes each in turn. An interrupt is kept for after the last one, so that the ones after
     * an interrupted close still wait for their processes to end.
     */
    private synchronized void closeAll() {
        boolean interrupted = false;
        while (!open.isEmpty()) {
            AutoCloseable c = open.pop();
            try {
                c.close();
            } catch (Exception e) {
                interrupted |= e instanceof InterruptedException || Thread.interrupted();
                System.err.println("could not close " + c + ": " + e);
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closeAll();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // The JVM is already shutting down: the hook runs, and finds nothing left to close.
        }
    }
}
