package dev.sambasidecars.witness.msrpce;

import java.util.UUID;

/** {@code p_syntax_id_t}: an interface or transfer syntax UUID with major/minor version (C706 12.6.3.1). */
public record SyntaxId(UUID uuid, int major, int minor) {

    public static final int SIZE = 20;

    /** NDR 2.0, the transfer syntax every client offers (C706 14). */
    public static final SyntaxId NDR32 = new SyntaxId(UUID.fromString("8a885d04-1ceb-11c9-9fe8-08002b104860"), 2, 0);
    /** NDR64 (MS-RPCE 2.2.5). */
    public static final SyntaxId NDR64 = new SyntaxId(UUID.fromString("71710533-beba-4937-8319-b5dbef9ccc36"), 1, 0);
    /** The all-zero syntax a bind_ack carries for rejected contexts. */
    public static final SyntaxId NONE = new SyntaxId(new UUID(0, 0), 0, 0);

    private static final long FEATURE_MSB = UUID.fromString("6cb71c2c-9812-4540-0000-000000000000").getMostSignificantBits();

    /**
     * True for the bind time feature negotiation pseudo-syntax (MS-RPCE 3.3.1.5.3):
     * 6cb71c2c-9812-4540-XXXX-000000000000, version 1.0.
     */
    public boolean isBindTimeFeatureNegotiation() {
        return uuid.getMostSignificantBits() == FEATURE_MSB && (uuid.getLeastSignificantBits() & 0x0000ffffffffffffL) == 0;
    }

    /** The feature bits such a pseudo-syntax offers (the first two bytes of the fourth group, LSB first). */
    public int featureBits() {
        long lsb = uuid.getLeastSignificantBits();
        int first = (int) (lsb >>> 56) & 0xff;
        int second = (int) (lsb >>> 48) & 0xff;
        return first | (second << 8);
    }

    static SyntaxId decode(PduBuffer b, String what) throws CorruptPduException {
        UUID u = b.uuid(what);
        int version = b.u32(what + " version");
        return new SyntaxId(u, version & 0xffff, version >>> 16);
    }

    void encode(PduBuffer b) {
        b.putUuid(uuid).putU16(major).putU16(minor);
    }

    @Override
    public String toString() {
        return uuid + " v" + major + "." + minor;
    }
}
