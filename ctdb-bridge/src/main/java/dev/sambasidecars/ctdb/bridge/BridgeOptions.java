package dev.sambasidecars.ctdb.bridge;

import dev.sambasidecars.common.config.ModuleOptions;
import dev.sambasidecars.common.config.Option;
import dev.sambasidecars.common.config.OptionTypes;
import dev.sambasidecars.common.config.OptionsProvider;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** {@code sidecar ctdb-bridge:…} options. */
public final class BridgeOptions implements OptionsProvider {

    public static final String MODULE = "ctdb-bridge";

    public static final Option<Path> CTDBD_SOCKET = Option.of("ctdbd socket", OptionTypes.path(),
            Path.of("/run/ctdb/ctdbd.socket"), "ctdbd's unix socket (Samba's 'ctdbd socket')");

    public static final Option<Duration> CONTROL_TIMEOUT = Option.of("control timeout",
            OptionTypes.duration(Duration.ofMillis(100), Duration.ofMinutes(2)), Duration.ofSeconds(5),
            "how long a control to ctdbd may take before the connection is considered stuck");

    public static final Option<Duration> POLL_INTERVAL = Option.of("poll interval",
            OptionTypes.duration(Duration.ofMillis(100), Duration.ofMinutes(10)), Duration.ofSeconds(2),
            "how often the cluster is re-read to catch changes no message announces (node flags)");

    public static final Option<Boolean> REGISTER_SRVIDS = Option.of("register srvids", OptionTypes.bool(), true,
            "subscribe to ctdbd's TAKE_IP/RELEASE_IP/IPREALLOCATED messages (no: rely on the event script)");

    public static final Option<List<String>> FAIL_MONITOR_WHEN_DOWN = Option.of("fail monitor when down",
            OptionTypes.list(OptionTypes.oneOf("ctdb-bridge", "witness", "persist-store", "fdpass-broker",
                    "smbd-direct-proxy")), List.of(),
            "sidecars whose failed health check makes CTDB's monitor event mark the node unhealthy");

    public static final Option<Integer> HISTORY_SIZE = Option.of("history size", OptionTypes.integer(16, 1_000_000),
            4096, "events kept for watchers that resume after a reconnection");

    public static final Option<Integer> WATCHER_QUEUE = Option.of("watcher queue", OptionTypes.integer(8, 1_000_000),
            1024, "updates queued per watcher before it is resynced with a fresh snapshot");

    @Override
    public List<ModuleOptions> options() {
        return List.of(ModuleOptions.of(MODULE, List.of(CTDBD_SOCKET, CONTROL_TIMEOUT, POLL_INTERVAL,
                REGISTER_SRVIDS, FAIL_MONITOR_WHEN_DOWN, HISTORY_SIZE, WATCHER_QUEUE)));
    }
}
