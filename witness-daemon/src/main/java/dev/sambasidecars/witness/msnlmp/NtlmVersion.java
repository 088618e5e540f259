package dev.sambasidecars.witness.msnlmp;

/**
 * The VERSION structure of MS-NLMP 2.2.2.10: ProductMajorVersion (u8), ProductMinorVersion (u8),
 * ProductBuild (u16), Reserved (3 bytes), NTLMRevisionCurrent (u8). Informational only; the
 * protocol never branches on it.
 */
public record NtlmVersion(int major, int minor, int build, int revision) {

    /** Size on the wire. */
    public static final int SIZE = 8;

    /** NTLMSSP_REVISION_W2K3, the only revision MS-NLMP 2.2.2.10 defines for current use. */
    public static final int REVISION_W2K3 = 0x0F;

    /** What Samba advertises (6.1, build 0, revision 15, per auth/ntlmssp/ntlmssp_util.c). */
    public static final NtlmVersion DEFAULT = new NtlmVersion(6, 1, 0, REVISION_W2K3);

    /** Validates the field ranges. */
    public NtlmVersion {
        if (major < 0 || major > 0xff || minor < 0 || minor > 0xff || build < 0 || build > 0xffff
                || revision < 0 || revision > 0xff) {
            throw new IllegalArgumentException("VERSION field out of range");
        }
    }

    /** Reads the 8 bytes at the buffer's position. */
    public static NtlmVersion read(NtlmBuffer in) throws NtlmProtocolException {
        int major = in.u8();
        int minor = in.u8();
        int build = in.u16();
        in.bytes(3);
        return new NtlmVersion(major, minor, build, in.u8());
    }

    /** Appends the 8-byte wire form. */
    public void write(NtlmBuffer.Writer out) {
        out.u8(major).u8(minor).u16(build).u8(0).u8(0).u8(0).u8(revision);
    }
}
