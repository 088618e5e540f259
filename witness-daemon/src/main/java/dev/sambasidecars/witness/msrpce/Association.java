package dev.sambasidecars.witness.msrpce;

import dev.sambasidecars.witness.msrpce.Pdu.BindPdu;
import dev.sambasidecars.witness.msrpce.Pdu.ContextElement;
import dev.sambasidecars.witness.msrpce.Pdu.ContextResult;
import dev.sambasidecars.witness.msrpce.Pdu.RequestPdu;
import dev.sambasidecars.witness.ndr.NdrException;
import dev.sambasidecars.witness.ndr.NdrSyntax;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection: binds presentation contexts, reassembles request fragments, runs each
 * call on its own virtual thread, and fragments responses to the negotiated size. A PDU that
 * breaks the protocol gets a fault (when it names a call) and ends the association; a call that
 * fails gets a fault with its status and the association goes on.
 */
final class Association {
    private static final Logger LOG = LoggerFactory.getLogger(Association.class);

    /** Fragment sizes this server offers (the usual 5840 of Windows and Samba). */
    static final int MAX_FRAG = 5840;

    private record BoundContext(RpcInterface iface, NdrSyntax syntax) {}

    private final Connection connection;
    private final RpcServer server;
    private final OutputStream out;
    private final Map<Integer, BoundContext> contexts = new ConcurrentHashMap<>();
    private final Reassembly reassembly = new Reassembly();
    private final Map<Integer, CallContext> running = new ConcurrentHashMap<>();
    private final List<Runnable> closers = new CopyOnWriteArrayList<>();
    private int maxXmit = MAX_FRAG;
    private int maxRecv = MAX_FRAG;
    private int group;
    private volatile boolean closed;
    private final AssociationSecurity security = new AssociationSecurity();
    private final ContextHandles handles = new ContextHandles();

    Association(Connection connection, RpcServer server) throws IOException {
        this.connection = connection;
        this.server = server;
        this.out = connection.output();
    }

    InetSocketAddress peer() {
        return connection.peer();
    }

    InetSocketAddress local() {
        return connection.local();
    }

    int group() {
        return group;
    }

    ContextHandles handles() {
        return handles;
    }

    String user() {
        return security.user();
    }

    int authLevel() {
        return security.level();
    }

    boolean closed() {
        return closed;
    }

    /** Calls started and not yet answered (tests wait for them before hanging up). */
    int runningCalls() {
        return running.size();
    }

    void removeOnClose(Runnable r) {
        closers.remove(r);
    }

    /** Runs {@code r} once when the association closes (at once if it already has). */
    void onClose(Runnable r) {
        closers.add(r);
        if (closed && closers.remove(r)) {
            r.run();
        }
    }

    /** Serves the connection until it closes. */
    void run() {
        FragmentReader reader;
        try {
            reader = new FragmentReader(connection.input());
        } catch (IOException e) {
            close();
            return;
        }
        try {
            while (!closed) {
                byte[] frag = reader.next(contexts.isEmpty() ? MAX_FRAG : maxRecv);
                if (frag == null) {
                    if (running.isEmpty()) {
                        LOG.debug("association with {} idle for the idle timeout", peer());
                        return;
                    }
                    // A call is outstanding (an AsyncNotify may wait for minutes): not idle.
                    continue;
                }
                if (security.active() && frag[2] == PduType.REQUEST) {
                    unprotect(frag);
                }
                handle(PduDecoder.decode(frag));
            }
        } catch (EOFException | SocketTimeoutException e) {
            LOG.debug("association with {} ended: {}", peer(), e.getMessage());
        } catch (RpcProtocolException e) {
            server.protocolError(e);
            LOG.info("closing association with {}: {}", peer(), e.getMessage());
        } catch (IOException e) {
            LOG.debug("association with {} failed: {}", peer(), e.getMessage());
        } finally {
            close();
        }
    }

