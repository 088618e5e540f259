package dev.sambasidecars.sidecarctl;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.sambasidecars.common.config.CommonOptions;
import dev.sambasidecars.common.config.ConfigException;
import dev.sambasidecars.common.cli.ConfigArgs;
import dev.sambasidecars.common.lifecycle.ExitCode;
import dev.sambasidecars.common.ipc.GrpcUnix;
import dev.sambasidecars.store.state.RecordCheck;
import dev.sambasidecars.store.v1.DeleteRequest;
import dev.sambasidecars.store.v1.FindReply;
import dev.sambasidecars.store.v1.GetReply;
import dev.sambasidecars.store.v1.GetRequest;
import dev.sambasidecars.store.v1.ListByNodeRequest;
import dev.sambasidecars.store.v1.PersistentOpen;
import dev.sambasidecars.store.v1.PutRequest;
import dev.sambasidecars.store.v1.Record;
import dev.sambasidecars.store.v1.ShardStat;
import dev.sambasidecars.store.v1.StatReply;
import dev.sambasidecars.store.v1.StatRequest;
import dev.sambasidecars.store.v1.Status;
import dev.sambasidecars.store.v1.StoreGrpc;
import dev.sambasidecars.store.v1.UpdateResult;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sidecarctl store …}: records of the persistent-handle store, through this node's persist-store. */
@Command(name = "store", mixinStandardHelpOptions = true,
        description = "Records of the replicated persistent-handle store: write, read and delete one, list a node's, "
                + "and see each shard's replicas, leader, log and snapshot.",
        subcommands = {StoreCommand.Put.class, StoreCommand.Get.class, StoreCommand.Delete.class,
            StoreCommand.ListCmd.class, StoreCommand.Stat.class})
final class StoreCommand extends Cli.Group {

