package dev.sambasidecars.witness.msrpce;

import java.util.function.Supplier;

/**
 * The security side of one association: the auth type, level and context id the bind chose,
 * the handshake, and per-PDU protection. For NTLMSSP the signature covers the PDU from its
 * header through the sec_trailer and sealing encrypts the stub with its padding (as Windows and
 * Samba do); request and response stubs start after the 24-byte request/response header.
 */
final class AssociationSecurity {
    /** Why a request was refused: the fault status the client gets. */
    static final class Refused extends RpcSecurityException {
        private static final long serialVersionUID = 1L;
        private final int status;

        Refused(int status, String message) {
            super(message);
            this.status = status;
        }

        int status() {
            return status;
        }
    }

    private RpcSecurity context;
    private int type;
    private int level = AuthTrailer.LEVEL_NONE;
    private int contextId;
    private volatile boolean authenticated;
    private boolean failed;

    /** True once a bind asked for authentication (whether or not it succeeded). */
    boolean active() {
        return context != null;
    }

    /** The first leg (in a bind, or an alter_context on an association bound without auth): the reply trailer. */
    AuthTrailer start(AuthTrailer offered, Supplier<RpcSecurity> factory) throws RpcSecurityException {
        context = factory.get();
        byte[] token = context.accept(offered.value());
        type = offered.type();
        // Packet and call level protect each PDU like integrity for connection-oriented RPC.
        level = offered.level() == AuthTrailer.LEVEL_CALL ? AuthTrailer.LEVEL_PACKET : offered.level();
        contextId = offered.contextId();
        authenticated = context.established();
        return new AuthTrailer(type, offered.level(), 0, contextId, token);
    }

    void reset() {
        context = null;
        authenticated = false;
        failed = false;
    }

    /** Ends the handshake unsuccessfully: no further legs, every request refused. */
    void fail() {
        failed = true;
    }

    /** True while a handshake is under way and wants more legs. */
    boolean pending() {
        return context != null && !authenticated && !failed;
    }

    /** True once the handshake finished successfully. */
    boolean authenticated() {
        return authenticated;
    }

    /**
     * A later leg, from auth3 or alter_context: the trailer for the alter_context_resp (auth3
     * ignores it). The leg must continue the handshake the bind began, with the same auth type
     * and context id.
     */
    AuthTrailer next(AuthTrailer offered) throws RpcSecurityException {
        if (!pending()) {
            throw new RpcSecurityException("authentication leg without a pending handshake");
        }
        if (offered.type() != type || offered.contextId() != contextId) {
            throw new RpcSecurityException("authentication leg for auth type " + offered.type() + " context "
                    + offered.contextId() + " continues a handshake of type " + type + " context " + contextId);
        }
        byte[] token = context.accept(offered.value());
        authenticated = context.established();
        return new AuthTrailer(type, offered.level(), 0, contextId, token);
    }

    String user() {
        return authenticated ? context.user() : null;
    }

    /** The level in force for access checks: LEVEL_NONE until authentication succeeded. */
    int level() {
        return authenticated ? level : AuthTrailer.LEVEL_NONE;
    }

    /** True when every request and response carries a signature. */
    boolean protects() {
        return authenticated && level >= AuthTrailer.LEVEL_PACKET;
    }

    /** Bytes of padding, trailer and signature a protected fragment may need. */
    int overhead() {
        return protects() ? PduEncoder.STUB_AUTH_ALIGNMENT + AuthTrailer.SIZE + context.signatureLength() : 0;
    }

    /** The trailer of an outgoing protected PDU, its signature still zero. */
    AuthTrailer placeholder() {
        return new AuthTrailer(type, level, 0, contextId, new byte[context.signatureLength()]);
    }

    /** Checks (and for privacy decrypts) a request fragment in place before it is decoded. */
    void unprotect(byte[] frag, PduHeader h) throws RpcProtocolException {
        if (!authenticated) {
            throw new Refused(FaultStatus.ACCESS_DENIED,
                    "request on an association whose authentication failed or is unfinished");
        }
        if (level < AuthTrailer.LEVEL_PACKET) {
            return;
        }
        if (h.authLength() != context.signatureLength()) {
            throw new Refused(FaultStatus.ACCESS_DENIED, "request without the level-" + level + " signature");
        }
        AuthTrailer t = AuthTrailer.decode(frag, h);
        int signed = h.fragLength() - h.authLength();
        int stubOffset = PduHeader.SIZE + 8 + (h.has(PduType.OBJECT_UUID) ? 16 : 0);
        int stubLength = signed - AuthTrailer.SIZE - stubOffset;
        boolean levelMatches = level == AuthTrailer.LEVEL_PACKET || t.level() == level;
        if (t.type() != type || !levelMatches || t.contextId() != contextId || stubLength < 0) {
            throw new Refused(FaultStatus.ACCESS_DENIED, "request auth trailer does not match the association's");
        }
        try {
            context.verify(frag, level == AuthTrailer.LEVEL_PRIVACY, stubOffset, stubLength, signed, t.value());
        } catch (RpcSecurityException e) {
            throw new Refused(FaultStatus.SECURITY_PACKAGE_ERROR, e.getMessage());
        }
    }

    /** Signs or seals a finished response fragment in place (caller holds the send lock). */
    void protect(byte[] frag) {
        int sigLen = context.signatureLength();
        int signed = frag.length - sigLen;
        int stubOffset = PduHeader.SIZE + 8;
        int stubLength = signed - AuthTrailer.SIZE - stubOffset;
        byte[] sig = context.protect(frag, level == AuthTrailer.LEVEL_PRIVACY, stubOffset, stubLength, signed);
        System.arraycopy(sig, 0, frag, signed, sigLen);
    }
}
