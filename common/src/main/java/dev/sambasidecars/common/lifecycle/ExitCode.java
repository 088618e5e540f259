package dev.sambasidecars.common.lifecycle;

/**
 * Exit statuses of every sidecar launcher. systemd units treat 2 and 3 as "do not restart
 * in a loop" ({@code RestartPreventExitStatus=2 3}).
 *
 * <ul>
 *   <li>0 — stopped cleanly (SIGTERM or SIGINT, in-flight work drained)</li>
 *   <li>1 — failed while running</li>
 *   <li>2 — bad usage or configuration (unknown {@code sidecar …:} key, bad value, bad
 *       arguments); also "not available in this version"</li>
 *   <li>3 — could not start (address or socket in use, missing permissions)</li>
 *   <li>4 — stopped, but in-flight work did not drain within {@code shutdown timeout}</li>
 * </ul>
 */
public final class ExitCode {
    private ExitCode() {}

    public static final int OK = 0;
    public static final int FAILURE = 1;
    public static final int USAGE = 2;
    public static final int START_FAILED = 3;
    public static final int DRAIN_TIMEOUT = 4;
}
