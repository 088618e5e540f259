package dev.sambasidecars.common.cli;

import dev.sambasidecars.common.config.ConfigException;
import dev.sambasidecars.common.config.ConfigLoader;
import dev.sambasidecars.common.config.OptionCatalog;
import dev.sambasidecars.common.config.SidecarConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** {@code --config} and {@code --set}, shared by every daemon and {@code sidecarctl}. */
public final class ConfigArgs {

    @Option(names = "--config", paramLabel = "FILE",
            description = "smb.conf to read sidecar options from (default: /etc/samba/smb.conf; "
                    + "'include =' is followed)")
    Path config;

    @Option(names = "--set", paramLabel = "'sidecar MODULE:OPTION=VALUE'",
            description = "override one option; repeatable; wins over smb.conf")
    List<String> sets = new ArrayList<>();

    /** Loads the effective configuration against every option on the class path. */
    public SidecarConfig load() throws ConfigException {
        return new ConfigLoader(OptionCatalog.load()).load(config, sets);
    }
}
