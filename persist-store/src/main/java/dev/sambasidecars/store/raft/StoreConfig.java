package dev.sambasidecars.store.raft;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.ratis.grpc.GrpcTlsConfig;

/**
 * What a store node needs to run.
 *
 * @param name the store's name: part of every shard's Raft group id, so two stores never mix
 * @param thisNode this node's pnn
 * @param nodes every node's pnn and Raft (gRPC) address
 * @param shards how many shards the key space is cut into (fixed for the life of the store)
 * @param replicas replicas per shard (a write is durable on a majority of them)
 * @param directory where Raft logs and snapshots live
 * @param tls mutual TLS between nodes, or null for plaintext (tests on loopback only)
 * @param maxRecord the record size cap in bytes
 * @param writeTimeout how long a write may wait for its shard's majority before it fails as unavailable
 * @param batchMax how many updates one log entry carries at most (group commit)
 * @param inFlightMax how many log entries per shard this node has outstanding at once
 * @param snapshotEvery log entries between automatic snapshots
 * @param segmentBytes the size at which a log segment is closed and a new one begun (only closed
 *     segments are purged once a snapshot covers them)
 * @param pacing how a shard's writer spaces its entries and forwarded batches
 */
public record StoreConfig(String name, int thisNode, Map<Integer, InetSocketAddress> nodes, int shards, int replicas,
                          Path directory, GrpcTlsConfig tls, int maxRecord, Duration writeTimeout, int batchMax,
                          int inFlightMax, long snapshotEvery, long segmentBytes, Pacing pacing) {

    /** Log segments of 16 MiB. */
    public static final long SEGMENT_BYTES = 16L << 20;

    public StoreConfig(String name, int thisNode, Map<Integer, InetSocketAddress> nodes, int shards, int replicas,
                       Path directory, GrpcTlsConfig tls, int maxRecord, Duration writeTimeout, int batchMax,
                       int inFlightMax, long snapshotEvery) {
        this(name, thisNode, nodes, shards, replicas, directory, tls, maxRecord, writeTimeout, batchMax, inFlightMax,
                snapshotEvery, SEGMENT_BYTES, Pacing.NONE);
    }

    public StoreConfig(String name, int thisNode, Map<Integer, InetSocketAddress> nodes, int shards, int replicas,
                       Path directory, GrpcTlsConfig tls, int maxRecord, Duration writeTimeout, int batchMax,
                       int inFlightMax, long snapshotEvery, long segmentBytes) {
        this(name, thisNode, nodes, shards, replicas, directory, tls, maxRecord, writeTimeout, batchMax, inFlightMax,
                snapshotEvery, segmentBytes, Pacing.NONE);
    }

    public StoreConfig {
        nodes = Map.copyOf(nodes);
        if (!nodes.containsKey(thisNode)) {
            throw new IllegalArgumentException("node " + thisNode + " is not among the store's nodes " + nodes.keySet());
        }
        if (replicas < 1) {
            throw new IllegalArgumentException("replicas " + replicas);
        }
    }
}
