package dev.sambasidecars.sidecarctl;

import dev.sambasidecars.common.cli.ConfigArgs;
import dev.sambasidecars.common.config.CommonOptions;
import dev.sambasidecars.common.config.ConfigException;
import dev.sambasidecars.common.ipc.GrpcUnix;
import dev.sambasidecars.common.lifecycle.ExitCode;
import dev.sambasidecars.witness.api.v1.ActionResponse;
import dev.sambasidecars.witness.api.v1.DrainRequest;
import dev.sambasidecars.witness.api.v1.DrainStatus;
import dev.sambasidecars.witness.api.v1.Filter;
import dev.sambasidecars.witness.api.v1.ForceResponseRequest;
import dev.sambasidecars.witness.api.v1.ForceUnregisterRequest;
import dev.sambasidecars.witness.api.v1.ForcedAddress;
import dev.sambasidecars.witness.api.v1.ForcedMessage;
import dev.sambasidecars.witness.api.v1.ListRequest;
import dev.sambasidecars.witness.api.v1.ListResponse;
import dev.sambasidecars.witness.api.v1.MoveRequest;
import dev.sambasidecars.witness.api.v1.NodeResult;
import dev.sambasidecars.witness.api.v1.Registration;
import dev.sambasidecars.witness.api.v1.WitnessAdminGrpc;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sidecarctl witness …}: the Witness service's registrations, cluster-wide. */
@Command(name = "witness", mixinStandardHelpOptions = true,
        description = "The Witness service's registrations on every node: list them, move clients and shares, "
                + "end registrations, send responses, drain a node before maintenance.",
        subcommands = {WitnessCommand.ListCmd.class, WitnessCommand.ClientMove.class, WitnessCommand.ShareMove.class,
            WitnessCommand.ForceUnregister.class, WitnessCommand.ForceResponse.class, WitnessCommand.Drain.class})
final class WitnessCommand extends Cli.Group {

    /** Which registrations: Samba's net witness filters. */
    static final class Filters {
        @Option(names = "--id", description = "one registration, by its id (the context handle's GUID)")
        String id = "";
        @Option(names = "--net-name", paramLabel = "REGEX", description = "net name matches (case-insensitive, anywhere)")
        String netName = "";
        @Option(names = "--share", paramLabel = "REGEX", description = "share name matches (no share matches as \"\")")
        String share = "";
        @Option(names = "--ip", paramLabel = "REGEX", description = "registered IP address matches")
        String ip = "";
        @Option(names = "--client", paramLabel = "REGEX", description = "client computer name matches")
        String client = "";
        @Option(names = "--all", description = "every registration (needed when no other filter is given)")
        boolean all;

        Filter proto() {
            return Filter.newBuilder().setRegistrationId(id).setNetName(netName).setShareName(share).setIp(ip)
                    .setClientName(client).setAll(all).build();
        }
    }

    /** What every witness subcommand shares: configuration, the local daemon's socket, --local. */
    abstract static class Base implements Callable<Integer> {
        @Mixin
        ConfigArgs configArgs = new ConfigArgs();

