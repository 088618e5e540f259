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

    public static final Option<List<String>> NET_NAMES = Option.of("net names", OptionTypes.list(OptionTypes.string()),
            List.of(), "names a client may register for (NetName); empty: smb.conf's netbios name, netbios aliases "
                    + "and dns hostname (or netbios name + realm)");
    public static final Option<String> GROUP_NAME = Option.of("group name", OptionTypes.string(), "",
            "InterfaceGroupName of every entry in the interface list (empty: smb.conf's netbios name)");
    public static final Option<Boolean> INCLUDE_NODE_IPS = Option.of("include node ips", OptionTypes.bool(), false,
            "list the nodes' own addresses next to the public IPs");
    public static final Option<Duration> FORCED_UNREGISTER = Option.of("forced unregister",
            OptionTypes.duration(Duration.ZERO, Duration.ofMinutes(10)), Duration.ofSeconds(5),
            "end a registration this long after telling its client to go elsewhere, so that the client registers "
                    + "again (0: never)");
    public static final Option<Duration> UNUSED_TIMEOUT = Option.of("unused timeout",
            OptionTypes.duration(Duration.ofSeconds(1), Duration.ofHours(24)), Duration.ofSeconds(30),
            "end a registration when no AsyncNotify waited on it for this long");
    public static final Option<Path> STATE_DIRECTORY = Option.of("state directory", OptionTypes.path(),
            Path.of("/var/lib/samba-sidecars/witness"), "where registrations are kept across restarts of the daemon");

    public static final Option<Integer> ADMIN_PORT = Option.of("admin port", OptionTypes.integer(1, 65535), 49202,
            "TCP port, on the node's CTDB address, where the witness daemons of the cluster answer each other's "
                    + "operator requests (mutual TLS, certificates from 'sidecarctl tls init')");

    @Override
    public List<ModuleOptions> options() {
        return List.of(ModuleOptions.of(MODULE, List.of(PORT, EPM_PORT, LISTEN_ADDRESS, MIN_AUTH_LEVEL, CREDENTIALS, SMBPASSWD_FILE,
                NTLM_AUTH, NETBIOS_NAME, WORKGROUP, IDLE_TIMEOUT, NET_NAMES, GROUP_NAME, INCLUDE_NODE_IPS,
                FORCED_UNREGISTER, UNUSED_TIMEOUT, STATE_DIRECTORY, ADMIN_PORT)));
    }
}
