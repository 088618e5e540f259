package dev.sambasidecars.witness.msswn;

/** Witness protocol versions (MS-SWN 2.2.1.x). */
public final class WitnessVersion {
    private WitnessVersion() {}

    public static final int V1 = 0x00010001;
    public static final int V2 = 0x00020000;
    public static final int UNSPECIFIED = 0xFFFFFFFF;
}
