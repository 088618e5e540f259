package dev.sambasidecars.witness.msrpce;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * A client connection in memory: the client sends {@code sent} and, once that is all read, waits
 * (up to a bound) until {@code idle} says its calls are answered before it hangs up, as a client
 * that reads its answers before closing would. What the server writes is kept.
 */
final class MemoryConnection implements Connection {
    static final InetSocketAddress PEER = new InetSocketAddress(InetAddress.getLoopbackAddress(), 50123);
    static final InetSocketAddress LOCAL = new InetSocketAddress(InetAddress.getLoopbackAddress(), 135);

    private final InputStream in;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private volatile boolean closed;

    MemoryConnection(byte[] sent, BooleanSupplier idle, long waitMillis) {
        this.in = new ByteArrayInputStream(sent) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                if (available() == 0) {
                    awaitIdle(idle, waitMillis);
                }
                return super.read(b, off, len);
            }

            @Override
            public synchronized int read() {
                if (available() == 0) {
                    awaitIdle(idle, waitMillis);
                }
                return super.read();
            }
        };
    }

    private static void awaitIdle(BooleanSupplier idle, long waitMillis) {
        long deadline = System.nanoTime() + waitMillis * 1_000_000;
        while (!idle.getAsBoolean() && System.nanoTime() < deadline) {
            LockSupport.parkNanos(10_000);
        }
    }

    @Override
    public InputStream input() {
        return in;
    }

    @Override
    public OutputStream output() {
        return out;
    }

    @Override
    public InetSocketAddress peer() {
        return PEER;
    }

    @Override
    public InetSocketAddress local() {
        return LOCAL;
    }

    @Override
    public void close() {
        closed = true;
    }

    boolean closed() {
        return closed;
    }

    /** Everything the server wrote so far. */
    byte[] written() {
        synchronized (out) {
            return out.toByteArray();
        }
    }
}
