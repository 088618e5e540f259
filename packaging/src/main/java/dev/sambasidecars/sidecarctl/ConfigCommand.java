package dev.sambasidecars.sidecarctl;

import dev.sambasidecars.common.cli.ConfigArgs;
import dev.sambasidecars.common.config.ConfigException;
import dev.sambasidecars.common.config.SidecarConfig;
import dev.sambasidecars.common.lifecycle.ExitCode;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sidecarctl config …}: the sidecar options of an smb.conf. */
@Command(name = "config", mixinStandardHelpOptions = true, description = "Sidecar options in smb.conf.",
        subcommands = {ConfigCommand.Check.class})
final class ConfigCommand extends Cli.Group {

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = {"Checks the 'sidecar MODULE:OPTION' settings of an smb.conf and prints the effective "
                    + "value of every sidecar option, marking where each came from (default, FILE:LINE or --set).",
                "Exits 2 naming file, line and key when a key is unknown or a value is bad."})
    static final class Check implements Callable<Integer> {
        @Mixin
        ConfigArgs configArgs = new ConfigArgs();

        @Option(names = "--changed", description = "print only options that are not at their default")
        boolean changedOnly;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            SidecarConfig config;
            try {
                config = configArgs.load();
            } catch (ConfigException e) {
                return Cli.configError(spec, e);
            }
            config.warnings().forEach(w -> err.println("warning: " + w));
            out.println("# effective sidecar options"
                    + (config.smbConf() == null ? " (no smb.conf read)" : " of " + config.smbConf()));
            List<SidecarConfig.Setting> all = config.all();
            int width = all.stream().mapToInt(s -> s.key().length() + 3 + s.text().length()).max().orElse(40);
            String module = null;
            for (SidecarConfig.Setting s : all) {
                if (changedOnly && s.isDefault()) {
                    continue;
                }
                if (!s.module().equals(module)) {
                    module = s.module();
                    out.println();
                }
                String line = s.key() + " = " + s.text();
                out.printf("%-" + width + "s  # %s%n", line, s.origin());
            }
            out.flush();
            return ExitCode.OK;
        }
    }
}