    private void handle(Pdu pdu) throws IOException, RpcProtocolException {
        switch (pdu) {
            case BindPdu b when b.header().type() == PduType.BIND -> bind(b);
            case BindPdu b -> alterContext(b);
            case RequestPdu r -> request(r);
            case Pdu.Auth3Pdu a -> {
                if (!security.active()) {
                    throw new CorruptPduException("auth3 without a pending authentication");
                }
                auth3(a);
            }
            case Pdu.ControlPdu c when c.header().type() == PduType.CO_CANCEL || c.header().type() == PduType.ORPHANED ->
                cancel(c.header().callId(), c.header().type() == PduType.CO_CANCEL);
            default -> throw new CorruptPduException("unexpected PDU type " + pdu.header().type() + " from a client");
        }
    }

    /**
     * co_cancel or orphaned: a running call learns it (and a waiting one ends with the matching
     * fault); a call still arriving in fragments is only marked, and cancelled once dispatched,
     * as Windows and Samba do. A call id nothing is known of is ignored.
     */
    private void cancel(int callId, boolean coCancel) {
        int status = coCancel ? FaultStatus.FAULT_CANCEL : FaultStatus.SERVER_UNAVAILABLE;
        CallContext call = running.get(callId);
        if (call != null) {
            call.cancel(status);
        } else {
            reassembly.cancel(callId, status);
        }
    }

    private void bind(BindPdu b) throws IOException, RpcProtocolException {
        if (!contexts.isEmpty()) {
            throw new CorruptPduException("second bind on one association");
        }
        group = b.assocGroupId() == 0 ? server.newAssociationGroup() : b.assocGroupId();
        maxXmit = Math.min(MAX_FRAG, Math.max(PduHeader.SIZE + 64, b.maxRecvFrag()));
        maxRecv = Math.min(MAX_FRAG, Math.max(PduHeader.SIZE + 64, b.maxXmitFrag()));
        AuthTrailer reply = null;
        if (b.auth() != null) {
            reply = startAuth(b);
            if (reply == null) {
                return;
            }
        }
        List<ContextResult> results = negotiate(b.contexts());
        send(PduEncoder.bindAck(PduType.BIND_ACK, b.header().callId(), PduType.FIRST_FRAG | PduType.LAST_FRAG,
                maxXmit, maxRecv, group, Integer.toString(local().getPort()), results, reply));
    }

    /** The bind's auth leg: the challenge for the bind_ack, or null after a bind_nak was sent. */
    private AuthTrailer startAuth(BindPdu b) throws IOException {
        AuthTrailer a = b.auth();
        java.util.function.Supplier<RpcSecurity> factory = server.security(a.type());
        int nak = Pdu.BindNakPdu.AUTHENTICATION_TYPE_NOT_RECOGNIZED;
        if (factory != null && a.level() >= AuthTrailer.LEVEL_CONNECT && a.level() <= AuthTrailer.LEVEL_PRIVACY) {
            try {
                return security.start(a, factory);
            } catch (RpcSecurityException e) {
                server.authFailure(e);
                LOG.info("bind from {} refused: {}", peer(), e.getMessage());
            }
            nak = Pdu.BindNakPdu.REASON_NOT_SPECIFIED;
        }
        contexts.clear();
        security.reset();
        send(PduEncoder.bindNak(b.header().callId(), nak));
        return null;
    }

    private void auth3(Pdu.Auth3Pdu a) {
        try {
            security.next(a.auth());
            LOG.debug("{} authenticated as {} at level {}", peer(), security.user(), security.level());
        } catch (RpcSecurityException e) {
            authFailed(e);
        }
    }

    /** A failed leg: calls on this association now fault with ACCESS_DENIED (see unprotect). */
    private void authFailed(RpcSecurityException e) {
        server.authFailure(e);
        LOG.info("authentication of {} failed: {}", peer(), e.getMessage());
        security.fail();
    }

    /** Lets only requests the association's security accepts through; faults and closes otherwise. */
    private void unprotect(byte[] frag) throws RpcProtocolException, IOException {
        PduHeader h = PduHeader.decode(PduBuffer.reader(frag));
        try {
            security.unprotect(frag, h);
        } catch (AssociationSecurity.Refused e) {
            if (e.status() == FaultStatus.SECURITY_PACKAGE_ERROR) {
                server.authFailure(e);
            }
            fault(h.callId(), 0, e.status());
            throw e;
        }
    }

