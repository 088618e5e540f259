package dev.sambasidecars.witness.msrpce;

/**
 * One association's security context for one auth type (NTLMSSP, later SPNEGO and Kerberos):
 * the legs of the handshake carried by bind/bind_ack and auth3 (or alter_context), then
 * per-PDU protection. For DCE/RPC the signature covers the PDU from its header through the
 * sec_trailer; sealing encrypts the stub and its padding.
 */
public interface RpcSecurity {

    /** The first leg: the client's token from the bind; returns the token for the bind_ack. */
    byte[] accept(byte[] clientToken) throws RpcSecurityException;

    /** The last leg: the client's token from auth3 or alter_context. */
    void complete(byte[] clientToken) throws RpcSecurityException;

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
