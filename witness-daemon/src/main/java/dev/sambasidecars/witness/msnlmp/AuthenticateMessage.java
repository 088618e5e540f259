package dev.sambasidecars.witness.msnlmp;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/**
 * AUTHENTICATE_MESSAGE (MS-NLMP 2.2.1.3), fields in wire order: Signature, MessageType = 3,
 * LmChallengeResponseFields, NtChallengeResponseFields, DomainNameFields, UserNameFields,
 * WorkstationFields, EncryptedRandomSessionKeyFields, NegotiateFlags, Version (8), MIC (16),
 * Payload. Version and MIC are optional on the wire: they are present when the payload starts
 * after them. The raw bytes are kept for the MIC (3.1.5.1.2).
 */
public final class AuthenticateMessage {

    /** MessageType of an AUTHENTICATE_MESSAGE. */
    public static final int TYPE = 3;
    /** End of the mandatory fixed fields (through NegotiateFlags). */
    static final int FIXED_LENGTH = 64;
    /** Offset of the MIC field, fixed by 2.2.1.3. */
    public static final int MIC_OFFSET = 72;
    /** Size of the MIC field. */
    public static final int MIC_LENGTH = 16;

    private final byte[] raw;
    private final byte[] lmChallengeResponse;
    private final byte[] ntChallengeResponse;
    private final String domain;
    private final String user;
    private final String workstation;
    private final byte[] encryptedRandomSessionKey;
    private final int flags;
    private final NtlmVersion version;
    private final boolean hasMicField;

    private AuthenticateMessage(byte[] raw, byte[][] blobs, String[] names, int flags,
            NtlmVersion version, boolean hasMicField) {
        this.raw = raw;
        this.lmChallengeResponse = blobs[0];
        this.ntChallengeResponse = blobs[1];
        this.encryptedRandomSessionKey = blobs[2];
        this.domain = names[0];
        this.user = names[1];
        this.workstation = names[2];
        this.flags = flags;
        this.version = version;
        this.hasMicField = hasMicField;
    }

    /** Decodes and bounds-checks every field; nothing is allocated for a field that does not fit. */
    public static AuthenticateMessage decode(byte[] message) throws NtlmProtocolException {
        byte[] raw = message.clone();
        NtlmBuffer in = NtlmBuffer.wrap(raw);
        in.header(TYPE);
        NtlmBuffer.PayloadField lm = in.payloadField("LmChallengeResponseFields", FIXED_LENGTH);
        NtlmBuffer.PayloadField nt = in.payloadField("NtChallengeResponseFields", FIXED_LENGTH);
        NtlmBuffer.PayloadField dom = in.payloadField("DomainNameFields", FIXED_LENGTH);
        NtlmBuffer.PayloadField usr = in.payloadField("UserNameFields", FIXED_LENGTH);
        NtlmBuffer.PayloadField wks = in.payloadField("WorkstationFields", FIXED_LENGTH);
        NtlmBuffer.PayloadField key = in.payloadField("EncryptedRandomSessionKeyFields", FIXED_LENGTH);
        int flags = in.u32();

        // Version and MIC have no flag of their own that all clients honour; like Samba, infer
        // them from where the payload begins.
        long payloadStart = raw.length;
        for (NtlmBuffer.PayloadField f : new NtlmBuffer.PayloadField[] {lm, nt, dom, usr, wks, key}) {
            if (!f.isEmpty()) {
                payloadStart = Math.min(payloadStart, f.offset());
            }
        }
        NtlmVersion version = null;
        if (payloadStart >= MIC_OFFSET) {
            version = NtlmVersion.read(in);
        }
        boolean hasMic = payloadStart >= MIC_OFFSET + MIC_LENGTH;

        boolean unicode = NegotiateFlags.has(flags, NegotiateFlags.UNICODE);
        String[] names = {
            string(in.payload(dom), unicode, "DomainName"),
            string(in.payload(usr), unicode, "UserName"),
            string(in.payload(wks), unicode, "Workstation")
        };
        byte[][] blobs = {in.payload(lm), in.payload(nt), in.payload(key)};
        return new AuthenticateMessage(raw, blobs, names, flags, version, hasMic);
    }

    private static String string(byte[] b, boolean unicode, String field)
            throws NtlmProtocolException {
        if (unicode && b.length % 2 != 0) {
            throw new NtlmProtocolException(field + " has odd length " + b.length + " for UTF-16LE");
        }
        // OEM strings are in an unknown code page; ISO-8859-1 maps every byte and never fails.
        Charset cs = unicode ? StandardCharsets.UTF_16LE : StandardCharsets.ISO_8859_1;
        return new String(b, cs);
    }

    /** LmChallengeResponse (a copy). */
    public byte[] lmChallengeResponse() {
        return lmChallengeResponse.clone();
    }

    /** NtChallengeResponse (a copy). */
    public byte[] ntChallengeResponse() {
        return ntChallengeResponse.clone();
    }

    /** Domain name as sent. */
    public String domain() {
        return domain;
    }

    /** User name as sent. */
    public String user() {
        return user;
    }

    /** Workstation name as sent. */
    public String workstation() {
        return workstation;
    }

    /** EncryptedRandomSessionKey (a copy; empty unless KEY_EXCH). */
    public byte[] encryptedRandomSessionKey() {
        return encryptedRandomSessionKey.clone();
    }

    /** NegotiateFlags as sent in this message. */
    public int flags() {
        return flags;
    }

    /** The client's VERSION, if the field is present. */
    public Optional<NtlmVersion> version() {
        return Optional.ofNullable(version);
    }

    /** Whether the header has room for a MIC (the payload starts at or after offset 88). */
    public boolean hasMicField() {
        return hasMicField;
    }

    /** The MIC field (a copy). */
    public byte[] mic() {
        requireMic();
        return Arrays.copyOfRange(raw, MIC_OFFSET, MIC_OFFSET + MIC_LENGTH);
    }

    /** The message as received with the MIC field zeroed, the form the MIC is computed over. */
    public byte[] rawWithMicZeroed() {
        requireMic();
        byte[] copy = raw.clone();
        Arrays.fill(copy, MIC_OFFSET, MIC_OFFSET + MIC_LENGTH, (byte) 0);
        return copy;
    }

    /** The message bytes as received (a copy). */
    public byte[] raw() {
        return raw.clone();
    }

    private void requireMic() {
        if (!hasMicField) {
            throw new IllegalStateException("AUTHENTICATE_MESSAGE has no MIC field");
        }
    }
}
