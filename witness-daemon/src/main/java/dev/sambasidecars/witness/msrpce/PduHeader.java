package dev.sambasidecars.witness.msrpce;

/**
 * The 16-byte common header of every connection-oriented PDU (C706 12.6.3.1): version 5,
 * minor 0 or 1, type, pfc_flags, data representation, frag_length, auth_length, call_id.
 */
public record PduHeader(int minorVersion, int type, int flags, int fragLength, int authLength, int callId) {

    public static final int SIZE = 16;
    /** packed_drep byte 0 for little-endian integers and ASCII characters. */
    static final int DREP_LITTLE_ENDIAN = 0x10;

    public boolean has(int flag) {
        return (flags & flag) != 0;
    }

    /**
     * Decodes and checks the header: version 5.0/5.1, little-endian data representation (the
     * only one this server speaks; Windows and Samba clients use it), frag_length covering at
     * least the header and the auth trailer.
     */
    public static PduHeader decode(PduBuffer b) throws RpcProtocolException {
        int version = b.u8("rpc_vers");
        int minor = b.u8("rpc_vers_minor");
        int type = b.u8("PTYPE");
        int flags = b.u8("pfc_flags");
        int drep = b.u8("packed_drep[0]");
        b.skip(3, "packed_drep[1..3]");
        int frag = b.u16("frag_length");
        int auth = b.u16("auth_length");
        int callId = b.u32("call_id");
        if (version != 5 || minor > 1) {
            throw new CorruptPduException("unsupported RPC version " + version + "." + minor);
        }
        if ((drep & 0xf0) != DREP_LITTLE_ENDIAN || (drep & 0x0f) != 0) {
            throw new CorruptPduException(String.format("unsupported data representation 0x%02x", drep));
        }
        if (frag < SIZE) {
            throw new CorruptPduException("frag_length " + frag + " is shorter than the header");
        }
        if (auth > 0 && SIZE + AuthTrailer.SIZE + auth > frag) {
            throw new CorruptPduException("auth_length " + auth + " does not fit in frag_length " + frag);
        }
        return new PduHeader(minor, type, flags, frag, auth, callId);
    }

    /** Writes the header; frag_length and auth_length are patched by the encoder afterwards. */
    void encode(PduBuffer b) {
        b.putU8(5).putU8(minorVersion).putU8(type).putU8(flags)
                .putU8(DREP_LITTLE_ENDIAN).zeros(3)
                .putU16(fragLength).putU16(authLength).putU32(callId);
    }

    static final int FRAG_LENGTH_OFFSET = 8;
    static final int AUTH_LENGTH_OFFSET = 10;
}
