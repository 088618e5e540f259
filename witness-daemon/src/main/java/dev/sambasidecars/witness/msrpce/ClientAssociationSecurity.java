package dev.sambasidecars.witness.msrpce;

/**
 * The security side of a client's association: the level and auth context id it binds with, the
 * legs of the handshake, and per-PDU protection of requests and checking of responses. Packet and
 * call level protect each PDU like integrity on connection-oriented RPC (as the server answers);
 * connect level authenticates and then sends PDUs as they are.
 */
final class ClientAssociationSecurity {
    /** Unauthenticated: no trailers at all. */
    static final ClientAssociationSecurity NONE = new ClientAssociationSecurity(null, AuthTrailer.LEVEL_NONE, 0);

    private final RpcClientSecurity context;
    private final int requestedLevel;
    private final int level;
    private final int contextId;

    ClientAssociationSecurity(RpcClientSecurity context, int level, int contextId) {
        if (context != null && (level < AuthTrailer.LEVEL_CONNECT || level > AuthTrailer.LEVEL_PRIVACY)) {
            throw new IllegalArgumentException("auth level " + level + " is not one a security context protects at");
        }
        this.context = context;
        this.requestedLevel = level;
        this.level = level == AuthTrailer.LEVEL_CALL ? AuthTrailer.LEVEL_PACKET : level;
        this.contextId = contextId;
    }

    /** True when the bind carries authentication. */
    boolean active() {
        return context != null;
    }

    /** The level as bound (LEVEL_NONE without authentication). */
    int level() {
        return requestedLevel;
    }

    /** The bind's trailer with the first token. */
    AuthTrailer initial() throws RpcSecurityException {
        return trailer(context.initialToken(requestedLevel));
    }

    /**
     * Takes the server's leg (from a bind_ack or alter_context_resp) and returns the token to send
     * next, empty when there is none.
     */
    byte[] next(AuthTrailer server) throws RpcSecurityException {
        if (server == null) {
            throw new RpcSecurityException("the server answered the authentication leg without a token");
        }
        if (server.type() != context.authType() || server.contextId() != contextId) {
            throw new RpcSecurityException("the server answered with auth type " + server.type() + " context "
                    + server.contextId() + " to a leg of type " + context.authType() + " context " + contextId);
        }
        return context.next(server.value());
    }

    boolean established() {
        return context != null && context.established();
    }

    AuthTrailer trailer(byte[] token) {
        return new AuthTrailer(context.authType(), requestedLevel, 0, contextId, token);
    }

    /** True when every request and response carries a signature. */
    boolean protects() {
        return established() && level >= AuthTrailer.LEVEL_PACKET;
    }

    /** Bytes of padding, trailer and signature a protected fragment may need beyond its stub. */
    int overhead() {
        return protects() ? PduEncoder.STUB_AUTH_ALIGNMENT + AuthTrailer.SIZE + context.signatureLength() : 0;
    }

    /** The trailer of an outgoing protected PDU, its signature still zero. */
    AuthTrailer placeholder() {
        return new AuthTrailer(context.authType(), level, 0, contextId, new byte[context.signatureLength()]);
    }

    /** Signs or seals a finished request fragment in place (the caller holds the send lock: sequence follows the wire). */
    void protect(byte[] frag, int stubOffset) {
        int sigLen = context.signatureLength();
        int signed = frag.length - sigLen;
        int stubLength = signed - AuthTrailer.SIZE - stubOffset;
        byte[] sig = context.protect(frag, level == AuthTrailer.LEVEL_PRIVACY, stubOffset, stubLength, signed);
        System.arraycopy(sig, 0, frag, signed, sigLen);
    }

    /** Checks (and for privacy decrypts) a response fragment in place before it is decoded. */
    void unprotect(byte[] frag, PduHeader h) throws RpcProtocolException {
        if (h.authLength() != context.signatureLength()) {
            throw new RpcSecurityException("response to call " + h.callId() + " without the level-" + level
                    + " signature (auth_length " + h.authLength() + ")");
        }
        AuthTrailer t = AuthTrailer.decode(frag, h);
        int signed = h.fragLength() - h.authLength();
        int stubOffset = PduEncoder.RESPONSE_HEADER_SIZE;
        int stubLength = signed - AuthTrailer.SIZE - stubOffset;
        if (t.type() != context.authType() || t.level() != level || t.contextId() != contextId || stubLength < 0) {
            throw new RpcSecurityException("response trailer (type " + t.type() + ", level " + t.level() + ", context "
                    + t.contextId() + ") does not match the association's");
        }
        context.verify(frag, level == AuthTrailer.LEVEL_PRIVACY, stubOffset, stubLength, signed, t.value());
    }
}
