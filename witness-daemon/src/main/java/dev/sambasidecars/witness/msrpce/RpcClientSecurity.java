package dev.sambasidecars.witness.msrpce;

/**
 * The client's side of one association's security context for one auth type: the counterpart of
 * {@link RpcSecurity}. The first token rides in the bind; each token the server answers with (in
 * the bind_ack or an alter_context_resp) goes to {@link #next}; a token produced once the context is
 * {@link #established()} is the last leg and goes in an auth3, one produced before it in an
 * alter_context. Then every request and response PDU is protected as the level requires: the
 * signature covers the PDU from its header through the sec_trailer, sealing encrypts the stub
 * and its padding (MS-RPCE 3.3.1.5.2).
 */
public interface RpcClientSecurity {

    /** The auth_type of the trailers (AuthTrailer.TYPE_*). */
    int authType();

    /** The bind's token, for a context protecting PDUs at {@code authLevel} (AuthTrailer.LEVEL_*). */
    byte[] initialToken(int authLevel) throws RpcSecurityException;

    /**
     * Takes the server's token and returns the next one to send, empty when there is none.
     *
     * @throws RpcSecurityException the server's token is refused or the handshake is over
     */
    byte[] next(byte[] serverToken) throws RpcSecurityException;

    /** True once the handshake finished on this side: PDUs can be protected. */
    boolean established();

    /** Size of the signature a protected PDU carries. */
    int signatureLength();

    /** Protects an outgoing PDU in place and returns the signature for its auth value (seals the stub when asked). */
    byte[] protect(byte[] frag, boolean sealed, int stubOffset, int stubLength, int signedLength);

    /** Checks an incoming PDU: signature over {@code [0, signedLength)}; decrypts the stub first when sealed. */
    void verify(byte[] frag, boolean sealed, int stubOffset, int stubLength, int signedLength, byte[] signature)
            throws RpcSecurityException;
}
