package dev.sambasidecars.sidecarctl;

import dev.sambasidecars.common.config.ConfigException;
import dev.sambasidecars.common.lifecycle.ExitCode;
import picocli.CommandLine;

/** What every sidecarctl command answers the same way. */
final class Cli {
    private Cli() {}

    /** Reports a configuration that cannot be used and returns the usage exit status. */
    static int configError(CommandLine.Model.CommandSpec spec, ConfigException e) {
        spec.commandLine().getErr().println("sidecarctl: " + e.getMessage());
        return ExitCode.USAGE;
    }

    /** A command that only groups subcommands: run alone, it says one is needed. */
    abstract static class Group implements Runnable {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required (see --help)");
        }
    }
}
