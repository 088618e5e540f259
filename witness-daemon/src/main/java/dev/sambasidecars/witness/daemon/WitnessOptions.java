package dev.sambasidecars.witness.daemon;

import dev.sambasidecars.common.config.ModuleOptions;
import dev.sambasidecars.common.config.Option;
import dev.sambasidecars.common.config.OptionTypes;
import dev.sambasidecars.common.config.OptionsProvider;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** {@code sidecar witness:…} options. */
public final class WitnessOptions implements OptionsProvider {

    public static final String MODULE = "witness";

    public static final Option<Integer> PORT = Option.of("port", OptionTypes.integer(1, 65535), 49200,
            "TCP port of the Witness interface (clients find it through the endpoint mapper)");
    public static final Option<Integer> EPM_PORT = Option.of("epm port", OptionTypes.integer(0, 65535), 135,
            "TCP port of the endpoint mapper (0: do not serve one)");
    public static final Option<String> LISTEN_ADDRESS = Option.of("listen address", OptionTypes.string(), "0.0.0.0",
            "address both ports listen on");
    public static final Option<String> MIN_AUTH_LEVEL = Option.of("min auth level",
            OptionTypes.oneOf("connect", "integrity", "privacy"), "integrity",
            "lowest authentication level a Witness caller needs (Windows servers require integrity)");
    public static final Option<Path> SMBPASSWD_FILE = Option.of("smbpasswd file", OptionTypes.path(),
            Path.of("/etc/samba/sidecars/witness.smbpasswd"),
            "NT hashes of the users allowed to authenticate, in smbpasswd format (pdbedit -L -w)");
    public static final Option<String> CREDENTIALS = Option.of("credentials", OptionTypes.oneOf("smbpasswd", "winbind"),
            "smbpasswd", "how NTLMv2 responses are checked: the smbpasswd file, or winbindd through ntlm_auth");
    public static final Option<String> NTLM_AUTH = Option.of("ntlm_auth", OptionTypes.string(), "ntlm_auth",
            "Samba's ntlm_auth program, for credentials = winbind");
    public static final Option<String> NETBIOS_NAME = Option.of("netbios name", OptionTypes.string(), "",
            "name this node gives in NTLMSSP challenges (empty: the host name)");
    public static final Option<String> WORKGROUP = Option.of("workgroup", OptionTypes.string(), "WORKGROUP",
            "domain name this node gives in NTLMSSP challenges");
    public static final Option<Duration> IDLE_TIMEOUT = Option.of("idle timeout",
            OptionTypes.duration(Duration.ofSeconds(10), Duration.ofHours(24)), Duration.ofMinutes(15),
            "a connection that sends nothing for this long is closed");

    @Override
    public List<ModuleOptions> options() {
        return List.of(ModuleOptions.of(MODULE, List.of(PORT, EPM_PORT, LISTEN_ADDRESS, MIN_AUTH_LEVEL, CREDENTIALS, SMBPASSWD_FILE,
                NTLM_AUTH, NETBIOS_NAME, WORKGROUP, IDLE_TIMEOUT)));
    }
}