        @Option(names = "--local", description = "only this node's witness daemon, not the whole cluster")
        boolean local;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        abstract int run(WitnessAdminGrpc.WitnessAdminBlockingStub stub, PrintWriter out);

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            ManagedChannel channel;
            try {
                channel = GrpcUnix.channel(configArgs.load().get(CommonOptions.COMMON, CommonOptions.SOCKET_DIRECTORY)
                        .resolve("witness.sock"));
            } catch (ConfigException e) {
                return Cli.configError(spec, e);
            }
            try {
                int rc = run(WitnessAdminGrpc.newBlockingStub(channel), out);
                out.flush();
                return rc;
            } catch (StatusRuntimeException e) {
                String why = e.getStatus().getDescription() != null ? e.getStatus().getDescription() : e.getStatus().toString();
                spec.commandLine().getErr().println("sidecarctl: witness-daemon: " + why);
                return e.getStatus().getCode() == io.grpc.Status.Code.INVALID_ARGUMENT ? ExitCode.USAGE : ExitCode.FAILURE;
            } finally {
                channel.shutdownNow();
                try {
                    channel.awaitTermination(2, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        /** Prints per-node results; nonzero when a node could not be asked. */
        static int report(PrintWriter out, String verb, ActionResponse r) {
            out.printf("%s %d registration(s)%n", verb, r.getAffected());
            return nodes(out, r.getNodesList());
        }

        static int nodes(PrintWriter out, List<NodeResult> nodes) {
            int rc = ExitCode.OK;
            for (NodeResult n : nodes) {
                if (!n.getError().isEmpty()) {
                    out.printf("  node %d: NOT ASKED: %s%n", n.getPnn(), n.getError());
                    rc = ExitCode.FAILURE;
                }
            }
            return rc;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists registrations (all without a filter).")
    static final class ListCmd extends Base {
        @ArgGroup(exclusive = false)
        Filters filters = new Filters();

        @Option(names = "--json", description = "one JSON object per registration, one per line")
        boolean json;

        @Override
        int run(WitnessAdminGrpc.WitnessAdminBlockingStub stub, PrintWriter out) {
            ListResponse r = stub.list(ListRequest.newBuilder().setFilter(filters.proto()).setCluster(!local).build());
            if (json) {
                r.getRegistrationsList().forEach(reg -> out.println(ClusterCommand.json(reg)));
                return nodes(out, r.getNodesList());
            }
            out.printf("%-36s %-4s %-3s %-15s %-12s %-39s %-16s %s%n", "REGISTRATION", "NODE", "VER", "NET NAME", "SHARE",
                    "IP", "CLIENT", "SINCE");
            for (Registration g : r.getRegistrationsList()) {
                out.printf("%-36s %-4d %-3s %-15s %-12s %-39s %-16s %s%n", g.getId(), g.getWitnessPnn(),
                        g.getVersion() == 0x00020000 ? "2" : "1", g.getNetName(),
                        g.getShareName().isEmpty() ? "-" : g.getShareName(), g.getIp(), g.getClientName(),
                        Instant.ofEpochSecond(0, g.getRegisteredUnixNanos()));
            }
            out.printf("%d registration(s)%n", r.getRegistrationsCount());
            return nodes(out, r.getNodesList());
        }
    }

    /** Where a move sends clients. */
    static final class Target {
        @Option(names = "--to-node", paramLabel = "PNN", required = true, description = "the public IPs node PNN serves now")
        Integer node;
        @Option(names = "--to-ip", paramLabel = "IP", required = true, description = "one address")
        String ip;
    }

    abstract static class Move extends Base {
        @ArgGroup(exclusive = false, multiplicity = "1")
        Filters filters = new Filters();

        @ArgGroup(exclusive = true, multiplicity = "1")
        Target target;

        MoveRequest request() {
            MoveRequest.Builder b = MoveRequest.newBuilder().setFilter(filters.proto()).setCluster(!local);
            return target.node != null ? b.setNode(target.node).build() : b.setIp(target.ip).build();
        }
    }

    @Command(name = "client-move", mixinStandardHelpOptions = true,
            description = "Tells the clients (their pending or next AsyncNotify) to move to other addresses: CLIENT_MOVE.")
    static final class ClientMove extends Move {
        @Override
        int run(WitnessAdminGrpc.WitnessAdminBlockingStub stub, PrintWriter out) {
            return report(out, "told to move:", stub.clientMove(request()));
        }
    }

    @Command(name = "share-move", mixinStandardHelpOptions = true,
            description = "Tells clients registered for a share to use other addresses for it: SHARE_MOVE.")
    static final class ShareMove extends Move {
        @Override
        int run(WitnessAdminGrpc.WitnessAdminBlockingStub stub, PrintWriter out) {
            return report(out, "told to move the share:", stub.shareMove(request()));
        }
    }

    @Command(name = "force-unregister", mixinStandardHelpOptions = true,
            description = "Ends registrations; a pending AsyncNotify returns NOT_FOUND and the client registers again.")
    static final class ForceUnregister extends Base {
        @ArgGroup(exclusive = false, multiplicity = "1")
        Filters filters = new Filters();

        @Override
        int run(WitnessAdminGrpc.WitnessAdminBlockingStub stub, PrintWriter out) {
            return report(out, "ended", stub.forceUnregister(ForceUnregisterRequest.newBuilder()
                    .setFilter(filters.proto()).setCluster(!local).build()));
        }
    }

    @Command(name = "force-response", mixinStandardHelpOptions = true,
            description = "Sends an AsyncNotify response of your making (for tests): RESOURCE_CHANGE messages with "
                    + "--resource, or an address list of --type 2/3/4 with --address; nothing: an empty response.")
    static final class ForceResponse extends Base {
        @ArgGroup(exclusive = false, multiplicity = "1")
        Filters filters = new Filters();

        @Option(names = "--status", description = "the WERROR the call returns (default 0)")
        int status;
        @Option(names = "--type", description = "1 resource change, 2 client move, 3 share move, 4 IP change")
        int type;
        @Option(names = "--resource", paramLabel = "NAME=CHANGE", description = "a RESOURCE_CHANGE: CHANGE is 0, 1 or 255")
        List<String> resources = List.of();
        @Option(names = "--address", paramLabel = "IP[=FLAGS]", description = "an address of the list (FLAGS default: online)")
        List<String> addresses = List.of();

        @Override
        int run(WitnessAdminGrpc.WitnessAdminBlockingStub stub, PrintWriter out) {
            ForceResponseRequest.Builder b = ForceResponseRequest.newBuilder().setFilter(filters.proto())
                    .setStatus(status).setCluster(!local);
            if (!resources.isEmpty()) {
                b.setType(1);
                for (String r : resources) {
                    int eq = r.lastIndexOf('=');
                    b.addMessages(ForcedMessage.newBuilder().setName(eq < 0 ? r : r.substring(0, eq))
                            .setChangeType(eq < 0 ? 255 : Integer.parseInt(r.substring(eq + 1))));
                }
            } else if (!addresses.isEmpty()) {
                b.setType(type == 0 ? 2 : type);
                ForcedMessage.Builder m = ForcedMessage.newBuilder();
                for (String a : addresses) {
                    int eq = a.lastIndexOf('=');
                    m.addAddresses(ForcedAddress.newBuilder().setIp(eq < 0 ? a : a.substring(0, eq))
                            .setFlags(eq < 0 ? 0 : Integer.decode(a.substring(eq + 1))));
                }
                b.addMessages(m);
            }
            return report(out, "sent to", stub.forceResponse(b.build()));
        }
    }

    @Command(name = "drain", mixinStandardHelpOptions = true,
            description = "Before maintenance of a node: tells every client registered (on any node) to an address "
                    + "that node serves to move to the other nodes' addresses, then reports until none is left.")
    static final class Drain extends Base {
        @Option(names = "--node", required = true, paramLabel = "PNN", description = "the node to drain")
        int node;
        @Option(names = "--timeout", paramLabel = "SECONDS", description = "stop waiting after this long (default 60)")
        int timeout = 60;

        @Override
        int run(WitnessAdminGrpc.WitnessAdminBlockingStub stub, PrintWriter out) {
            Iterator<DrainStatus> it = stub.drain(DrainRequest.newBuilder().setNode(node).setTimeoutSeconds(timeout).build());
            DrainStatus last = null;
            while (it.hasNext()) {
                last = it.next();
                out.printf("moved %d, still on node %d: %d%n", last.getMoved(), node, last.getRemaining());
                out.flush();
            }
            if (last == null || last.getRemaining() > 0) {
                out.printf("node %d is NOT drained%n", node);
                return ExitCode.FAILURE;
            }
            out.printf("node %d is drained: no client is registered to its addresses%n", node);
            return nodes(out, last.getNodesList());
        }
    }
}
