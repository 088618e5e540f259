package dev.sambasidecars.witness.spnego;

import dev.sambasidecars.witness.msnlmp.CredentialBackend;
import dev.sambasidecars.witness.msnlmp.NtlmAuthenticationException;
import dev.sambasidecars.witness.msnlmp.NtlmServer;
import dev.sambasidecars.witness.msnlmp.NtlmServerConfig;
import dev.sambasidecars.witness.msnlmp.NtlmSession;
import dev.sambasidecars.witness.msnlmp.SessionSecurity;
import dev.sambasidecars.witness.msrpce.RpcSecurity;
import dev.sambasidecars.witness.msrpce.RpcSecurityException;

/**
 * SPNEGO (DCE/RPC auth type 9, RPC_C_AUTHN_GSS_NEGOTIATE) negotiating NTLMSSP, as a DCE/RPC
 * security context: the framed NegTokenInit in the bind, NegTokenResp legs in alter_context (as
 * Samba's client sends its third leg) or auth3, then per-PDU protection by the NTLMSSP session
 * exactly as with auth type 10 (MS-RPCE 3.3.1.5.2): the signature covers the PDU from its header
 * through the sec_trailer, sealing encrypts the stub.
 */
public final class SpnegoRpcSecurity implements RpcSecurity {

    private final SpnegoAcceptor acceptor;

    /** A context for one association, authenticating with {@code credentials}. */
    public SpnegoRpcSecurity(NtlmServerConfig config, CredentialBackend credentials) {
        this.acceptor = new SpnegoAcceptor(new NtlmServer(config, credentials));
    }

    @Override
    public byte[] accept(byte[] clientToken) throws RpcSecurityException {
        try {
            return acceptor.accept(clientToken);
        } catch (SpnegoException e) {
            throw new RpcSecurityException("SPNEGO refused: " + e.getMessage());
        }
    }

    @Override
    public boolean established() {
        return acceptor.established();
    }

    @Override
    public String user() {
        NtlmSession s = acceptor.session();
        return s == null ? null : s.domain() + "\\" + s.user();
    }

    @Override
    public int signatureLength() {
        return SessionSecurity.SIGNATURE_LENGTH;
    }

    private SessionSecurity security() {
        NtlmSession s = acceptor.session();
        if (s == null) {
            throw new IllegalStateException("no SPNEGO session yet");
        }
        return s.security();
    }

    @Override
    public void verify(byte[] frag, boolean sealed, int stubOffset, int stubLength, int signedLength, byte[] signature)
            throws RpcSecurityException {
        if (!established()) {
            throw new RpcSecurityException("no SPNEGO session yet");
        }
        try {
            security().verifyPdu(frag, sealed, stubOffset, stubLength, signedLength, signature);
        } catch (NtlmAuthenticationException e) {
            throw new RpcSecurityException("PDU refused: " + e.getMessage());
        }
    }

    @Override
    public byte[] protect(byte[] frag, boolean sealed, int stubOffset, int stubLength, int signedLength) {
        return security().protectPdu(frag, sealed, stubOffset, stubLength, signedLength);
    }
}
