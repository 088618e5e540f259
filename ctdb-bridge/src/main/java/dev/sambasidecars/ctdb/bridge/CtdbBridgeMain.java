package dev.sambasidecars.ctdb.bridge;

import dev.sambasidecars.common.daemon.DaemonCommand;
import dev.sambasidecars.common.daemon.DaemonContext;
import dev.sambasidecars.common.ipc.UnixSocketServer;
import dev.sambasidecars.common.metrics.HealthCheck;
import dev.sambasidecars.common.config.SidecarConfig;
import dev.sambasidecars.ctdb.model.ClusterModel;
import java.nio.file.Path;
import picocli.CommandLine.Command;

/** The ctdb-bridge daemon. */
@Command(name = "ctdb-bridge",
        description = {"Follows ctdbd on this node (its socket protocol and the CTDB event script) and serves "
                + "the cluster model - nodes, flags, public IPs and their owners - as a snapshot and an ordered "
                + "event stream to the other sidecars over gRPC on <socket directory>/ctdb-bridge.sock.",
            "Options are read from smb.conf as 'sidecar ctdb-bridge:OPTION' ('sidecarctl config check' lists them)."})
public final class CtdbBridgeMain extends DaemonCommand {

    /** Name of the event script's socket in the sidecars' socket directory. */
    public static final String EVENT_SOCKET = "ctdb-bridge-event.sock";

    /** The monitor list the event script reads when the bridge does not answer. */
    public static final String MONITOR_STATE = "ctdb-bridge.monitor";

    @Override
    protected String module() {
        return BridgeOptions.MODULE;
    }

    @Override
    protected void start(DaemonContext ctx) throws Exception {
        SidecarConfig cfg = ctx.config();
        String m = BridgeOptions.MODULE;
        BridgeMetrics metrics = new BridgeMetrics(ctx.metrics());
        ClusterModel model = new ClusterModel(cfg.get(m, BridgeOptions.HISTORY_SIZE), metrics);
        TcpRegistry tcp = new TcpRegistry();
        ClusterReader reader = new ClusterReader(PublicAddressesFile.prefixes(Path.of("/etc/ctdb/public_addresses")));
        CtdbFollower follower = new CtdbFollower(cfg.get(m, BridgeOptions.CTDBD_SOCKET),
                cfg.get(m, BridgeOptions.CONTROL_TIMEOUT), cfg.get(m, BridgeOptions.POLL_INTERVAL),
                cfg.get(m, BridgeOptions.REGISTER_SRVIDS), model, metrics, tcp, reader);
        metrics.watchers(model::watcherCount);
        metrics.connected(() -> follower.connected() ? 1 : 0);
        ctx.metricsServer().addHealthCheck("ctdbd", () -> follower.connected()
                ? HealthCheck.Status.up("connected") : HealthCheck.Status.down("not connected to ctdbd"));

        EventScriptServer script = new EventScriptServer(follower::trigger, reader,
                new MonitorCheck(cfg.get(m, BridgeOptions.FAIL_MONITOR_WHEN_DOWN), cfg, follower::connected), metrics);
        UnixSocketServer scriptSocket = UnixSocketServer.start(ctx.socketDirectory().resolve(EVENT_SOCKET),
                ctx.peerPolicy(), 16, (socket, peer) -> script.handle(socket), ctx.metrics().registry(), m);
        ctx.lifecycle().onStop("event script socket", scriptSocket::stop);

        writeMonitorState(ctx.socketDirectory().resolve(MONITOR_STATE), cfg.get(m, BridgeOptions.FAIL_MONITOR_WHEN_DOWN));
        follower.start();
        ctx.lifecycle().onStop("ctdbd follower", grace -> follower.close());
        ctx.addLocalService(new BridgeService(model, cfg.get(m, BridgeOptions.WATCHER_QUEUE), metrics, follower, tcp));
    }

    /** Left in place on stop: a stopped bridge must still fail monitor when the operator asked. */
    private static void writeMonitorState(Path file, java.util.List<String> sidecars) throws java.io.IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        java.nio.file.Files.writeString(tmp, sidecars.isEmpty() ? "" : String.join("\n", sidecars) + "\n");
        java.nio.file.Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    public static void main(String[] args) {
        System.exit(DaemonCommand.run(new CtdbBridgeMain(), args));
    }
}
