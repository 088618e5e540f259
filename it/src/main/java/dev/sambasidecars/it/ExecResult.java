package dev.sambasidecars.it;

/** What a command run in a container returned. */
public record ExecResult(String command, int exitCode, String stdout, String stderr) {

    public boolean ok() {
        return exitCode == 0;
    }

    /** This result, or an {@link AssertionError} with the command's output when it failed. */
    public ExecResult orThrow() {
        if (!ok()) {
            throw new AssertionError("'" + command + "' exited " + exitCode + "\nstdout:\n" + stdout + "\nstderr:\n" + stderr);
        }
        return this;
    }
}
