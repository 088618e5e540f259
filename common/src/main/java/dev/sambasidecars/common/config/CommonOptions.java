package dev.sambasidecars.common.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Options every sidecar has, and the options shared by all of them under
 * {@code sidecar common:…}. Daemon modules and their default metrics ports are fixed here so
 * that an smb.conf can be checked even on a node where a daemon is not installed.
 */
public final class CommonOptions {
    private CommonOptions() {}

    /** The prefix of options shared by all sidecars: {@code sidecar common:…}. */
    public static final String COMMON = "common";

    /** Daemon modules in launcher order, with their default metrics ports (DESIGN.md). */
    public static final Map<String, Integer> DAEMON_METRICS_PORTS = orderedPorts();

    public static final Option<Path> SOCKET_DIRECTORY = Option.of("socket directory", OptionTypes.path(),
            Path.of("/run/samba-sidecars"), "directory of the sidecars' local unix sockets");

    public static final Option<List<Integer>> IPC_ALLOW_UIDS = Option.of("ipc allow uids",
            OptionTypes.list(OptionTypes.integer(0, Integer.MAX_VALUE)), List.of(),
            "user ids allowed on local sockets besides root and the daemon's own user");

    public static final Option<List<Integer>> IPC_ALLOW_GIDS = Option.of("ipc allow gids",
            OptionTypes.list(OptionTypes.integer(0, Integer.MAX_VALUE)), List.of(),
            "group ids whose members are allowed on local sockets");

    public static final Option<Path> TLS_DIRECTORY = Option.of("tls directory", OptionTypes.path(),
            Path.of("/etc/samba/sidecars/tls"),
            "this node's ca.pem, node.pem and node.key for mutual TLS between nodes (sidecarctl tls init)");

    public static final Option<HostPort> METRICS_ADDRESS = Option.of("metrics address", OptionTypes.address(),
            new HostPort("127.0.0.1", 0), "where /metrics and /healthz are served (port 0: any free port)");

    public static final Option<Duration> SHUTDOWN_TIMEOUT = Option.of("shutdown timeout",
            OptionTypes.duration(Duration.ofMillis(100), Duration.ofMinutes(10)), Duration.ofSeconds(10),
            "how long in-flight work may drain after SIGTERM before the daemon exits anyway");

    public static final Option<String> LOG_LEVEL = Option.of("log level",
            OptionTypes.oneOf("error", "warn", "info", "debug", "trace"), "info", "least severe level logged");

    private static Map<String, Integer> orderedPorts() {
        Map<String, Integer> m = new java.util.LinkedHashMap<>();
        m.put("witness", 9701);
        m.put("ctdb-bridge", 9702);
        m.put("persist-store", 9703);
        m.put("fdpass-broker", 9704);
        m.put("smbd-direct-proxy", 9705);
        return java.util.Collections.unmodifiableMap(m);
    }

    /** The standard options of one daemon module. */
    public static ModuleOptions daemon(String module, int metricsPort) {
        return ModuleOptions.of(module, List.of(
                METRICS_ADDRESS.withDefault(new HostPort("127.0.0.1", metricsPort)),
                SHUTDOWN_TIMEOUT,
                LOG_LEVEL));
    }

    static List<ModuleOptions> builtIn() {
        List<ModuleOptions> out = new ArrayList<>();
        out.add(ModuleOptions.of(COMMON, List.of(SOCKET_DIRECTORY, IPC_ALLOW_UIDS, IPC_ALLOW_GIDS, TLS_DIRECTORY)));
        DAEMON_METRICS_PORTS.forEach((m, port) -> out.add(daemon(m, port)));
        return out;
    }
}
