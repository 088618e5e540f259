package dev.sambasidecars.witness.msrpce;

/**
 * {@code sec_trailer} plus auth_value (MS-RPCE 2.2.2.11): auth_type, auth_level,
 * auth_pad_length, reserved, auth_context_id, then auth_length bytes of token or signature.
 * It sits at the end of the fragment; the stub before it is padded by auth_pad_length bytes.
 */
public record AuthTrailer(int type, int level, int padLength, int contextId, byte[] value) {

    public static final int SIZE = 8;

    public static final int TYPE_NONE = 0;
    public static final int TYPE_SPNEGO = 9;
    public static final int TYPE_NTLMSSP = 10;
    public static final int TYPE_KERBEROS = 16;

    public static final int LEVEL_NONE = 1;
    public static final int LEVEL_CONNECT = 2;
    public static final int LEVEL_CALL = 3;
    public static final int LEVEL_PACKET = 4;
    public static final int LEVEL_INTEGRITY = 5;
    public static final int LEVEL_PRIVACY = 6;

    /** Reads the trailer of {@code frag}, whose header says {@code authLength}. */
    static AuthTrailer decode(byte[] frag, PduHeader h) throws CorruptPduException {
        int start = h.fragLength() - h.authLength() - SIZE;
        PduBuffer b = PduBuffer.reader(frag, start, SIZE + h.authLength());
        return new AuthTrailer(b.u8("auth_type"), b.u8("auth_level"), b.u8("auth_pad_length"),
                skipThen(b), b.bytes(h.authLength(), "auth_value"));
    }

    private static int skipThen(PduBuffer b) throws CorruptPduException {
        b.skip(1, "auth_reserved");
        return b.u32("auth_context_id");
    }

    void encode(PduBuffer b) {
        b.putU8(type).putU8(level).putU8(padLength).putU8(0).putU32(contextId).put(value);
    }

    /** The same trailer with another value (e.g. the real signature once it is computed). */
    public AuthTrailer withValue(byte[] v) {
        return new AuthTrailer(type, level, padLength, contextId, v);
    }

    /** The same trailer with another pad length. */
    public AuthTrailer withPad(int pad) {
        return new AuthTrailer(type, level, pad, contextId, value);
    }
}
