package dev.sambasidecars.witness.msnlmp;

import dev.sambasidecars.witness.msrpce.RpcSecurity;
import dev.sambasidecars.witness.msrpce.RpcSecurityException;

/** NTLMSSP (auth type 10) as a DCE/RPC security context: NEGOTIATE in the bind, AUTHENTICATE in auth3
 * (or alter_context, which then gets an empty token back). */
public final class NtlmRpcSecurity implements RpcSecurity {
    private final NtlmServer server;
    private boolean negotiated;
    private NtlmSession session;

    public NtlmRpcSecurity(NtlmServerConfig config, CredentialBackend credentials) {
        this.server = new NtlmServer(config, credentials);
    }

    @Override
    public byte[] accept(byte[] clientToken) throws RpcSecurityException {
        if (session != null) {
            throw new RpcSecurityException("NTLMSSP handshake already finished");
        }
        if (!negotiated) {
            try {
                byte[] challenge = server.processNegotiate(clientToken);
                negotiated = true;
                return challenge;
            } catch (NtlmException e) {
                throw new RpcSecurityException("NTLMSSP negotiate refused: " + e.getMessage());
            }
        }
        try {
            session = server.processAuthenticate(clientToken);
            return new byte[0];
        } catch (NtlmException e) {
            throw new RpcSecurityException("NTLMSSP authentication failed: " + e.getMessage());
        }
    }

    @Override
    public boolean established() {
        return session != null;
    }

    @Override
    public String user() {
        return session == null ? null : session.domain() + "\\" + session.user();
    }

    @Override
    public int signatureLength() {
        return 16;
    }

    private SessionSecurity security() throws RpcSecurityException {
        if (session == null) {
            throw new RpcSecurityException("no NTLMSSP session yet");
        }
        return session.security();
    }

    /**
     * The association's level may ask for more than the client negotiated (a client can offer
     * integrity in the bind and leave SIGN out of its flags): such a PDU is refused, not handed to
     * a SessionSecurity that would throw IllegalStateException.
     */
    private void requireNegotiated(int flag, String what) throws RpcSecurityException {
        if (!NegotiateFlags.has(session.flags(), flag)) {
            throw new RpcSecurityException("PDU refused: the auth level needs " + what
                    + ", which the NTLMSSP handshake did not negotiate");
        }
    }

    @Override
    public void verify(byte[] frag, boolean sealed, int stubOffset, int stubLength, int signedLength, byte[] signature)
            throws RpcSecurityException {
        SessionSecurity security = security();
        requireNegotiated(NegotiateFlags.SIGN, "signing");
        if (sealed) {
            requireNegotiated(NegotiateFlags.SEAL, "sealing");
        }
        try {
            security.verifyPdu(frag, sealed, stubOffset, stubLength, signedLength, signature);
        } catch (NtlmAuthenticationException e) {
            throw new RpcSecurityException("PDU refused: " + e.getMessage());
        }
    }

    @Override
    public byte[] protect(byte[] frag, boolean sealed, int stubOffset, int stubLength, int signedLength) {
        return session.security().protectPdu(frag, sealed, stubOffset, stubLength, signedLength);
    }
}