    /** Configuration, the local daemon's socket, the way errors are told. */
    abstract static class Base implements Callable<Integer> {
        @Mixin
        ConfigArgs configArgs = new ConfigArgs();

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        abstract int run(StoreGrpc.StoreBlockingStub stub, PrintWriter out) throws IOException;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            ManagedChannel channel;
            try {
                channel = GrpcUnix.channel(configArgs.load().get(CommonOptions.COMMON, CommonOptions.SOCKET_DIRECTORY)
                        .resolve("persist-store.sock"));
            } catch (ConfigException e) {
                return Cli.configError(spec, e);
            }
            try {
                int rc = run(StoreGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS), out);
                out.flush();
                return rc;
            } catch (StatusRuntimeException e) {
                String why = e.getStatus().getDescription() != null ? e.getStatus().getDescription() : e.getStatus().toString();
                spec.commandLine().getErr().println("sidecarctl: persist-store: " + why);
                return ExitCode.FAILURE;
            } catch (IOException | IllegalArgumentException e) {
                spec.commandLine().getErr().println("sidecarctl: " + e.getMessage());
                return ExitCode.USAGE;
            } finally {
                channel.shutdownNow();
                try {
                    channel.awaitTermination(2, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        /** A key as typed: text, or {@code hex:…} for bytes. */
        static ByteString key(String k) {
            if (k.startsWith("hex:")) {
                return ByteString.copyFrom(HexFormat.of().parseHex(k.substring(4)));
            }
            return ByteString.copyFrom(k, StandardCharsets.UTF_8);
        }

        static int result(PrintWriter out, String verb, UpdateResult r) {
            if (r.getStatus() == Status.STATUS_OK) {
                out.println(r.getVersion() == 0 ? verb + ": done" : verb + ": version " + r.getVersion());
                return ExitCode.OK;
            }
            out.printf("%s refused: %s%s%s%n", verb, r.getStatus().name().substring(7),
                    r.getFoundVersion() != 0 ? " (current version " + r.getFoundVersion() + ")" : "",
                    r.getDetail().isEmpty() ? "" : ": " + r.getDetail());
            return r.getStatus() == Status.STATUS_INVALID_RECORD ? ExitCode.USAGE : ExitCode.FAILURE;
        }

        static String json(Record r) throws InvalidProtocolBufferException {
            PersistentOpen open = PersistentOpen.parseFrom(r.getValue());
            return "{\"key\":\"" + printable(r.getKey()) + "\",\"version\":" + r.getVersion() + ",\"shard\":" + r.getShard()
                    + ",\"crc32c\":\"" + String.format("%08x", r.getCrc32C()) + "\",\"open\":"
                    + JsonFormat.printer().omittingInsignificantWhitespace().print(open) + "}";
        }

        static String printable(ByteString key) {
            String s = key.toStringUtf8();
            return key.isValidUtf8() && s.chars().allMatch(c -> c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
                    ? s : "hex:" + HexFormat.of().formatHex(key.toByteArray());
        }
    }

    @Command(name = "put", mixinStandardHelpOptions = true,
            description = "Write one record: a PersistentOpen in protobuf JSON (field names as in open.proto).")
    static final class Put extends Base {
        @Parameters(index = "0", paramLabel = "KEY", description = "the record's key (text, or hex:BYTES)")
        String key;
        @Option(names = "--json", paramLabel = "JSON", description = "the open, e.g. '{\"persistentFileId\":\"7\",\"owningNode\":1}'")
        String json;
        @Option(names = "--file", paramLabel = "FILE", description = "read the open's JSON from FILE")
        Path file;
        @Option(names = "--expect-version", paramLabel = "V",
                description = "write only if the record is at version V (0: only if it does not exist)")
        Long expect;

        @Override
        int run(StoreGrpc.StoreBlockingStub stub, PrintWriter out) throws IOException {
            if ((json == null) == (file == null)) {
                throw new IllegalArgumentException("store put: give the open with exactly one of --json and --file");
            }
            PersistentOpen.Builder open = PersistentOpen.newBuilder();
            JsonFormat.parser().merge(json != null ? json : Files.readString(file), open);
            ByteString value = open.build().toByteString();
            int crc = RecordCheck.crc32c(value);
            UpdateResult r = expect == null
                    ? stub.put(PutRequest.newBuilder().setKey(key(key)).setValue(value).setCrc32C(crc).build())
                    : stub.compareAndSet(dev.sambasidecars.store.v1.CompareAndSetRequest.newBuilder().setKey(key(key))
                            .setExpectedVersion(expect).setValue(value).setCrc32C(crc).build());
            return result(out, "put", r);
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true,
            description = "Read one record (linearizable: never older than an acknowledged write), as JSON.")
    static final class Get extends Base {
        @Parameters(index = "0", paramLabel = "KEY", description = "the record's key (text, or hex:BYTES)")
        String key;

        @Override
        int run(StoreGrpc.StoreBlockingStub stub, PrintWriter out) throws IOException {
            GetReply r = stub.get(GetRequest.newBuilder().setKey(key(key)).build());
            if (!r.getFound()) {
                spec.commandLine().getErr().println("sidecarctl: no record " + key);
                return ExitCode.FAILURE;
            }
            out.println(json(r.getRecord()));
            return ExitCode.OK;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete one record.")
    static final class Delete extends Base {
        @Parameters(index = "0", paramLabel = "KEY", description = "the record's key (text, or hex:BYTES)")
        String key;
        @Option(names = "--expect-version", paramLabel = "V", description = "delete only if the record is at version V")
        long expect;

        @Override
        int run(StoreGrpc.StoreBlockingStub stub, PrintWriter out) {
            return result(out, "delete", stub.delete(DeleteRequest.newBuilder().setKey(key(key)).setExpectedVersion(expect).build()));
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Every open a node owns (what a failover has to reclaim), one JSON line each.")
    static final class ListCmd extends Base {
        @Option(names = "--node", paramLabel = "PNN", required = true, description = "the owning node")
        int node;

        @Override
        int run(StoreGrpc.StoreBlockingStub stub, PrintWriter out) throws IOException {
            FindReply r = stub.listByNode(ListByNodeRequest.newBuilder().setOwningNode(node).build());
            for (Record rec : r.getRecordsList()) {
                out.println(json(rec));
            }
            return ExitCode.OK;
        }
    }

    @Command(name = "stat", mixinStandardHelpOptions = true,
            description = "Each shard as this node sees it: replicas, leader, this node's role, records, indexes, log, snapshot.")
    static final class Stat extends Base {
        @Option(names = "--json", description = "one JSON document")
        boolean json;

        @Override
        int run(StoreGrpc.StoreBlockingStub stub, PrintWriter out) throws IOException {
            StatReply r = stub.stat(StatRequest.getDefaultInstance());
            if (json) {
                out.println(JsonFormat.printer().omittingInsignificantWhitespace().print(r));
                return ExitCode.OK;
            }
            out.printf("node %d%n", r.getThisNode());
            out.printf("%-5s %-9s %-7s %8s %10s %10s %10s %10s %9s  %s%n", "shard", "role", "leader", "records",
                    "applied", "committed", "snapshot", "log bytes", "snap age", "replicas");
            for (ShardStat s : r.getShardsList()) {
                out.printf("%-5d %-9s %-7s %8d %10d %10d %10d %10d %9s  %s%n", s.getShard(), s.getRole(),
                        s.getLeader().isEmpty() ? "-" : s.getLeader(), s.getRecords(), s.getAppliedIndex(),
                        s.getCommitIndex(), s.getSnapshotIndex(), s.getLogBytes(),
                        s.getSnapshotAgeMs() == 0 ? "-" : (s.getSnapshotAgeMs() / 1000) + "s",
                        String.join(",", s.getReplicasList()));
            }
            return ExitCode.OK;
        }
    }
}
