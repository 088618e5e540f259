package dev.sambasidecars.common.daemon;

import java.time.Duration;
import picocli.CommandLine.Command;

/**
 * A minimal daemon for the launcher tests: module "witness" (so its options exist), with one
 * in-flight job whose stop takes {@code -Dsleepy.drain.ms} milliseconds; with
 * {@code -Dsleepy.tls.address=IP} it loads this node's TLS directory for that address.
 */
@Command(name = "sleepy-daemon")
public final class SleepyDaemon extends DaemonCommand {

    @Override
    protected String module() {
        return "witness";
    }

    @Override
    protected void start(DaemonContext ctx) throws Exception {
        String tlsAddress = System.getProperty("sleepy.tls.address");
        if (tlsAddress != null) {
            ctx.clusterTls(java.net.InetAddress.getByName(tlsAddress));
        }
        long drainMs = Long.getLong("sleepy.drain.ms", 0);
        ctx.metricsServer().addHealthCheck("sleepy", () -> dev.sambasidecars.common.metrics.HealthCheck.Status.up(""));
        ctx.lifecycle().onStop("sleepy job", remaining -> {
            System.out.println("draining sleepy job for " + drainMs + " ms (bound " + remaining.toMillis() + " ms)");
            Thread.sleep(Duration.ofMillis(drainMs));
            System.out.println("sleepy job drained");
        });
    }

    public static void main(String[] args) {
        System.exit(DaemonCommand.run(new SleepyDaemon(), args));
    }
}
