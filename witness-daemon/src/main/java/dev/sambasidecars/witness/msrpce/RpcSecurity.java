package dev.sambasidecars.witness.msrpce;

/**
 * One association's security context for one auth type (NTLMSSP, later SPNEGO and Kerberos):
 * the legs of the handshake carried by bind/bind_ack, then auth3 or alter_context/alter_context_resp, then
 * per-PDU protection. For DCE/RPC the signature covers the PDU from its header through the
 * sec_trailer; sealing encrypts the stub and its padding.
 */
public interface RpcSecurity {

    /**
     * One leg of the handshake: the client's token from the bind, then from auth3 or
     * alter_context, until {@link #established()}. Returns the token for the bind_ack or
     * alter_context_resp; an empty array when the leg has nothing to answer (auth3 never does).
     */
    byte[] accept(byte[] clientToken) throws RpcSecurityException;

    /** True once the handshake finished: the user is known and PDUs can be protected. */
    boolean established();

    /** The authenticated user as DOMAIN\\user. */
    String user();

    /** Size of the signature a protected PDU carries. */
    int signatureLength();

    /** Checks an incoming PDU: signature over {@code [0, signedLength)}; decrypts the stub first when sealed. */
    void verify(byte[] frag, boolean sealed, int stubOffset, int stubLength, int signedLength, byte[] signature)
            throws RpcSecurityException;

    /** Protects an outgoing PDU in place and returns the signature to put in its auth value. */
    byte[] protect(byte[] frag, boolean sealed, int stubOffset, int stubLength, int signedLength);
}
