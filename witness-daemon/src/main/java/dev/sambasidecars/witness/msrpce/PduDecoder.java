package dev.sambasidecars.witness.msrpce;

import dev.sambasidecars.witness.msrpce.Pdu.ContextElement;
import dev.sambasidecars.witness.msrpce.Pdu.ContextResult;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Decodes one whole fragment into a {@link Pdu}, checking every count and length against it. */
public final class PduDecoder {
    private PduDecoder() {}

    /** A bind offers at most this many contexts, each at most this many transfer syntaxes. */
    static final int MAX_CONTEXTS = 64;
    static final int MAX_TRANSFER_SYNTAXES = 16;

    public static Pdu decode(byte[] frag) throws RpcProtocolException {
        PduBuffer b = PduBuffer.reader(frag);
        PduHeader h = PduHeader.decode(b);
        if (h.fragLength() != frag.length) {
            throw new CorruptPduException("frag_length " + h.fragLength() + " but " + frag.length + " bytes given");
        }
        AuthTrailer auth = h.authLength() > 0 ? AuthTrailer.decode(frag, h) : null;
        int bodyEnd = h.fragLength() - (auth == null ? 0 : h.authLength() + AuthTrailer.SIZE);
        PduBuffer body = PduBuffer.reader(frag, 0, bodyEnd);
        body.skip(PduHeader.SIZE, "header");
        return switch (h.type()) {
            case PduType.BIND, PduType.ALTER_CONTEXT -> bind(h, body, auth);
            case PduType.BIND_ACK, PduType.ALTER_CONTEXT_RESP -> bindAck(h, body, auth);
            case PduType.BIND_NAK -> bindNak(h, body);
            case PduType.REQUEST -> request(h, body, auth, bodyEnd, frag);
            case PduType.RESPONSE -> response(h, body, auth, bodyEnd, frag);
            case PduType.FAULT -> new Pdu.FaultPdu(h, body.u32("alloc_hint"), body.u16("p_cont_id"),
                    body.u8("cancel_count"), skipThenStatus(body));
            case PduType.AUTH3 -> {
                body.skip(4, "auth3 pad");
                if (auth == null) {
                    throw new CorruptPduException("auth3 without an auth trailer");
                }
                yield new Pdu.Auth3Pdu(h, auth);
            }
            case PduType.SHUTDOWN, PduType.CO_CANCEL, PduType.ORPHANED -> new Pdu.ControlPdu(h, auth);
            default -> throw new CorruptPduException("unknown or connectionless PDU type " + h.type());
        };
    }

    private static int skipThenStatus(PduBuffer b) throws CorruptPduException {
        b.skip(1, "fault flags");
        return b.u32("status");
    }

    private static Pdu.BindPdu bind(PduHeader h, PduBuffer b, AuthTrailer auth) throws RpcProtocolException {
        int xmit = b.u16("max_xmit_frag");
        int recv = b.u16("max_recv_frag");
        int group = b.u32("assoc_group_id");
        int n = b.u8("n_context_elem");
        b.skip(3, "reserved");
        if (n > MAX_CONTEXTS) {
            throw new PduTooLongException("context list", n, MAX_CONTEXTS);
        }
        List<ContextElement> contexts = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int id = b.u16("p_cont_id");
            int nts = b.u8("n_transfer_syn");
            b.skip(1, "reserved");
            SyntaxId abs = SyntaxId.decode(b, "abstract_syntax");
            if (nts > MAX_TRANSFER_SYNTAXES) {
                throw new PduTooLongException("transfer syntax list", nts, MAX_TRANSFER_SYNTAXES);
            }
            b.ensure((long) nts * SyntaxId.SIZE, "transfer_syntaxes");
            List<SyntaxId> ts = new ArrayList<>(nts);
            for (int j = 0; j < nts; j++) {
                ts.add(SyntaxId.decode(b, "transfer_syntax"));
            }
            contexts.add(new ContextElement(id, abs, List.copyOf(ts)));
        }
        return new Pdu.BindPdu(h, xmit, recv, group, List.copyOf(contexts), auth);
    }

    private static Pdu.BindAckPdu bindAck(PduHeader h, PduBuffer b, AuthTrailer auth) throws RpcProtocolException {
        int xmit = b.u16("max_xmit_frag");
        int recv = b.u16("max_recv_frag");
        int group = b.u32("assoc_group_id");
        int len = b.u16("sec_addr length");
        byte[] addr = b.bytes(len, "sec_addr");
        b.align(4, "sec_addr");
        int n = b.u8("n_results");
        b.skip(3, "reserved");
        if (n > MAX_CONTEXTS) {
            throw new PduTooLongException("result list", n, MAX_CONTEXTS);
        }
        List<ContextResult> results = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            results.add(new ContextResult(b.u16("result"), b.u16("reason"), SyntaxId.decode(b, "transfer_syntax")));
        }
        String secondary = new String(addr, 0, Math.max(0, len - 1), StandardCharsets.US_ASCII);
        return new Pdu.BindAckPdu(h, xmit, recv, group, secondary, List.copyOf(results), auth);
    }

    private static Pdu.BindNakPdu bindNak(PduHeader h, PduBuffer b) throws CorruptPduException {
        int reason = b.u16("provider_reject_reason");
        List<int[]> versions = new ArrayList<>();
        if (b.remaining() > 0) {
            int n = b.u8("n_protocols");
            b.ensure(2L * n, "protocols");
            for (int i = 0; i < n; i++) {
                versions.add(new int[] {b.u8("major"), b.u8("minor")});
            }
        }
        return new Pdu.BindNakPdu(h, reason, List.copyOf(versions));
    }

    private static Pdu.RequestPdu request(PduHeader h, PduBuffer b, AuthTrailer auth, int bodyEnd, byte[] frag)
            throws RpcProtocolException {
        int hint = b.u32("alloc_hint");
        int ctx = b.u16("p_cont_id");
        int opnum = b.u16("opnum");
        UUID object = h.has(PduType.OBJECT_UUID) ? b.uuid("object") : null;
        return new Pdu.RequestPdu(h, hint, ctx, opnum, object, stub(b, auth, bodyEnd, frag), auth);
    }

    private static Pdu.ResponsePdu response(PduHeader h, PduBuffer b, AuthTrailer auth, int bodyEnd, byte[] frag)
            throws RpcProtocolException {
        int hint = b.u32("alloc_hint");
        int ctx = b.u16("p_cont_id");
        int cancels = b.u8("cancel_count");
        b.skip(1, "reserved");
        return new Pdu.ResponsePdu(h, hint, ctx, cancels, stub(b, auth, bodyEnd, frag), auth);
    }

    /** The stub: from here to the auth padding (or the end of the fragment). */
    private static byte[] stub(PduBuffer b, AuthTrailer auth, int bodyEnd, byte[] frag) throws CorruptPduException {
        int start = b.position();
        int end = bodyEnd - (auth == null ? 0 : auth.padLength());
        if (end < start) {
            throw new CorruptPduException("auth_pad_length " + (auth == null ? 0 : auth.padLength())
                    + " reaches into the request header");
        }
        byte[] out = new byte[end - start];
        System.arraycopy(frag, start, out, 0, out.length);
        return out;
    }
}
