package dev.sambasidecars.witness.msnlmp;

import java.util.Objects;

/**
 * The outcome of a successful NTLMSSP exchange (MS-NLMP 3.2.5.1.2): who authenticated, the flags
 * both sides settled on, the ExportedSessionKey (3.4.5.1; SPNEGO and DCE/RPC derive from it) and
 * the message protection built from it.
 */
public final class NtlmSession {

    private final String user;
    private final String domain;
    private final String workstation;
    private final int flags;
    private final byte[] exportedSessionKey;
    private final SessionSecurity security;
    private final boolean micPresent;

    NtlmSession(String user, String domain, String workstation, int flags,
            byte[] exportedSessionKey, SessionSecurity security, boolean micPresent) {
        this.user = Objects.requireNonNull(user);
        this.domain = Objects.requireNonNull(domain);
        this.workstation = Objects.requireNonNull(workstation);
        this.flags = flags;
        this.exportedSessionKey = exportedSessionKey.clone();
        this.security = Objects.requireNonNull(security);
        this.micPresent = micPresent;
    }

    /**
     * True when the AUTHENTICATE_MESSAGE carried a MIC (MsvAvFlags bit 0x2, checked by the
     * server). Such a client also protects a SPNEGO negotiation with a mechListMIC, so SPNEGO
     * requires one then (Samba's "new_spnego").
     */
    public boolean micPresent() {
        return micPresent;
    }

    /** UserName as the client sent it. */
    public String user() {
        return user;
    }

    /** DomainName as the client sent it. */
    public String domain() {
        return domain;
    }

    /** Workstation as the client sent it. */
    public String workstation() {
        return workstation;
    }

    /** The negotiated NegotiateFlags. */
    public int flags() {
        return flags;
    }

    /** The 16-byte ExportedSessionKey (a copy). */
    public byte[] exportedSessionKey() {
        return exportedSessionKey.clone();
    }

    /** Signing and sealing for this session, server side. */
    public SessionSecurity security() {
        return security;
    }

    @Override
    public String toString() {
        return "NtlmSession[" + domain + "\\" + user + " from " + workstation + ", "
                + NegotiateFlags.toString(flags) + "]";
    }
}
