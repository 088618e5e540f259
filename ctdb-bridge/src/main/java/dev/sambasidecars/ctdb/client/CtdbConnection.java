package dev.sambasidecars.ctdb.client;

import dev.sambasidecars.ctdb.protocol.ControlOpcode;
import dev.sambasidecars.ctdb.protocol.CtdbProtocolException;
import dev.sambasidecars.ctdb.protocol.Operation;
import dev.sambasidecars.ctdb.protocol.PacketReader;
import dev.sambasidecars.ctdb.protocol.ReplyControl;
import dev.sambasidecars.ctdb.protocol.ReqControl;
import dev.sambasidecars.ctdb.protocol.ReqMessage;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;

/**
 * One connection to ctdbd's unix socket: requests are matched to replies by reqid, messages
 * go to a handler, and one reader thread reads the stream. A malformed packet, a stream that
 * ends mid-packet or an I/O error closes the connection and fails every pending control; the
 * owner learns why through the close handler and reconnects.
 */
public final class CtdbConnection implements AutoCloseable {

    /** Why a connection ended. */
    public record Closed(String reason, Throwable cause, boolean protocolError) {}

    /** Receives what the connection hears. Called on the reader thread, in stream order. */
    public interface Listener {
        void onMessage(ReqMessage message, long receivedNanos);

        void onClosed(Closed why);

        /** A packet that is well-formed but not for a client (logged and counted by the owner). */
        default void onUnexpected(String what) {}
    }

    private final AFUNIXSocket socket;
    private final OutputStream out;
    private final Listener listener;
    private final Map<Integer, CompletableFuture<ReplyControl>> pending = new ConcurrentHashMap<>();
    private final AtomicInteger reqids = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread reader;

    private CtdbConnection(AFUNIXSocket socket, Listener listener) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.listener = listener;
        this.reader = Thread.ofPlatform().daemon().name("ctdbd-reader").unstarted(this::readLoop);
    }

    /** Connects to ctdbd at {@code path} within {@code timeout} and starts reading. */
    public static CtdbConnection open(Path path, Duration timeout, Listener listener) throws IOException {
        AFUNIXSocket s = AFUNIXSocket.newInstance();
        try {
            s.connect(AFUNIXSocketAddress.of(path), (int) Math.max(1, timeout.toMillis()));
        } catch (IOException e) {
            s.close();
            throw e;
        }
        CtdbConnection c = new CtdbConnection(s, listener);
        c.reader.start();
        return c;
    }

    private void readLoop() {
        PacketReader packets;
        try {
            packets = new PacketReader(socket.getInputStream());
        } catch (IOException e) {
            close(new Closed("cannot read from ctdbd: " + e.getMessage(), e, false));
            return;
        }
        while (!closed.get()) {
            try {
                PacketReader.Packet p = packets.next();
                long now = System.nanoTime();
                switch (p.header().operation()) {
                    case Operation.REPLY_CONTROL -> {
                        ReplyControl r = ReplyControl.decode(p.header(), p.body());
                        CompletableFuture<ReplyControl> f = pending.remove(r.reqid());
                        if (f != null) {
                            f.complete(r);
                        } else {
                            listener.onUnexpected("reply for unknown reqid " + r.reqid());
                        }
                    }
                    case Operation.REQ_MESSAGE -> listener.onMessage(ReqMessage.decode(p.body()), now);
                    default -> listener.onUnexpected("operation " + p.header().operation());
                }
            } catch (EOFException e) {
                close(new Closed("ctdbd closed the connection", e, false));
            } catch (CtdbProtocolException e) {
                close(new Closed("bad packet from ctdbd: " + e.getMessage(), e, true));
            } catch (IOException e) {
                close(new Closed("connection to ctdbd failed: " + e.getMessage(), e, false));
            }
        }
    }

    /**
     * Sends a control and waits up to {@code timeout} for its reply.
     *
     * @throws ControlTimeoutException when no reply comes in time (the connection stays usable)
     * @throws ConnectionClosedException when the connection is or becomes closed
     */
    public ReplyControl control(int destnode, int opcode, long srvid, int flags, byte[] data, Duration timeout)
            throws IOException, InterruptedException {
        int reqid = nextReqid();
        CompletableFuture<ReplyControl> f = new CompletableFuture<>();
        pending.put(reqid, f);
        try {
            send(new ReqControl(reqid, destnode, opcode, srvid, flags, data).encode());
            return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new ControlTimeoutException(opcode, destnode, timeout);
        } catch (ExecutionException e) {
            throw new ConnectionClosedException("control " + ControlOpcode.name(opcode) + ": " + e.getCause().getMessage());
        } finally {
            pending.remove(reqid);
        }
    }

    /** Sends a control with NOREPLY set; nothing comes back. */
    public void controlNoReply(int destnode, int opcode, long srvid, byte[] data) throws IOException {
        send(new ReqControl(nextReqid(), destnode, opcode, srvid, ControlOpcode.FLAG_NOREPLY, data).encode());
    }

    private int nextReqid() {
        int id;
        do {
            id = reqids.incrementAndGet();
        } while (id == 0);
        return id;
    }

    private void send(byte[] packet) throws IOException {
        if (closed.get()) {
            throw new ConnectionClosedException("connection to ctdbd is closed");
        }
        synchronized (out) {
            out.write(packet);
            out.flush();
        }
    }

    public boolean isOpen() {
        return !closed.get();
    }

    private void close(Closed why) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        ConnectionClosedException failure = new ConnectionClosedException(why.reason());
        pending.values().forEach(f -> f.completeExceptionally(failure));
        pending.clear();
        listener.onClosed(why);
    }

    @Override
    public void close() {
        close(new Closed("closed by the bridge", null, false));
    }

    /** The connection is closed (or closed while waiting). */
    public static final class ConnectionClosedException extends IOException {
        private static final long serialVersionUID = 1L;

        ConnectionClosedException(String message) {
            super(message);
        }
    }

    /** ctdbd did not answer a control in time. */
    public static final class ControlTimeoutException extends IOException {
        private static final long serialVersionUID = 1L;

        ControlTimeoutException(int opcode, int destnode, Duration timeout) {
            super("control " + ControlOpcode.name(opcode) + " to node " + Integer.toUnsignedString(destnode, 16)
                    + " got no reply within " + timeout.toMillis() + " ms");
        }
    }

    /** Delivers messages to a plain consumer; for tests and tools. */
    public static Listener messages(Consumer<ReqMessage> consumer) {
        return new Listener() {
            @Override
            public void onMessage(ReqMessage message, long receivedNanos) {
                consumer.accept(message);
            }

            @Override
            public void onClosed(Closed why) {}
        };
    }
}
