package dev.sambasidecars.witness.msnlmp;

import java.nio.charset.StandardCharsets;

/**
 * CHALLENGE_MESSAGE (MS-NLMP 2.2.1.2), fields in wire order: Signature, MessageType = 2,
 * TargetNameFields, NegotiateFlags, ServerChallenge (8), Reserved (8), TargetInfoFields, Version
 * (8), Payload (TargetName, then TargetInfo). The server encodes it; {@link NtlmClient} decodes it
 * and keeps the raw bytes for the MIC.
 */
public final class ChallengeMessage {

    /** MessageType of a CHALLENGE_MESSAGE. */
    public static final int TYPE = 2;
    /** Fixed header size including Version; the payload starts here. */
    static final int HEADER_LENGTH = 56;

    private final int flags;
    private final String targetName;
    private final byte[] serverChallenge;
    private final AvPairs targetInfo;
    private final NtlmVersion version;

    /**
     * Describes a CHALLENGE_MESSAGE.
     *
     * @param flags the NegotiateFlags to send
     * @param targetName sent as UTF-16LE; empty when the client did not set REQUEST_TARGET
     * @param serverChallenge the 8-byte nonce
     * @param targetInfo sent when {@link NegotiateFlags#TARGET_INFO} is in {@code flags}
     * @param version sent when {@link NegotiateFlags#VERSION} is in {@code flags}; the field is
     *     all zero otherwise, as 2.2.1.2 requires
     */
    public ChallengeMessage(int flags, String targetName, byte[] serverChallenge,
            AvPairs targetInfo, NtlmVersion version) {
        if (serverChallenge.length != 8) {
            throw new IllegalArgumentException("ServerChallenge must be 8 bytes");
        }
        if (NegotiateFlags.has(flags, NegotiateFlags.TARGET_INFO) && targetInfo == null) {
            throw new IllegalArgumentException("TARGET_INFO flag without TargetInfo");
        }
        if (NegotiateFlags.has(flags, NegotiateFlags.VERSION) && version == null) {
            throw new IllegalArgumentException("VERSION flag without a version");
        }
        this.flags = flags;
        this.targetName = targetName == null ? "" : targetName;
        this.serverChallenge = serverChallenge.clone();
        this.targetInfo = targetInfo;
        this.version = version;
    }

    /** The NegotiateFlags this message carries. */
    public int flags() {
        return flags;
    }

    /** The 8-byte server challenge (a copy). */
    public byte[] serverChallenge() {
        return serverChallenge.clone();
    }

    /** The TargetName (empty when none was sent). */
    public String targetName() {
        return targetName;
    }

    /** The VERSION, or null when the VERSION flag is clear. */
    public NtlmVersion version() {
        return NegotiateFlags.has(flags, NegotiateFlags.VERSION) ? version : null;
    }

    /** The TargetInfo sent, or null when the TARGET_INFO flag is clear. */
    public AvPairs targetInfo() {
        return NegotiateFlags.has(flags, NegotiateFlags.TARGET_INFO) ? targetInfo : null;
    }

    /** The wire form. */
    public byte[] encode() {
        byte[] name = targetName.getBytes(StandardCharsets.UTF_16LE);
        AvPairs info = targetInfo();
        byte[] infoBytes = info == null ? new byte[0] : info.encode();
        int nameOffset = HEADER_LENGTH;
        int infoOffset = nameOffset + name.length;
        NtlmBuffer.Writer w = new NtlmBuffer.Writer();
        w.bytes(NtlmBuffer.SIGNATURE).u32(TYPE);
        w.payloadField(name.length, nameOffset);
        w.u32(flags);
        w.bytes(serverChallenge);
        w.u64(0); // Reserved
        w.payloadField(infoBytes.length, infoOffset);
        if (NegotiateFlags.has(flags, NegotiateFlags.VERSION)) {
            version.write(w);
        } else {
            w.u64(0);
        }
        w.bytes(name).bytes(infoBytes);
        return w.toByteArray();
    }

    /**
     * Decodes a CHALLENGE_MESSAGE, checking every payload descriptor against the message. TargetInfo
     * is read when the TARGET_INFO flag is set (an empty field is an empty list) and the Version
     * when the VERSION flag is set; a Version the payload overlaps is malformed.
     */
    public static ChallengeMessage decode(byte[] message) throws NtlmProtocolException {
        NtlmBuffer in = NtlmBuffer.wrap(message);
        in.header(TYPE);
        NtlmBuffer.PayloadField name = in.payloadField("TargetNameFields", FIELDS_END);
        int flags = in.u32();
        byte[] serverChallenge = in.bytes(8);
        in.bytes(8); // Reserved
        NtlmBuffer.PayloadField info = in.payloadField("TargetInfoFields", FIELDS_END);
        NtlmVersion version = null;
        if (NegotiateFlags.has(flags, NegotiateFlags.VERSION)) {
            for (NtlmBuffer.PayloadField f : new NtlmBuffer.PayloadField[] {name, info}) {
                if (!f.isEmpty() && f.offset() < HEADER_LENGTH) {
                    throw new NtlmProtocolException("VERSION flag set but the payload overlaps the Version field");
                }
            }
            version = NtlmVersion.read(in);
        }
        byte[] nameBytes = in.payload(name);
        if (NegotiateFlags.has(flags, NegotiateFlags.UNICODE) && nameBytes.length % 2 != 0) {
            throw new NtlmProtocolException("TargetName has odd length " + nameBytes.length + " for UTF-16LE");
        }
        String targetName = new String(nameBytes, NegotiateFlags.has(flags, NegotiateFlags.UNICODE)
                ? StandardCharsets.UTF_16LE : StandardCharsets.ISO_8859_1);
        AvPairs targetInfo = null;
        if (NegotiateFlags.has(flags, NegotiateFlags.TARGET_INFO)) {
            targetInfo = info.isEmpty() ? AvPairs.of(java.util.List.of())
                    : AvPairs.decode(message, (int) info.offset(), info.length());
        }
        return new ChallengeMessage(flags, targetName, serverChallenge, targetInfo, version);
    }

    /** End of the fields every CHALLENGE_MESSAGE has (through TargetInfoFields). */
    private static final int FIELDS_END = 48;
}
