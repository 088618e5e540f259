package dev.sambasidecars.sidecarctl;

import dev.sambasidecars.common.cli.VersionProvider;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code sidecarctl}: everything an operator does by hand with the sidecars. */
@Command(name = "sidecarctl", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Operate the samba-sidecars daemons of this node and cluster.",
        subcommands = {ConfigCommand.class, StatusCommand.class, ClusterCommand.class, WitnessCommand.class,
            StoreCommand.class, TlsCommand.class, CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:done", "1:the command failed", "2:bad arguments or configuration"})
public final class SidecarCtl implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs sidecarctl with {@code args}; returns the exit status. */
    public static int run(String... args) {
        // gRPC and Netty log at info on routine events; an operator's terminal wants warnings only.
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        System.setProperty("org.slf4j.simpleLogger.log.io.netty.bootstrap", "error");
        return new CommandLine(new SidecarCtl()).execute(args);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required (see --help)");
    }
}
