package dev.sambasidecars.witness.msrpce;

import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transport of a client association: one TCP connection, a send lock under which PDUs are
 * protected and written (so signature sequence numbers follow the wire), and one receiving
 * virtual thread that checks each incoming fragment in wire order and hands it to whoever waits
 * for its call id. An answer for a call id nobody waits for any more (an abandoned call) is still
 * verified, then dropped. Faults are taken as they come: this engine and Samba's send them
 * without a signature, so they use no sequence number.
 */
final class ClientConnection {
    private static final Logger LOG = LoggerFactory.getLogger(ClientConnection.class);

    /** Who waits for PDUs of one call id: a call, or a bind/alter_context for its single answer. */
    private sealed interface Waiter {
        record ForCall(ClientCall call) implements Waiter {}

        record ForPdu(CompletableFuture<Pdu> answer) implements Waiter {}
    }

    private final Socket socket;
    private final OutputStream out;
    private final RpcClientOptions options;
    private final Object sendLock = new Object();
    private final Map<Integer, Waiter> waiters = new ConcurrentHashMap<>();
    private final AtomicInteger callIds = new AtomicInteger();
    private volatile ClientAssociationSecurity security = ClientAssociationSecurity.NONE;
    private volatile int maxXmit;
    private volatile IOException failure;
    private final Thread receiver;

    private ClientConnection(Socket socket, RpcClientOptions options) throws IOException {
        this.socket = socket;
        this.options = options;
        this.out = new BufferedOutputStream(socket.getOutputStream(), options.maxFrag() + 64);
        this.maxXmit = options.maxFrag();
        this.receiver = Thread.ofVirtual().name("rpc-client-" + socket.getLocalPort()).unstarted(this::receive);
    }

