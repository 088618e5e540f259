package dev.sambasidecars.sidecarctl;

import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import dev.sambasidecars.common.cli.ConfigArgs;
import dev.sambasidecars.common.config.CommonOptions;
import dev.sambasidecars.common.config.ConfigException;
import dev.sambasidecars.common.lifecycle.ExitCode;
import dev.sambasidecars.ctdb.api.BridgeClient;
import dev.sambasidecars.ctdb.api.v1.ClusterEvent;
import dev.sambasidecars.ctdb.api.v1.ClusterSnapshot;
import dev.sambasidecars.ctdb.api.v1.ClusterUpdate;
import dev.sambasidecars.ctdb.api.v1.Node;
import dev.sambasidecars.ctdb.api.v1.PublicIp;
import io.grpc.StatusRuntimeException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sidecarctl cluster …}: the cluster as ctdb-bridge sees it. */
@Command(name = "cluster", mixinStandardHelpOptions = true, description = "The cluster as ctdb-bridge sees it.",
        subcommands = {ClusterCommand.Status.class, ClusterCommand.Watch.class})
final class ClusterCommand extends Cli.Group {

    static String json(MessageOrBuilder m) {
        try {
            return JsonFormat.printer().omittingInsignificantWhitespace().print(m);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
    }

    static Path socket(ConfigArgs args) throws ConfigException {
        return args.load().get(CommonOptions.COMMON, CommonOptions.SOCKET_DIRECTORY).resolve(BridgeClient.SOCKET_NAME);
    }

    static String state(Node n) {
        List<String> s = new ArrayList<>();
        if (!n.getConnected()) {
            s.add("DISCONNECTED");
        }
        if (n.getBanned()) {
            s.add("BANNED");
        }
        if (n.getDisabled()) {
            s.add("DISABLED");
        }
        if (n.getUnhealthy()) {
            s.add("UNHEALTHY");
        }
        if (n.getStopped()) {
            s.add("STOPPED");
        }
        if (n.getDeleted()) {
            s.add("DELETED");
        }
        return (s.isEmpty() ? "OK" : String.join("|", s)) + (n.getThisNode() ? " (this node)" : "");
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Prints ctdb-bridge's snapshot: nodes with their flags, public IPs with their owners.")
    static final class Status implements Callable<Integer> {
        @Mixin
        ConfigArgs configArgs = new ConfigArgs();

        @Option(names = "--json", description = "the snapshot as one JSON object")
        boolean json;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try (BridgeClient client = BridgeClient.connect(socket(configArgs))) {
                ClusterSnapshot s = client.snapshot(Duration.ofSeconds(5));
                if (json) {
                    out.println(json(s));
                } else {
                    print(out, s);
                }
                out.flush();
                return ExitCode.OK;
            } catch (ConfigException e) {
                return Cli.configError(spec, e);
            } catch (StatusRuntimeException e) {
                spec.commandLine().getErr().println("sidecarctl: ctdb-bridge does not answer: " + e.getStatus());
                return ExitCode.FAILURE;
            }
        }

        private static void print(PrintWriter out, ClusterSnapshot s) {
            out.printf("ctdbd %s, this node pnn %d, runstate %s, recovery %s, sequence %d%n",
                    s.getCtdbConnected() ? "connected" : "NOT CONNECTED (last known state)", s.getThisPnn(),
                    s.getRunstate(), s.getRecoveryActive() ? "active" : "normal", s.getSequence());
            out.printf("%nPNN  %-40s STATE%n", "ADDRESS");
            for (Node n : s.getNodesList()) {
                out.printf("%-4d %-40s %s%n", n.getPnn(), n.getAddress(), state(n));
            }
            out.printf("%n%-44s OWNER  INTERFACES%n", "PUBLIC IP");
            for (PublicIp ip : s.getPublicIpsList()) {
                String addr = ip.getAddress() + (ip.getPrefixBits() > 0 ? "/" + ip.getPrefixBits() : "");
                out.printf("%-44s %-6s %s%n", addr, ip.getOwner() < 0 ? "-" : Integer.toString(ip.getOwner()),
                        String.join(",", ip.getInterfacesList()));
            }
        }
    }

    @Command(name = "watch", mixinStandardHelpOptions = true,
            description = "Prints ctdb-bridge's snapshot, then every cluster event as it happens, until interrupted.")
    static final class Watch implements Callable<Integer> {
        @Mixin
        ConfigArgs configArgs = new ConfigArgs();

        @Option(names = "--json", description = "one JSON object per line: the snapshot, then one per event")
        boolean json;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws InterruptedException {
            PrintWriter out = spec.commandLine().getOut();
            Path socket;
            try {
                socket = socket(configArgs);
            } catch (ConfigException e) {
                return Cli.configError(spec, e);
            }
            CountDownLatch forever = new CountDownLatch(1);
            try (BridgeClient client = BridgeClient.connect(socket);
                 BridgeClient.Watch w = client.watch(new BridgeClient.Listener() {
                     @Override
                     public void onUpdate(ClusterUpdate update, dev.sambasidecars.ctdb.api.ClusterView view) {
                         out.println(json ? json(update) : human(update));
                         out.flush();
                     }

                     @Override
                     public void onDisconnected(String why) {
                         spec.commandLine().getErr().println("sidecarctl: watch interrupted (" + why + "); reconnecting");
                     }
                 })) {
                forever.await();
            }
            return ExitCode.OK;
        }

        private static String human(ClusterUpdate u) {
            if (u.hasSnapshot()) {
                ClusterSnapshot s = u.getSnapshot();
                return (u.getResync() ? "resync: " : "snapshot: ") + "sequence " + s.getSequence() + ", "
                        + s.getNodesCount() + " nodes, " + s.getPublicIpsCount() + " public IPs, ctdbd "
                        + (s.getCtdbConnected() ? "connected" : "not connected");
            }
            ClusterEvent e = u.getEvent();
            String what = switch (e.getChangeCase()) {
                case NODE_CHANGED -> "node " + e.getNodeChanged().getPnn() + ": "
                        + (e.getNodeChanged().hasPrevious() ? state(e.getNodeChanged().getPrevious()) : "new") + " -> "
                        + (e.getNodeChanged().hasNode() ? state(e.getNodeChanged().getNode()) : "removed");
                case IP_CHANGED -> "ip " + e.getIpChanged().getAddress() + ": " + owner(e.getIpChanged().getPreviousOwner())
                        + " -> " + (e.getIpChanged().getRemoved() ? "removed" : owner(e.getIpChanged().getOwner()));
                case CONNECTION_CHANGED -> "ctdbd " + (e.getConnectionChanged().getConnected() ? "connected" : "lost")
                        + " (" + e.getConnectionChanged().getDetail() + ")";
                case RECOVERY_CHANGED -> "recovery " + (e.getRecoveryChanged().getRecoveryActive() ? "active" : "normal")
                        + ", runstate " + e.getRecoveryChanged().getRunstate();
                case CHANGE_NOT_SET -> "empty";
            };
            Instant at = Instant.ofEpochSecond(0, e.getTimestampUnixNanos());
            return "#" + e.getSequence() + " " + at + " " + what + "  [" + e.getTrigger().name().replace("TRIGGER_", "")
                    + ": " + e.getTriggerDetail() + "]";
        }

        private static String owner(int pnn) {
            return pnn < 0 ? "no node" : "node " + pnn;
        }
    }
}
