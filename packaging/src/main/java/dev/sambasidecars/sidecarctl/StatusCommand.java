package dev.sambasidecars.sidecarctl;

import dev.sambasidecars.common.api.v1.DaemonGrpc;
import dev.sambasidecars.common.api.v1.DaemonInfo;
import dev.sambasidecars.common.api.v1.GetInfoRequest;
import dev.sambasidecars.common.cli.ConfigArgs;
import dev.sambasidecars.common.config.CommonOptions;
import dev.sambasidecars.common.config.ConfigException;
import dev.sambasidecars.common.config.SidecarConfig;
import dev.sambasidecars.common.ipc.GrpcUnix;
import dev.sambasidecars.common.lifecycle.ExitCode;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code sidecarctl status}: which sidecar daemons run on this node. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Asks each sidecar daemon of this node over its local socket what it is and where it serves "
                + "metrics. Exits 1 when a daemon's socket exists but it does not answer.")
final class StatusCommand implements Callable<Integer> {
    private static final Duration DEADLINE = Duration.ofSeconds(3);

    @Mixin
    ConfigArgs configArgs = new ConfigArgs();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        SidecarConfig config;
        try {
            config = configArgs.load();
        } catch (ConfigException e) {
            return Cli.configError(spec, e);
        }
        Path dir = config.get(CommonOptions.COMMON, CommonOptions.SOCKET_DIRECTORY);
        int status = ExitCode.OK;
        for (String module : CommonOptions.DAEMON_METRICS_PORTS.keySet()) {
            Path socket = dir.resolve(module + ".sock");
            if (!Files.exists(socket)) {
                out.printf("%-18s not running (no %s)%n", module, socket);
                continue;
            }
            ManagedChannel ch = GrpcUnix.channel(socket);
            try {
                DaemonInfo info = DaemonGrpc.newBlockingStub(ch)
                        .withDeadlineAfter(DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
                        .getInfo(GetInfoRequest.getDefaultInstance());
                out.printf("%-18s running: pid %d, version %s, since %s, metrics %s/metrics%n", module, info.getPid(),
                        info.getVersion(), Instant.ofEpochMilli(info.getStartedUnixMs()), info.getMetricsUrl());
            } catch (StatusRuntimeException e) {
                out.printf("%-18s not answering on %s: %s%n", module, socket, e.getStatus());
                status = ExitCode.FAILURE;
            } finally {
                ch.shutdownNow().awaitTermination(1, TimeUnit.SECONDS);
            }
        }
        out.flush();
        return status;
    }
}
