package dev.sambasidecars.witness.spnego;

/** What NegTokenInit and NegTokenResp share: their SEQUENCE of explicitly tagged fields. */
final class Fields {

    private Fields() {}

    /**
     * The number n of the next field [n]: a constructed context tag, numbered above the previous
     * one (fields are in order and appear at most once).
     */
    static int nextNumber(DerReader seq, int previous, String what) throws SpnegoException {
        int tag = seq.peekTag();
        if ((tag & 0xe0) != 0xa0 || (tag & 0x1f) == 0x1f) {
            throw SpnegoException.malformed(what + ": field with tag 0x" + Integer.toHexString(tag)
                    + ", expected a context tag [n]");
        }
        int n = tag & 0x1f;
        if (n <= previous) {
            throw SpnegoException.malformed(what + ": field [" + n + "] after [" + previous + "]");
        }
        return n;
    }

    static String size(byte[] b) {
        return b == null ? "absent" : b.length + " bytes";
    }
}
