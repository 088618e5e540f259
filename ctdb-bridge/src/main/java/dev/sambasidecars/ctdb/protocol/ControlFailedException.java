package dev.sambasidecars.ctdb.protocol;

/** ctdbd answered a control with a non-zero status (and possibly an error message). */
public final class ControlFailedException extends CtdbProtocolException {
    private static final long serialVersionUID = 1L;

    private final int opcode;
    private final int status;

    public ControlFailedException(int opcode, int status, String error) {
        super("control " + ControlOpcode.name(opcode) + " failed with status " + status
                + (error == null || error.isEmpty() ? "" : ": " + error));
        this.opcode = opcode;
        this.status = status;
    }

    public int opcode() {
        return opcode;
    }

    /** CTDB's status: -1 for most failures, an errno-like value for some controls. */
    public int status() {
        return status;
    }
}
