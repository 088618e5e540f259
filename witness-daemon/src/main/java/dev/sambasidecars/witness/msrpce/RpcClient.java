package dev.sambasidecars.witness.msrpce;

import dev.sambasidecars.witness.msrpce.Pdu.BindAckPdu;
import dev.sambasidecars.witness.msrpce.Pdu.ContextElement;
import dev.sambasidecars.witness.msrpce.Pdu.ContextResult;
import dev.sambasidecars.witness.msrpce.PresentationContext.Offer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A connection-oriented DCE/RPC client on TCP (ncacn_ip_tcp): one association. {@link #bind}
 * negotiates presentation contexts (each offer lists the transfer syntaxes the caller can speak;
 * the bind_ack says which one the server chose) and, when asked, authentication: the security
 * context's legs go in the bind, then alter_context until the last one, which goes in an auth3.
 * {@link #alterContext} adds contexts later. Calls are multiplexed: each has its own call id, any
 * number may be outstanding, and answers are matched by call id, so one call may wait for minutes
 * while others complete. Requests are cut into fragments of the negotiated size and responses
 * reassembled; at integrity and privacy every fragment is signed or sealed, in wire order.
 *
 * <p>Thread-safe: calls may be started from many threads; binds and alter_contexts are serialised.
 */
public final class RpcClient implements AutoCloseable {
    private static final int FLAGS = PduType.FIRST_FRAG | PduType.LAST_FRAG;

    private final ClientConnection connection;
    private final List<PresentationContext> contexts = new CopyOnWriteArrayList<>();
    private final Object bindLock = new Object();
    private int nextContextId;
    private volatile boolean bound;
    private volatile int associationGroup;
    private volatile String secondaryAddress = "";

    private RpcClient(ClientConnection connection) {
        this.connection = connection;
    }

    /** Opens a TCP connection to a DCE/RPC server; {@link #bind} must follow. */
    public static RpcClient connect(InetSocketAddress address, RpcClientOptions options) throws IOException {
        return new RpcClient(ClientConnection.open(address, options));
    }

    /** Binds the offered contexts without authentication. */
    public List<PresentationContext> bind(List<Offer> offers) throws IOException, RpcProtocolException,
            InterruptedException {
        return bind(offers, ClientAssociationSecurity.NONE);
    }

    /**
     * Binds the offered contexts with {@code security} at {@code authLevel} (AuthTrailer.LEVEL_CONNECT
     * .. LEVEL_PRIVACY), running the whole handshake before returning. A server that refuses the
     * credentials may still answer the bind; its first call then faults with ACCESS_DENIED.
     *
     * @throws BindNakException the server refused the bind
     * @throws RpcSecurityException the security context refused the server's leg
     */
    public List<PresentationContext> bind(List<Offer> offers, int authLevel, RpcClientSecurity security)
            throws IOException, RpcProtocolException, InterruptedException {
        return bind(offers, new ClientAssociationSecurity(security, authLevel, 1));
    }

    private List<PresentationContext> bind(List<Offer> offers, ClientAssociationSecurity security)
            throws IOException, RpcProtocolException, InterruptedException {
        synchronized (bindLock) {
            if (bound) {
                throw new IllegalStateException("already bound: add contexts with alterContext");
            }
            List<ContextElement> elements = elements(offers);
            int callId = connection.nextCallId();
            int frag = connection.options().maxFrag();
            AuthTrailer auth = security.active() ? security.initial() : null;
            Pdu answer = exchange(callId, PduEncoder.bind(PduType.BIND, callId, FLAGS, frag, frag, 0, elements, auth));
            BindAckPdu ack = switch (answer) {
                case Pdu.BindNakPdu nak -> throw new BindNakException(nak.reason());
                case BindAckPdu a when a.header().type() == PduType.BIND_ACK -> a;
                default -> throw unexpected(answer, "bind");
            };
            List<PresentationContext> result = settle(elements, ack);
            connection.maxXmit(Math.min(frag, ack.maxRecvFrag()));
            associationGroup = ack.assocGroupId();
            secondaryAddress = ack.secondaryAddress();
            if (security.active()) {
                connection.security(security);
                handshake(security, ack.auth(), elements.getFirst(), callId);
            }
            bound = true;
            return result;
        }
    }

    /** Legs after the bind_ack until the security context is established; the last one in an auth3. */
    private void handshake(ClientAssociationSecurity security, AuthTrailer reply, ContextElement first, int bindCallId)
            throws IOException, RpcProtocolException, InterruptedException {
        while (true) {
            byte[] token = security.next(reply);
            if (security.established()) {
                if (token.length > 0) {
                    // auth3 cannot be fragmented: it must fit what the server accepts.
                    byte[] auth3 = PduEncoder.auth3(bindCallId, security.trailer(token));
                    if (auth3.length > connection.maxXmit()) {
                        throw new PduTooLongException("auth3 (the last authentication leg)", auth3.length,
                                connection.maxXmit());
                    }
                    connection.send(auth3);
                }
                return;
            }
            if (token.length == 0) {
                throw new RpcSecurityException("the security context wants another leg but has nothing to send");
            }
            int callId = connection.nextCallId();
            int frag = connection.options().maxFrag();
            Pdu answer = exchange(callId, PduEncoder.bind(PduType.ALTER_CONTEXT, callId, FLAGS, frag, frag,
                    associationGroup, List.of(first), security.trailer(token)));
            if (!(answer instanceof BindAckPdu resp) || resp.header().type() != PduType.ALTER_CONTEXT_RESP) {
                throw unexpected(answer, "alter_context");
            }
            reply = resp.auth();
        }
    }

    /** Adds one presentation context to the bound association (alter_context without authentication). */
    public PresentationContext alterContext(Offer offer) throws IOException, RpcProtocolException,
            InterruptedException {
        synchronized (bindLock) {
            if (!bound) {
                throw new IllegalStateException("bind first");
            }
            List<ContextElement> elements = elements(List.of(offer));
            int callId = connection.nextCallId();
            int frag = connection.options().maxFrag();
            Pdu answer = exchange(callId, PduEncoder.bind(PduType.ALTER_CONTEXT, callId, FLAGS, frag, frag,
                    associationGroup, elements, null));
            if (!(answer instanceof BindAckPdu resp) || resp.header().type() != PduType.ALTER_CONTEXT_RESP) {
                throw unexpected(answer, "alter_context");
            }
            return settle(elements, resp).getFirst();
        }
    }

    private List<ContextElement> elements(List<Offer> offers) {
        if (offers.isEmpty()) {
            throw new IllegalArgumentException("no presentation context offered");
        }
        List<ContextElement> out = new ArrayList<>();
        for (Offer o : offers) {
            out.add(new ContextElement(nextContextId++, o.abstractSyntax(), o.transferSyntaxes()));
        }
        return out;
    }

    /** The server's answer per offered context; an accepted one must name a syntax that was offered. */
    private List<PresentationContext> settle(List<ContextElement> offered, BindAckPdu ack) throws CorruptPduException {
        if (ack.results().size() != offered.size()) {
            throw new CorruptPduException(ack.results().size() + " results for " + offered.size() + " contexts offered");
        }
        List<PresentationContext> out = new ArrayList<>();
        for (int i = 0; i < offered.size(); i++) {
            ContextElement e = offered.get(i);
            ContextResult r = ack.results().get(i);
            if (r.result() == ContextResult.ACCEPTANCE && !e.transferSyntaxes().contains(r.transferSyntax())) {
                throw new CorruptPduException("context " + e.contextId() + " accepted in " + r.transferSyntax()
                        + ", which was not offered");
            }
            out.add(new PresentationContext(e.contextId(), e.abstractSyntax(), r.result(), r.reason(),
                    r.transferSyntax()));
        }
        contexts.addAll(out);
        return List.copyOf(out);
    }

    /** Sends a bind or alter_context and waits for its one answer. */
    private Pdu exchange(int callId, byte[] pdu) throws IOException, RpcProtocolException, InterruptedException {
        CompletableFuture<Pdu> answer = connection.expect(callId);
        try {
            connection.send(pdu);
            Pdu p = answer.get(connection.options().callTimeout().toNanos(), TimeUnit.NANOSECONDS);
            if (p instanceof Pdu.FaultPdu f) {
                throw new RpcFaultException(f.status(), "answer to PDU type " + pdu[2] + ", call " + callId);
            }
            return p;
        } catch (TimeoutException e) {
            throw new RpcTimeoutException("no answer to PDU type " + pdu[2] + " (call " + callId + ") within "
                    + connection.options().callTimeout());
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } finally {
            connection.forget(callId);
        }
    }

    private static CorruptPduException unexpected(Pdu answer, String to) {
        return new CorruptPduException("PDU type " + answer.header().type() + " in answer to a " + to);
    }

    /** Every context negotiated so far, accepted or not, in the order offered. */
    public List<PresentationContext> contexts() {
        return List.copyOf(contexts);
    }

    /** The accepted context for {@code abstractSyntax}; NDR64 when it was accepted on two contexts. */
    public Optional<PresentationContext> context(SyntaxId abstractSyntax) {
        return contexts.stream().filter(c -> c.accepted() && c.abstractSyntax().equals(abstractSyntax))
                .max(Comparator.comparing(c -> c.transferSyntax().equals(SyntaxId.NDR64)));
    }

    /**
     * Starts a call and returns at once, the request sent. A context the server rejected may be
     * used: the server then faults the call (nca_unk_if).
     */
    public ClientCall start(PresentationContext context, int opnum, byte[] stub) throws IOException {
        return start(context, opnum, null, stub);
    }

    /** Starts a call on an object (the request carries the object UUID). */
    public ClientCall start(PresentationContext context, int opnum, UUID object, byte[] stub) throws IOException {
        if (!bound) {
            throw new IllegalStateException("bind first");
        }
        return connection.request(context.contextId(), opnum, object, stub);
    }

    /**
     * Calls and waits for the answer within the call timeout.
     *
     * @return the response stub
     * @throws RpcFaultException the server answered with a fault; {@link RpcFaultException#status()} says which
     * @throws RpcTimeoutException no answer in time (the call is orphaned)
     */
    public byte[] call(PresentationContext context, int opnum, byte[] stub) throws IOException, RpcProtocolException,
            InterruptedException {
        return start(context, opnum, stub).await();
    }

    /** The auth level bound (AuthTrailer.LEVEL_NONE without authentication). */
    public int authLevel() {
        return connection.security().level();
    }

    /** The association group the server put this association in. */
    public int associationGroup() {
        return associationGroup;
    }

    /** The bind_ack's secondary address (the server's port, as a string, for ncacn_ip_tcp). */
    public String secondaryAddress() {
        return secondaryAddress;
    }

    /** The size request fragments are cut to. */
    public int maxXmitFrag() {
        return connection.maxXmit();
    }

    /** True until the connection closes or fails. */
    public boolean isOpen() {
        return connection.open();
    }

    /** Closes the connection; outstanding calls fail with an IOException. */
    @Override
    public void close() {
        connection.close();
    }
}
