package dev.sambasidecars.witness.ndr;

/**
 * The two transfer syntaxes and what differs between them for this library (C706 14,
 * MS-RPCE 2.2.5): NDR64 widens pointers (referent ids) and array/string counts to 8 bytes,
 * aligned to 8.
 */
public enum NdrSyntax {
    NDR32(4),
    NDR64(8);

    private final int wide;

    NdrSyntax(int wide) {
        this.wide = wide;
    }

    /** Size and alignment of a referent id and of a conformance, offset or count. */
    public int wideSize() {
        return wide;
    }
}
