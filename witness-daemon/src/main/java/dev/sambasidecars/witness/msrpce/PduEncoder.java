package dev.sambasidecars.witness.msrpce;

import dev.sambasidecars.witness.msrpce.Pdu.ContextElement;
import dev.sambasidecars.witness.msrpce.Pdu.ContextResult;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

/**
 * Builds PDUs as whole fragments. With an auth trailer, the stub is padded to 16 bytes (as
 * Windows and Samba do for signed and sealed calls) and the trailer's value is written as
 * given: callers that sign put a placeholder there and overwrite it once the signature over the
 * finished bytes is known ({@link #authValueOffset}).
 */
public final class PduEncoder {
    private PduEncoder() {}

    /** Stub padding before an auth trailer on requests and responses. */
    static final int STUB_AUTH_ALIGNMENT = 16;

    private static PduBuffer start(int type, int flags, int callId, int capacity) {
        PduBuffer b = PduBuffer.writer(capacity);
        new PduHeader(0, type, flags, 0, 0, callId).encode(b);
        return b;
    }

    /** Appends the padding and trailer, then patches frag_length and auth_length. */
    private static byte[] finish(PduBuffer b, AuthTrailer auth, int padFrom, int alignment) {
        if (auth != null) {
            int pad = (alignment - (b.position() - padFrom) % alignment) % alignment;
            b.zeros(pad);
            auth.withPad(pad).encode(b);
            b.setU16(PduHeader.AUTH_LENGTH_OFFSET, auth.value().length);
        }
        b.setU16(PduHeader.FRAG_LENGTH_OFFSET, b.position());
        return b.toArray();
    }

    private static int authSize(AuthTrailer auth) {
        return auth == null ? 0 : STUB_AUTH_ALIGNMENT + AuthTrailer.SIZE + auth.value().length;
    }

    /** The offset of the auth value in a fragment built here: where a signature goes. */
    public static int authValueOffset(byte[] frag, int authLength) {
        return frag.length - authLength;
    }

    public static byte[] bind(int type, int callId, int flags, int maxXmit, int maxRecv, int group,
                              List<ContextElement> contexts, AuthTrailer auth) {
        int size = PduHeader.SIZE + 12 + contexts.stream().mapToInt(c -> 4 + SyntaxId.SIZE * (1 + c.transferSyntaxes().size())).sum();
        PduBuffer b = start(type, flags, callId, size + authSize(auth));
        b.putU16(maxXmit).putU16(maxRecv).putU32(group).putU8(contexts.size()).zeros(3);
        for (ContextElement c : contexts) {
            b.putU16(c.contextId()).putU8(c.transferSyntaxes().size()).zeros(1);
            c.abstractSyntax().encode(b);
            c.transferSyntaxes().forEach(t -> t.encode(b));
        }
        return finish(b, auth, 0, 4);
    }

    public static byte[] bindAck(int type, int callId, int flags, int maxXmit, int maxRecv, int group,
                                 String secondaryAddress, List<ContextResult> results, AuthTrailer auth) {
        byte[] addr = secondaryAddress.isEmpty() ? new byte[0]
                : (secondaryAddress + "\0").getBytes(StandardCharsets.US_ASCII);
        int size = PduHeader.SIZE + 10 + addr.length + 4 + 4 + results.size() * (4 + SyntaxId.SIZE);
        PduBuffer b = start(type, flags, callId, size + authSize(auth));
        b.putU16(maxXmit).putU16(maxRecv).putU32(group).putU16(addr.length).put(addr).padTo(4);
        b.putU8(results.size()).zeros(3);
        for (ContextResult r : results) {
            b.putU16(r.result()).putU16(r.reason());
            r.transferSyntax().encode(b);
        }
        return finish(b, auth, 0, 4);
    }

    public static byte[] bindNak(int callId, int reason) {
        PduBuffer b = start(PduType.BIND_NAK, PduType.FIRST_FRAG | PduType.LAST_FRAG, callId, PduHeader.SIZE + 5);
        b.putU16(reason).putU8(1).putU8(5).putU8(0);
        return finish(b, null, 0, 4);
    }

    public static byte[] request(int callId, int flags, int allocHint, int contextId, int opnum, UUID object,
                                 byte[] stub, AuthTrailer auth) {
        return request(callId, flags, allocHint, contextId, opnum, object, stub, 0, stub.length, auth);
    }

    /**
     * A request fragment carrying {@code stub[off, off+len)}: how a client cuts a large stub into
     * fragments without copying it first.
     */
    public static byte[] request(int callId, int flags, int allocHint, int contextId, int opnum, UUID object,
                                 byte[] stub, int off, int len, AuthTrailer auth) {
        java.util.Objects.checkFromIndexSize(off, len, stub.length);
        int fixed = requestHeaderSize(object);
        PduBuffer b = start(PduType.REQUEST, flags | (object == null ? 0 : PduType.OBJECT_UUID), callId,
                fixed + len + authSize(auth));
        b.putU32(allocHint).putU16(contextId).putU16(opnum);
        if (object != null) {
            b.putUuid(object);
        }
        b.put(stub, off, len);
        return finish(b, auth, fixed, STUB_AUTH_ALIGNMENT);
    }

    /** Where a request's stub starts: after the header, alloc_hint, p_cont_id, opnum and the object UUID if any. */
    public static int requestHeaderSize(UUID object) {
        return PduHeader.SIZE + 8 + (object == null ? 0 : 16);
    }

    /** Where a response's stub starts: after the header, alloc_hint, p_cont_id, cancel_count and a reserved byte. */
    public static final int RESPONSE_HEADER_SIZE = PduHeader.SIZE + 8;

    public static byte[] response(int callId, int flags, int allocHint, int contextId, byte[] stub, AuthTrailer auth) {
        int fixed = PduHeader.SIZE + 8;
        PduBuffer b = start(PduType.RESPONSE, flags, callId, fixed + stub.length + authSize(auth));
        b.putU32(allocHint).putU16(contextId).putU8(0).putU8(0).put(stub);
        return finish(b, auth, fixed, STUB_AUTH_ALIGNMENT);
    }

    /** A fault; {@code didNotExecute} tells the client the call had no effect. */
    public static byte[] fault(int callId, int contextId, int status, boolean didNotExecute) {
        int flags = PduType.FIRST_FRAG | PduType.LAST_FRAG | (didNotExecute ? PduType.DID_NOT_EXECUTE : 0);
        PduBuffer b = start(PduType.FAULT, flags, callId, PduHeader.SIZE + 16);
        b.putU32(0).putU16(contextId).putU8(0).putU8(0).putU32(status).putU32(0);
        return finish(b, null, 0, 4);
    }

    public static byte[] auth3(int callId, AuthTrailer auth) {
        PduBuffer b = start(PduType.AUTH3, PduType.FIRST_FRAG | PduType.LAST_FRAG, callId,
                PduHeader.SIZE + 4 + authSize(auth));
        b.zeros(4);
        return finish(b, auth, 0, 4);
    }

    /** A header-only PDU: co_cancel or orphaned from a client, shutdown from a server. */
    public static byte[] control(int type, int callId) {
        PduBuffer b = start(type, PduType.FIRST_FRAG | PduType.LAST_FRAG, callId, PduHeader.SIZE);
        return finish(b, null, 0, 4);
    }
}