    static ClientConnection open(InetSocketAddress address, RpcClientOptions options) throws IOException {
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.connect(address, (int) Math.min(Integer.MAX_VALUE, options.connectTimeout().toMillis()));
            ClientConnection c = new ClientConnection(s, options);
            c.receiver.start();
            return c;
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    RpcClientOptions options() {
        return options;
    }

    InetSocketAddress peer() {
        return (InetSocketAddress) socket.getRemoteSocketAddress();
    }

    int nextCallId() {
        return callIds.incrementAndGet();
    }

    ClientAssociationSecurity security() {
        return security;
    }

    void security(ClientAssociationSecurity s) {
        security = s;
    }

    /** Fragments sent are cut to this size (what the server's bind_ack accepts, at most what was offered). */
    void maxXmit(int n) {
        maxXmit = n;
    }

    int maxXmit() {
        return maxXmit;
    }

    boolean open() {
        return failure == null;
    }

    /** Registers a wait for the single answer (bind_ack, bind_nak, alter_context_resp, fault) to {@code callId}. */
    CompletableFuture<Pdu> expect(int callId) {
        CompletableFuture<Pdu> answer = new CompletableFuture<>();
        waiters.put(callId, new Waiter.ForPdu(answer));
        return answer;
    }

    void forget(int callId) {
        waiters.remove(callId);
    }

    /** Sends an unprotected PDU (bind, alter_context, auth3, co_cancel, orphaned). */
    void send(byte[] frag) throws IOException {
        synchronized (sendLock) {
            checkOpen();
            out.write(frag);
            out.flush();
        }
    }

    void sendControl(int type, int callId) throws IOException {
        send(PduEncoder.control(type, callId));
    }

    /**
     * Sends a call in as many request fragments as max_xmit_frag requires, all under the send lock
     * so that its fragments are contiguous on the wire and protected in wire order. Each stub
     * piece but the last is a multiple of 16 bytes, so that the auth padding never splits it.
     */
    ClientCall request(int contextId, int opnum, UUID object, byte[] stub) throws IOException {
        int callId = nextCallId();
        ClientCall call = new ClientCall(callId, contextId, opnum, this);
        waiters.put(callId, new Waiter.ForCall(call));
        try {
            synchronized (sendLock) {
                checkOpen();
                ClientAssociationSecurity sec = security;
                boolean protect = sec.protects();
                int header = PduEncoder.requestHeaderSize(object);
                int room = (maxXmit - header - sec.overhead()) & ~15;
                if (room <= 0) {
                    throw new IOException("max_xmit_frag " + maxXmit + " leaves no room for stub data");
                }
                int off = 0;
                do {
                    int n = Math.min(room, stub.length - off);
                    int flags = (off == 0 ? PduType.FIRST_FRAG : 0) | (off + n == stub.length ? PduType.LAST_FRAG : 0);
                    byte[] frag = PduEncoder.request(callId, flags, stub.length - off, contextId, opnum, object, stub, off,
                            n, protect ? sec.placeholder() : null);
                    if (protect) {
                        sec.protect(frag, header);
                    }
                    out.write(frag);
                    off += n;
                } while (off < stub.length);
                out.flush();
            }
        } catch (IOException | RuntimeException e) {
            waiters.remove(callId);
            throw e;
        }
        return call;
    }

    /** A call its caller gave up on: forgotten here, orphaned at the server. */
    void abandon(ClientCall call) {
        if (waiters.remove(call.callId()) != null) {
            call.abandoned(new RpcTimeoutException("call " + call.callId() + " abandoned"));
            try {
                sendControl(PduType.ORPHANED, call.callId());
            } catch (IOException e) {
                LOG.debug("orphaned for call {} not sent: {}", call.callId(), e.getMessage());
            }
        }
    }

    private void checkOpen() throws IOException {
        IOException f = failure;
        if (f != null) {
            throw new IOException("connection to " + peer() + " is closed: " + f.getMessage(), f);
        }
    }

    private void receive() {
        FragmentReader reader;
        try {
            reader = new FragmentReader(socket.getInputStream());
        } catch (IOException e) {
            fail(e);
            return;
        }
        try {
            while (failure == null) {
                // Answers to binds carry security tokens and are not bound by the sizes they negotiate:
                // up to the usual 5840 bytes are taken, as the server takes binds; responses must fit.
                byte[] frag = reader.next(Math.max(options.maxFrag(), RpcClientOptions.DEFAULT_FRAG));
                PduHeader h = PduHeader.decode(PduBuffer.reader(frag));
                if (h.type() == PduType.RESPONSE && frag.length > options.maxFrag()) {
                    throw new PduTooLongException("response fragment", frag.length, options.maxFrag());
                }
                ClientAssociationSecurity sec = security;
                if (h.type() == PduType.RESPONSE && sec.protects()) {
                    sec.unprotect(frag, h);
                }
                dispatch(PduDecoder.decode(frag));
            }
        } catch (EOFException e) {
            fail(new EOFException("the server closed the connection"));
        } catch (IOException e) {
            fail(e);
        } catch (RpcProtocolException e) {
            LOG.info("closing the connection to {}: {}", peer(), e.getMessage());
            fail(new IOException("the server broke the protocol: " + e.getMessage(), e));
        }
    }

    private void dispatch(Pdu pdu) {
        int callId = pdu.header().callId();
        if (pdu.header().type() == PduType.SHUTDOWN) {
            LOG.debug("{} asks to shut the association down", peer());
            return;
        }
        Waiter w = waiters.get(callId);
        boolean finished = switch (w) {
            case null -> {
                LOG.debug("dropping PDU type {} for call {} that nobody waits for", pdu.header().type(), callId);
                yield false;
            }
            case Waiter.ForCall(ClientCall call) -> call.onPdu(pdu);
            case Waiter.ForPdu(CompletableFuture<Pdu> answer) -> {
                answer.complete(pdu);
                yield true;
            }
        };
        if (finished) {
            waiters.remove(callId, w);
        }
    }

    /** Ends the connection: every waiter fails with {@code cause}. */
    private void fail(IOException cause) {
        synchronized (this) {
            if (failure != null) {
                return;
            }
            failure = cause;
        }
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        for (Integer id : waiters.keySet()) {
            switch (waiters.remove(id)) {
                case null -> { }
                case Waiter.ForCall(ClientCall call) -> call.fail(cause);
                case Waiter.ForPdu(CompletableFuture<Pdu> answer) -> answer.completeExceptionally(cause);
            }
        }
    }

    void close() {
        fail(new IOException("closed by the client"));
    }
}
