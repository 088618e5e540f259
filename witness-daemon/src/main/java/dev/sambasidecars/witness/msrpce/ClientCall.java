package dev.sambasidecars.witness.msrpce;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One call a client has sent and not yet seen answered. Its response fragments are reassembled as
 * they arrive (on the connection's receiving thread, so completions of {@link #result()} run
 * there and must not block); a fault completes it with an {@link RpcFaultException} carrying the
 * status. Calls on one connection are independent: a call may stay open for minutes (an MS-SWN
 * AsyncNotify) while others complete.
 */
public final class ClientCall {
    private final int callId;
    private final int contextId;
    private final int opnum;
    private final ClientConnection connection;
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private ByteArrayOutputStream stub;
    private boolean discarding;

    ClientCall(int callId, int contextId, int opnum, ClientConnection connection) {
        this.callId = callId;
        this.contextId = contextId;
        this.opnum = opnum;
        this.connection = connection;
    }

    public int callId() {
        return callId;
    }

    public int opnum() {
        return opnum;
    }

    /**
     * The response stub, or failed with {@link RpcFaultException} (a fault), an
     * {@link RpcProtocolException} (a response that breaks the protocol, or too large) or an
     * {@link IOException} (the connection failed or closed first).
     */
    public CompletableFuture<byte[]> result() {
        return result;
    }

    /** True once the call has its response, fault or failure. */
    public boolean done() {
        return result.isDone();
    }

    /** Waits for the response as long as the client's call timeout allows. */
    public byte[] await() throws IOException, RpcProtocolException, InterruptedException {
        return await(connection.options().callTimeout());
    }

    /**
     * Waits for the response for at most {@code timeout}; when it passes, the call is abandoned:
     * the server is sent an orphaned PDU for it and a later answer is dropped.
     *
     * @throws RpcTimeoutException no answer in time
     * @throws RpcFaultException the server answered with a fault
     */
    public byte[] await(Duration timeout) throws IOException, RpcProtocolException, InterruptedException {
        try {
            return result.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            connection.abandon(this);
            throw new RpcTimeoutException("call " + callId + " (opnum " + opnum + ") got no answer within " + timeout);
        } catch (ExecutionException e) {
            throw rethrow(e.getCause());
        }
    }

    /**
     * Asks the server to cancel the call (co_cancel). The call stays open: the server answers it,
     * normally with a fault (nca_s_fault_cancel) or with its response if it was already done.
     */
    public void cancel() throws IOException {
        if (!result.isDone()) {
            connection.sendControl(PduType.CO_CANCEL, callId);
        }
    }

    private static RpcProtocolException rethrow(Throwable t) throws IOException {
        if (t instanceof RpcProtocolException p) {
            return p;
        }
        if (t instanceof IOException io) {
            throw io;
        }
        if (t instanceof RuntimeException r) {
            throw r;
        }
        throw new IOException(t);
    }

    /**
     * One PDU for this call from the receiving thread: a response fragment or a fault. Returns true
     * once the call is complete (the last fragment or a fault) and its id may be forgotten.
     */
    boolean onPdu(Pdu pdu) {
        int maxResponse = connection.options().maxResponse();
        switch (pdu) {
            case Pdu.FaultPdu f -> {
                result.completeExceptionally(new RpcFaultException(f.status(), "call " + callId + " (opnum " + opnum
                        + (f.header().has(PduType.DID_NOT_EXECUTE) ? ", did not execute)" : ")")));
                return true;
            }
            case Pdu.ResponsePdu r -> {
                return fragment(r, maxResponse);
            }
            default -> {
                result.completeExceptionally(new CorruptPduException("PDU type " + pdu.header().type()
                        + " in answer to call " + callId));
                return true;
            }
        }
    }

    private boolean fragment(Pdu.ResponsePdu r, int maxResponse) {
        boolean first = r.header().has(PduType.FIRST_FRAG);
        boolean last = r.header().has(PduType.LAST_FRAG);
        if (first == (stub != null)) {
            fail(new CorruptPduException(first ? "second first fragment of the response to call " + callId
                    : "response fragment of call " + callId + " without its first fragment"));
        } else if (!discarding && r.contextId() != contextId) {
            fail(new CorruptPduException("response to call " + callId + " on context " + r.contextId()
                    + ", sent on " + contextId));
        }
        if (first && stub == null) {
            // alloc_hint is only a hint: start small, and never larger than allowed.
            stub = new ByteArrayOutputStream(Math.min(Math.max(r.allocHint(), 0), Math.min(maxResponse, 1 << 16)));
        }
        if (!discarding) {
            if ((long) stub.size() + r.stub().length > maxResponse) {
                fail(new PduTooLongException("response to call " + callId,
                        (long) stub.size() + r.stub().length, maxResponse));
            } else {
                stub.writeBytes(r.stub());
            }
        }
        if (last) {
            if (!discarding) {
                result.complete(stub.toByteArray());
            }
            return true;
        }
        return false;
    }

    /** Fails the call and drops the rest of its fragments. */
    private void fail(RpcProtocolException e) {
        discarding = true;
        if (stub == null) {
            stub = new ByteArrayOutputStream(0);
        }
        result.completeExceptionally(e);
    }

    /** The connection failed or closed before the answer came. */
    void fail(IOException e) {
        result.completeExceptionally(e);
    }

    /** Abandoned by its caller (timeout). */
    void abandoned(RpcTimeoutException e) {
        result.completeExceptionally(e);
    }
}
