package dev.sambasidecars.witness.msrpce;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** One connection-oriented PDU, decoded. */
public sealed interface Pdu {

    PduHeader header();

    /** The auth trailer, or null when auth_length is 0. */
    AuthTrailer auth();

    /** One presentation context a bind offers (C706 {@code p_cont_elem_t}). */
    record ContextElement(int contextId, SyntaxId abstractSyntax, List<SyntaxId> transferSyntaxes) {}

    /** One context's answer in a bind_ack (C706 {@code p_result_t}; MS-RPCE negotiate_ack = 3). */
    record ContextResult(int result, int reason, SyntaxId transferSyntax) {
        public static final int ACCEPTANCE = 0;
        public static final int USER_REJECTION = 1;
        public static final int PROVIDER_REJECTION = 2;
        public static final int NEGOTIATE_ACK = 3;
        /** Provider reasons. */
        public static final int ABSTRACT_SYNTAX_NOT_SUPPORTED = 1;
        public static final int TRANSFER_SYNTAXES_NOT_SUPPORTED = 2;
    }

    /** bind (11) or alter_context (14) (C706 12.6.4.3 / 12.6.4.1). */
    record BindPdu(PduHeader header, int maxXmitFrag, int maxRecvFrag, int assocGroupId,
                   List<ContextElement> contexts, AuthTrailer auth) implements Pdu {}

    /** bind_ack (12) or alter_context_resp (15) (C706 12.6.4.4 / 12.6.4.2). */
    record BindAckPdu(PduHeader header, int maxXmitFrag, int maxRecvFrag, int assocGroupId, String secondaryAddress,
                      List<ContextResult> results, AuthTrailer auth) implements Pdu {}

    /** bind_nak (13) (C706 12.6.4.5): reject reason and the protocol versions supported. */
    record BindNakPdu(PduHeader header, int reason, List<int[]> versions) implements Pdu {
        public static final int REASON_NOT_SPECIFIED = 0;
        public static final int PROTOCOL_VERSION_NOT_SUPPORTED = 4;
        public static final int AUTHENTICATION_TYPE_NOT_RECOGNIZED = 8;
        public static final int INVALID_CHECKSUM = 9;

        @Override
        public AuthTrailer auth() {
            return null;
        }
    }

    /** request (0) (C706 12.6.4.9): alloc_hint, p_cont_id, opnum, optional object UUID, stub. */
    record RequestPdu(PduHeader header, int allocHint, int contextId, int opnum, UUID object, byte[] stub,
                      AuthTrailer auth) implements Pdu {}

    /** response (2) (C706 12.6.4.10): alloc_hint, p_cont_id, cancel_count, stub. */
    record ResponsePdu(PduHeader header, int allocHint, int contextId, int cancelCount, byte[] stub,
                       AuthTrailer auth) implements Pdu {}

    /** fault (3) (C706 12.6.4.7): alloc_hint, p_cont_id, cancel_count, flags, status. */
    record FaultPdu(PduHeader header, int allocHint, int contextId, int cancelCount, int status) implements Pdu {
        @Override
        public AuthTrailer auth() {
            return null;
        }
    }

    /** auth3 (16) (MS-RPCE 2.2.2.10): four bytes of padding and the third leg's token. */
    record Auth3Pdu(PduHeader header, AuthTrailer auth) implements Pdu {}

    /** shutdown (17), co_cancel (18) and orphaned (19): a header and perhaps an auth trailer. */
    record ControlPdu(PduHeader header, AuthTrailer auth) implements Pdu {}

    /** Copies for records that take lists. */
    static <T> List<T> copy(List<T> in) {
        return List.copyOf(new ArrayList<>(in));
    }
}
