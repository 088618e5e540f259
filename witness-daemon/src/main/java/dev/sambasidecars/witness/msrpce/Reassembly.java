package dev.sambasidecars.witness.msrpce;

import java.io.ByteArrayOutputStream;
import java.util.HashMap;
import java.util.Map;

/**
 * The request calls of one association still arriving in fragments: each call's stub so far,
 * bounded in number ({@link #MAX_CALLS}) and in bytes held together ({@link #MAX_BYTES}), and the
 * cancellations (co_cancel, orphaned) that arrived before a call was whole. Used by the
 * association's reader thread only.
 */
final class Reassembly {
    /** Largest reassembled request stub accepted, and most bytes held for all calls together. */
    static final int MAX_BYTES = 4 * 1024 * 1024;
    /** Most calls in reassembly at once. */
    static final int MAX_CALLS = 8;

    /** A whole request stub and the cancel fault already due for it, if any. */
    record Whole(byte[] stub, Integer cancelled) {}

    private final Map<Integer, ByteArrayOutputStream> partial = new HashMap<>();
    private final Map<Integer, Integer> cancelledEarly = new HashMap<>();

    /**
     * Adds one request fragment; returns the whole stub once its last fragment came, else null.
     *
     * @throws CorruptPduException a fragment without its first, or too many calls at once
     * @throws PduTooLongException the stubs held would pass {@link #MAX_BYTES}
     */
    Whole add(int callId, boolean first, boolean last, byte[] fragmentStub) throws RpcProtocolException {
        if (first) {
            partial.remove(callId);
            cancelledEarly.remove(callId);
            if (!last && partial.size() >= MAX_CALLS) {
                throw new CorruptPduException("more than " + MAX_CALLS + " calls in reassembly");
            }
            partial.put(callId, new ByteArrayOutputStream());
        }
        ByteArrayOutputStream acc = partial.get(callId);
        if (acc == null) {
            throw new CorruptPduException("fragment of call " + callId + " without its first fragment");
        }
        long held = partial.values().stream().mapToLong(ByteArrayOutputStream::size).sum();
        if (held + fragmentStub.length > MAX_BYTES) {
            partial.remove(callId);
            cancelledEarly.remove(callId);
            throw new PduTooLongException("request of call " + callId + " with the other calls in reassembly",
                    held + fragmentStub.length, MAX_BYTES);
        }
        acc.writeBytes(fragmentStub);
        if (!last) {
            return null;
        }
        partial.remove(callId);
        return new Whole(acc.toByteArray(), cancelledEarly.remove(callId));
    }

    /** Remembers a cancel for a call still in reassembly; false when no such call is. */
    boolean cancel(int callId, int status) {
        if (!partial.containsKey(callId)) {
            return false;
        }
        cancelledEarly.putIfAbsent(callId, status);
        return true;
    }
}
