package dev.sambasidecars.witness.msnlmp;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * NEGOTIATE_MESSAGE (MS-NLMP 2.2.1.1): Signature, MessageType = 1, NegotiateFlags,
 * DomainNameFields, WorkstationFields, Version, Payload. The raw bytes are kept because the MIC
 * (3.1.5.1.2) covers them.
 */
public final class NegotiateMessage {

    /** MessageType of a NEGOTIATE_MESSAGE. */
    public static final int TYPE = 1;
    /** Signature, MessageType and NegotiateFlags: all a server needs; older clients stop there. */
    static final int MIN_LENGTH = 16;
    private static final int FIELDS_END = 32;
    private static final int VERSION_END = 40;

    private final byte[] raw;
    private final int flags;
    private final String domain;
    private final String workstation;
    private final NtlmVersion version;

    private NegotiateMessage(byte[] raw, int flags, String domain, String workstation,
            NtlmVersion version) {
        this.raw = raw;
        this.flags = flags;
        this.domain = domain;
        this.workstation = workstation;
        this.version = version;
    }

    /**
     * Decodes a NEGOTIATE_MESSAGE. The OEM domain and workstation fields are read only when their
     * flags say they are supplied (2.2.1.1), and the version only when NTLMSSP_NEGOTIATE_VERSION is
     * set and the header is long enough to hold it.
     */
    public static NegotiateMessage decode(byte[] message) throws NtlmProtocolException {
        byte[] raw = message.clone();
        NtlmBuffer in = NtlmBuffer.wrap(raw);
        in.header(TYPE);
        int flags = in.u32();
        String domain = null;
        String workstation = null;
        NtlmVersion version = null;
        if (raw.length >= FIELDS_END) {
            boolean hasVersion = NegotiateFlags.has(flags, NegotiateFlags.VERSION)
                    && raw.length >= VERSION_END;
            int headerEnd = hasVersion ? VERSION_END : FIELDS_END;
            NtlmBuffer.PayloadField d = in.payloadField("DomainNameFields", headerEnd);
            NtlmBuffer.PayloadField w = in.payloadField("WorkstationFields", headerEnd);
            // OEM strings: the client's code page is unknown, ISO-8859-1 at least never fails.
            if (NegotiateFlags.has(flags, NegotiateFlags.OEM_DOMAIN_SUPPLIED)) {
                domain = new String(in.payload(d), StandardCharsets.ISO_8859_1);
            }
            if (NegotiateFlags.has(flags, NegotiateFlags.OEM_WORKSTATION_SUPPLIED)) {
                workstation = new String(in.payload(w), StandardCharsets.ISO_8859_1);
            }
            if (hasVersion) {
                version = NtlmVersion.read(in);
            }
        }
        return new NegotiateMessage(raw, flags, domain, workstation, version);
    }

    /** NegotiateFlags as sent by the client. */
    public int flags() {
        return flags;
    }

    /** Domain name the client supplied, if any. */
    public Optional<String> domain() {
        return Optional.ofNullable(domain);
    }

    /** Workstation name the client supplied, if any. */
    public Optional<String> workstation() {
        return Optional.ofNullable(workstation);
    }

    /** The client's VERSION, if it sent one. */
    public Optional<NtlmVersion> version() {
        return Optional.ofNullable(version);
    }

    /** The message bytes as received (a copy), for the MIC. */
    public byte[] raw() {
        return raw.clone();
    }
}
