package dev.sambasidecars.store.daemon;

import dev.sambasidecars.common.config.ModuleOptions;
import dev.sambasidecars.common.config.Option;
import dev.sambasidecars.common.config.OptionTypes;
import dev.sambasidecars.common.config.OptionsProvider;
import dev.sambasidecars.store.state.RecordCheck;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** {@code sidecar persist-store:…} options. */
public final class StoreOptions implements OptionsProvider {

    public static final String MODULE = "persist-store";

    public static final Option<Integer> RAFT_PORT = Option.of("raft port", OptionTypes.integer(1, 65535), 49203,
            "TCP port, on the node's CTDB address, where the stores replicate to each other (Raft over gRPC, mutual TLS)");
    public static final Option<Integer> PEER_PORT = Option.of("peer port", OptionTypes.integer(1, 65535), 49204,
            "TCP port, on the node's CTDB address, where a shard's leader takes the writes other nodes forward to it "
                    + "(gRPC, mutual TLS), so that it commits them with its own in one log entry");
    public static final Option<List<String>> NODES = Option.of("nodes", OptionTypes.list(OptionTypes.string()), List.of(),
            "the nodes' addresses in pnn order, as in CTDB's nodes file (empty: ask ctdb-bridge)");
    public static final Option<Integer> PNN = Option.of("pnn", OptionTypes.integer(-1, 1023), -1,
            "this node's pnn among 'nodes' (-1: the entry that is one of this host's addresses)");
    public static final Option<Integer> SHARDS = Option.of("shards", OptionTypes.integer(1, 4096), 1,
            "shards (Raft groups) the keys are spread over, each led by one node; more spread the leaders' work over "
                    + "the nodes but cut every log entry's group commit into smaller ones (each shard has its own log, "
                    + "rounds and fsyncs): raise it only when one node's CPU limits the write rate; fixed once the store "
                    + "holds data");
    public static final Option<Integer> REPLICAS = Option.of("replicas", OptionTypes.integer(1, 9), 3,
            "replicas of each shard; a write is durable once a majority of them has it on disk");
    public static final Option<Path> DIRECTORY = Option.of("directory", OptionTypes.path(),
            Path.of("/var/lib/samba-sidecars/persist-store"), "where the Raft logs and snapshots are kept");
    public static final Option<String> NAME = Option.of("store name", OptionTypes.string(), "samba-sidecars",
            "name of the store, part of every shard's Raft group id (the same on every node)");
    public static final Option<Integer> MAX_RECORD = Option.of("max record size", OptionTypes.integer(256, 4 << 20),
            RecordCheck.DEFAULT_MAX_VALUE, "largest record accepted, in bytes");
    public static final Option<Duration> WRITE_TIMEOUT = Option.of("write timeout",
            OptionTypes.duration(Duration.ofMillis(100), Duration.ofMinutes(5)), Duration.ofSeconds(5),
            "how long an operation may wait for its shard's majority before it fails as unavailable");
    public static final Option<Integer> BATCH_MAX = Option.of("batch max", OptionTypes.integer(1, 65536), 512,
            "most updates one log entry carries (group commit)");
    public static final Option<Integer> IN_FLIGHT = Option.of("in flight", OptionTypes.integer(1, 1024), 1,
            "log entries per shard this node has outstanding at once");
    public static final Option<Integer> BATCH_LINGER = Option.of("batch linger", OptionTypes.integer(0, 20_000), 0,
            "microseconds a shard's leader holds its next log entry once one is answered, for the updates of that "
                    + "entry's callers to come back and join it (fewer, fuller entries: less CPU per write, at up to "
                    + "this much more latency for an update already waiting); 0 sends at once");
    public static final Option<Integer> BATCH_GAP = Option.of("batch gap", OptionTypes.integer(0, 20_000), 0,
            "least microseconds between two log entries (or batches forwarded to a shard's leader) a node sends for "
                    + "a shard; what arrives meanwhile goes out together (fewer, fuller entries and forwards: less CPU "
                    + "per write at a high rate, up to this much more latency); 0 sends as soon as the previous is out");
    public static final Option<Integer> SNAPSHOT_EVERY = Option.of("snapshot every", OptionTypes.integer(100, Integer.MAX_VALUE),
            100_000, "log entries between snapshots of a shard (the log before a snapshot is then dropped)");

    @Override
    public List<ModuleOptions> options() {
        return List.of(ModuleOptions.of(MODULE, List.of(RAFT_PORT, PEER_PORT, NODES, PNN, SHARDS, REPLICAS, DIRECTORY, NAME,
                MAX_RECORD, WRITE_TIMEOUT, BATCH_MAX, BATCH_LINGER, BATCH_GAP, IN_FLIGHT, SNAPSHOT_EVERY)));
    }
}