    /**
     * An alter_context adds presentation contexts and may carry a leg of the handshake (SPNEGO's
     * third leg arrives this way from Samba and Windows). Like Samba's server, a leg after the
     * handshake finished is refused with ACCESS_DENIED, and a pure context change during an
     * unfinished handshake is a protocol error; either ends the association.
     */
    private void alterContext(BindPdu b) throws IOException, RpcProtocolException {
        int callId = b.header().callId();
        AuthTrailer reply = null;
        if (b.auth() != null) {
            if (security.authenticated()) {
                refuseAlter(callId, FaultStatus.ACCESS_DENIED, "authentication leg after the handshake finished");
            }
            java.util.function.Supplier<RpcSecurity> factory = server.security(b.auth().type());
            try {
                if (security.pending()) {
                    reply = security.next(b.auth());
                } else if (!security.active() && factory != null) {
                    reply = security.start(b.auth(), factory);
                } else {
                    throw new RpcSecurityException("alter_context with an auth type this server does not accept");
                }
            } catch (RpcSecurityException e) {
                authFailed(e);
                refuseAlter(callId, FaultStatus.ACCESS_DENIED, e.getMessage());
            }
        } else if (security.pending()) {
            refuseAlter(callId, FaultStatus.PROTOCOL_ERROR, "alter_context without the handshake's next leg");
        }
        List<ContextResult> results = negotiate(b.contexts());
        send(PduEncoder.bindAck(PduType.ALTER_CONTEXT_RESP, callId,
                PduType.FIRST_FRAG | PduType.LAST_FRAG, maxXmit, maxRecv, group, "", results, reply));
    }

    private void refuseAlter(int callId, int status, String why) throws IOException, RpcProtocolException {
        fault(callId, 0, status);
        throw new CorruptPduException("alter_context refused: " + why);
    }

    private List<ContextResult> negotiate(List<ContextElement> offered) {
        List<ContextResult> results = new ArrayList<>();
        for (ContextElement c : offered) {
            SyntaxId abs = c.abstractSyntax();
            SyntaxId feature = c.transferSyntaxes().stream().filter(SyntaxId::isBindTimeFeatureNegotiation)
                    .findFirst().orElse(null);
            if (feature != null) {
                // Bind time feature negotiation rides in a transfer syntax (MS-RPCE 3.3.1.5.3). Only
                // "keep connection on orphan" (0x2) is granted: security contexts are never multiplexed.
                results.add(new ContextResult(ContextResult.NEGOTIATE_ACK, feature.featureBits() & 0x2, SyntaxId.NONE));
                continue;
            }
            RpcInterface iface = server.lookup(abs);
            if (iface == null) {
                results.add(new ContextResult(ContextResult.PROVIDER_REJECTION,
                        ContextResult.ABSTRACT_SYNTAX_NOT_SUPPORTED, SyntaxId.NONE));
                continue;
            }
            SyntaxId chosen = c.transferSyntaxes().contains(SyntaxId.NDR64) ? SyntaxId.NDR64
                    : c.transferSyntaxes().contains(SyntaxId.NDR32) ? SyntaxId.NDR32 : null;
            if (chosen == null) {
                results.add(new ContextResult(ContextResult.PROVIDER_REJECTION,
                        ContextResult.TRANSFER_SYNTAXES_NOT_SUPPORTED, SyntaxId.NONE));
                continue;
            }
            contexts.put(c.contextId(), new BoundContext(iface, chosen == SyntaxId.NDR64 ? NdrSyntax.NDR64 : NdrSyntax.NDR32));
            results.add(new ContextResult(ContextResult.ACCEPTANCE, 0, chosen));
        }
        return results;
    }

