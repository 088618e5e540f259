package dev.sambasidecars.witness.msnlmp;

import dev.sambasidecars.witness.msrpce.AuthTrailer;
import dev.sambasidecars.witness.msrpce.RpcClientSecurity;
import dev.sambasidecars.witness.msrpce.RpcSecurityException;

/**
 * NTLMSSP (auth type 10) for a DCE/RPC client: NEGOTIATE in the bind, AUTHENTICATE (the last leg,
 * so an auth3) for the CHALLENGE in the bind_ack. Integrity and packet levels ask for SIGN,
 * privacy for SIGN and SEAL; connect level for neither. One instance per association.
 */
public final class NtlmRpcClientSecurity implements RpcClientSecurity {
    private final NtlmClientConfig config;
    private NtlmClient client;
    private SessionSecurity security;

    public NtlmRpcClientSecurity(NtlmClientConfig config) {
        this.config = config;
    }

    @Override
    public int authType() {
        return AuthTrailer.TYPE_NTLMSSP;
    }

    @Override
    public byte[] initialToken(int authLevel) throws RpcSecurityException {
        if (client != null) {
            throw new RpcSecurityException("NTLMSSP handshake already started");
        }
        int flags = NtlmClient.DEFAULT_FLAGS;
        if (authLevel >= AuthTrailer.LEVEL_CALL) {
            flags |= NegotiateFlags.SIGN;
        }
        if (authLevel == AuthTrailer.LEVEL_PRIVACY) {
            flags |= NegotiateFlags.SEAL;
        }
        client = new NtlmClient(config, flags);
        return client.negotiate();
    }

    @Override
    public byte[] next(byte[] serverToken) throws RpcSecurityException {
        if (client == null || security != null) {
            throw new RpcSecurityException("no NTLMSSP CHALLENGE_MESSAGE expected now");
        }
        try {
            byte[] authenticate = client.authenticate(serverToken);
            security = client.session().security();
            return authenticate;
        } catch (NtlmException e) {
            throw new RpcSecurityException("NTLMSSP challenge refused: " + e.getMessage());
        }
    }

    @Override
    public boolean established() {
        return security != null;
    }

    @Override
    public int signatureLength() {
        return SessionSecurity.SIGNATURE_LENGTH;
    }

    @Override
    public byte[] protect(byte[] frag, boolean sealed, int stubOffset, int stubLength, int signedLength) {
        if (security == null) {
            throw new IllegalStateException("no NTLMSSP session yet");
        }
        return security.protectPdu(frag, sealed, stubOffset, stubLength, signedLength);
    }

    @Override
    public void verify(byte[] frag, boolean sealed, int stubOffset, int stubLength, int signedLength, byte[] signature)
            throws RpcSecurityException {
        if (security == null) {
            throw new RpcSecurityException("no NTLMSSP session yet");
        }
        try {
            security.verifyPdu(frag, sealed, stubOffset, stubLength, signedLength, signature);
        } catch (NtlmAuthenticationException e) {
            throw new RpcSecurityException("PDU refused: " + e.getMessage());
        }
    }
}
