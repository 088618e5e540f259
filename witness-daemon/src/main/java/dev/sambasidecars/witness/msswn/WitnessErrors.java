package dev.sambasidecars.witness.msswn;

/** The WERROR values MS-SWN operations return (values from MS-ERREF). */
public final class WitnessErrors {
    private WitnessErrors() {}

    public static final int OK = 0;
    public static final int ACCESS_DENIED = 0x5;
    public static final int INVALID_PARAMETER = 0x57;
    public static final int NO_MORE_ITEMS = 0x103;
    public static final int NOT_FOUND = 0x490;
    public static final int REVISION_MISMATCH = 0x51a;
    public static final int TIMEOUT = 0x5b4;
    public static final int INVALID_STATE = 0x139f;

    /** The WERROR's name, for logs and the operator. */
    public static String name(int status) {
        return switch (status) {
            case OK -> "OK";
            case ACCESS_DENIED -> "ACCESS_DENIED";
            case INVALID_PARAMETER -> "INVALID_PARAMETER";
            case NO_MORE_ITEMS -> "NO_MORE_ITEMS";
            case NOT_FOUND -> "NOT_FOUND";
            case REVISION_MISMATCH -> "REVISION_MISMATCH";
            case TIMEOUT -> "TIMEOUT";
            case INVALID_STATE -> "INVALID_STATE";
            default -> String.format("0x%08x", status);
        };
    }
}