    private void request(RequestPdu r) throws IOException, RpcProtocolException {
        int callId = r.header().callId();
        if (contexts.isEmpty()) {
            throw new CorruptPduException("request before bind");
        }
        Reassembly.Whole whole = reassembly.add(callId, r.header().has(PduType.FIRST_FRAG),
                r.header().has(PduType.LAST_FRAG), r.stub());
        if (whole == null) {
            return;
        }
        BoundContext ctx = contexts.get(r.contextId());
        Integer early = whole.cancelled();
        if (ctx == null) {
            fault(callId, r.contextId(), FaultStatus.UNKNOWN_INTERFACE);
            return;
        }
        if (r.opnum() >= ctx.iface().opnumCount()) {
            fault(callId, r.contextId(), FaultStatus.OP_RANGE_ERROR);
            return;
        }
        if (authLevel() < ctx.iface().minAuthLevel()) {
            LOG.info("call to {} from {} refused: auth level {} below {}", ctx.iface().syntax(), peer(), authLevel(),
                    ctx.iface().minAuthLevel());
            fault(callId, r.contextId(), FaultStatus.ACCESS_DENIED);
            return;
        }
        // Stripping may refuse the stub: do it before the call counts as running, or it never stops.
        byte[] stub = VerificationTrailer.strip(whole.stub());
        CallContext call = new CallContext(callId, this);
        if (early != null) {
            call.cancel(early);
        }
        running.put(callId, call);
        Thread.ofVirtual().name("rpc-call-" + callId).start(() -> execute(call, ctx, r, stub));
    }

    private void execute(CallContext call, BoundContext ctx, RequestPdu r, byte[] stub) {
        int callId = call.callId();
        try {
            byte[] result = ctx.iface().invoke(call, r.opnum(), stub, ctx.syntax());
            if (!closed) {
                respond(callId, r.contextId(), result);
            }
        } catch (NdrException e) {
            LOG.info("call {} opnum {} from {}: bad stub: {}", callId, r.opnum(), peer(), e.getMessage());
            faultQuietly(callId, r.contextId(), FaultStatus.BAD_STUB_DATA);
        } catch (RpcFaultException e) {
            faultQuietly(callId, r.contextId(), e.status());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            LOG.debug("response to call {} not sent: {}", callId, e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("call {} opnum {} of {} failed: {}", callId, r.opnum(), ctx.iface().syntax(), e.toString());
            faultQuietly(callId, r.contextId(), FaultStatus.OTHER);
        } finally {
            running.remove(callId);
        }
    }

    /** Sends {@code stub} in as many response fragments as max_xmit_frag requires. */
    private void respond(int callId, int contextId, byte[] stub) throws IOException {
        int room = (maxXmit - PduHeader.SIZE - 8 - security.overhead()) & ~15;
        int off = 0;
        do {
            int n = Math.min(room, stub.length - off);
            int flags = (off == 0 ? PduType.FIRST_FRAG : 0) | (off + n == stub.length ? PduType.LAST_FRAG : 0);
            byte[] chunk = java.util.Arrays.copyOfRange(stub, off, off + n);
            if (security.protects()) {
                sendProtected(PduEncoder.response(callId, flags, stub.length - off, contextId, chunk,
                        security.placeholder()));
            } else {
                send(PduEncoder.response(callId, flags, stub.length - off, contextId, chunk, null));
            }
            off += n;
        } while (off < stub.length);
    }

    private void fault(int callId, int contextId, int status) throws IOException {
        server.fault(status);
        send(PduEncoder.fault(callId, contextId, status, true));
    }

    private void faultQuietly(int callId, int contextId, int status) {
        try {
            fault(callId, contextId, status);
        } catch (IOException e) {
            LOG.debug("fault for call {} not sent: {}", callId, e.getMessage());
        }
    }

    /** Signs or seals a finished fragment and sends it; under the send lock, so sequence numbers follow the wire. */
    private void sendProtected(byte[] frag) throws IOException {
        synchronized (out) {
            security.protect(frag);
            out.write(frag);
            out.flush();
        }
    }

    private void send(byte[] frag) throws IOException {
        synchronized (out) {
            out.write(frag);
            out.flush();
        }
    }

    void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            connection.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        try {
            handles.rundown();
        } catch (RuntimeException e) {
            LOG.warn("context handle rundown after {} failed: {}", peer(), e.toString());
        }
        for (Runnable r : closers) {
            if (!closers.remove(r)) {
                continue;
            }
            try {
                r.run();
            } catch (RuntimeException e) {
                LOG.warn("rundown after {} failed: {}", peer(), e.toString());
            }
        }
        server.closed(this);
    }
}
