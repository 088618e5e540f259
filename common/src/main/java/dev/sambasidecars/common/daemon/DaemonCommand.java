package dev.sambasidecars.common.daemon;

import dev.sambasidecars.common.cli.ConfigArgs;
import dev.sambasidecars.common.cli.VersionProvider;
import dev.sambasidecars.common.config.CommonOptions;
import dev.sambasidecars.common.config.ConfigException;
import dev.sambasidecars.common.config.SidecarConfig;
import dev.sambasidecars.common.ipc.GrpcUnix;
import dev.sambasidecars.common.lifecycle.ExitCode;
import dev.sambasidecars.common.lifecycle.Lifecycle;
import dev.sambasidecars.common.lifecycle.SdNotify;
import dev.sambasidecars.common.metrics.Metrics;
import dev.sambasidecars.common.metrics.MetricsServer;
import java.io.IOException;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * The launcher of every sidecar daemon: {@code --help}, {@code --version}, {@code --config},
 * {@code --set}; then configuration, metrics, local API, readiness, and a drained stop on
 * SIGTERM. Exit statuses are those of {@link ExitCode}. A daemon module subclasses this with a
 * {@code @Command(name = …, description = …)} annotation and implements {@link #start}.
 */
@Command(mixinStandardHelpOptions = true, versionProvider = VersionProvider.class, sortOptions = false,
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {
            "0:stopped cleanly on SIGTERM/SIGINT",
            "1:failed while running",
            "2:bad arguments or configuration",
            "3:could not start (address or socket in use, no permission)",
            "4:stopped, but in-flight work did not drain in time"})
public abstract class DaemonCommand implements Callable<Integer> {

    @Mixin
    private ConfigArgs configArgs = new ConfigArgs();

    /** The {@code sidecar <module>:} prefix of this daemon's options. */
    protected abstract String module();

    /**
     * Starts the module: create its components, register their stops with
     * {@code ctx.lifecycle()}, add local gRPC services. Returning means ready to serve.
     */
    protected abstract void start(DaemonContext ctx) throws Exception;

    /** Runs {@code daemon} with {@code args} and returns the exit status. */
    public static int run(DaemonCommand daemon, String... args) {
        return new CommandLine(daemon).execute(args);
    }

    @Override
    public final Integer call() throws Exception {
        SidecarConfig config;
        try {
            config = configArgs.load();
        } catch (ConfigException e) {
            System.err.println(commandName() + ": " + e.getMessage());
            return ExitCode.USAGE;
        }
        // slf4j-simple fixes its level when the first logger is made: set it before that.
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", config.get(module(), CommonOptions.LOG_LEVEL));
        quietenLibraries();
        Logger log = LoggerFactory.getLogger(getClass());
        config.warnings().forEach(w -> log.warn("{}", w));
        long started = System.currentTimeMillis();

        Lifecycle lifecycle = new Lifecycle(config.get(module(), CommonOptions.SHUTDOWN_TIMEOUT),
                SdNotify.fromEnvironment());
        lifecycle.installSignalHandlers();
        Metrics metrics = new Metrics(module());
        try {
            MetricsServer metricsServer = MetricsServer.start(metrics, config.get(module(), CommonOptions.METRICS_ADDRESS));
            lifecycle.onStop("metrics server", grace -> metricsServer.close());
            DaemonContext ctx = new DaemonContext(module(), config, metrics, metricsServer, lifecycle,
                    SdNotify.fromEnvironment());
            start(ctx);
            GrpcUnix.UnixServer api = ctx.serveLocalApi(started);
            log.info("ready: version {}, metrics at {}/metrics, local API on {}", VersionProvider.version(),
                    metricsServer.url(), api.path());
            ctx.notifier().ready("serving; metrics at " + metricsServer.url());
        } catch (ConfigException e) {
            // A setting only the daemon can judge (an address not of this host, a pnn out of range).
            System.err.println(commandName() + ": " + e.getMessage());
            return ExitCode.USAGE;
        } catch (MetricsServer.BindFailedException | StartupException e) {
            log.error("cannot start: {}", e.getMessage());
            return ExitCode.START_FAILED;
        } catch (IOException e) {
            log.error("cannot start: {}", e.getMessage());
            return ExitCode.START_FAILED;
        }
        int status = lifecycle.awaitStop();
        metrics.close();
        return status;
    }

    /**
     * Library chatter that is no event for an operator: Netty warns on every unix-socket
     * connection that gRPC's TCP keep-alive option does not apply, Jetty logs its banner, Ratis
     * its every election step.
     */
    static void quietenLibraries() {
        System.setProperty("org.slf4j.simpleLogger.log.io.netty.bootstrap", "error");
        System.setProperty("org.slf4j.simpleLogger.log.org.eclipse.jetty", "warn");
        // Apache Ratis logs every vote, append stream and configuration key at info; persist-store
        // logs leader changes, installed snapshots and log failures itself.
        System.setProperty("org.slf4j.simpleLogger.log.org.apache.ratis", "warn");
        // Its client logs each retry after a "not leader" answer as an error; the store reports
        // a shard that stays unavailable itself.
        System.setProperty("org.slf4j.simpleLogger.log.org.apache.ratis.client.impl.OrderedAsync", "off");
    }

    private String commandName() {
        Command c = getClass().getAnnotation(Command.class);
        return c != null && !c.name().equals("<main class>") ? c.name() : module();
    }
}
