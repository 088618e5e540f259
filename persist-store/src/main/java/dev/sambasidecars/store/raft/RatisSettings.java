package dev.sambasidecars.store.raft;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.rpc.SupportedRpcType;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** How a store node sets up Ratis: its server, log, snapshot and client properties, and TLS. */
final class RatisSettings {

    /** The prefix of JVM system properties that set Ratis keys (see {@link #overrides}). */
    static final String OVERRIDE_PREFIX = "sidecars.raft.";
    private static final Logger LOG = LoggerFactory.getLogger(RatisSettings.class);

    private RatisSettings() {
    }

    static RaftProperties properties(StoreConfig config) {
        RaftProperties p = new RaftProperties();
        RaftConfigKeys.Rpc.setType(p, SupportedRpcType.GRPC);
        InetSocketAddress self = config.nodes().get(config.thisNode());
        GrpcConfigKeys.Server.setHost(p, self.getHostString());
        GrpcConfigKeys.Server.setPort(p, self.getPort());
        GrpcConfigKeys.setMessageSizeMax(p, SizeInBytes.valueOf("32MB"));
        RaftServerConfigKeys.setStorageDir(p, List.of(config.directory().toFile()));
        RaftServerConfigKeys.Read.setOption(p, RaftServerConfigKeys.Read.Option.LINEARIZABLE);
        RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(p, true);
        RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(p, config.snapshotEvery());
        RaftServerConfigKeys.Snapshot.setRetentionFileNum(p, 2);
        RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(p, true);
        // Purge the log once a snapshot covers it (by at least this many entries, at most Ratis's 1024).
        RaftServerConfigKeys.Log.setPurgeGap(p, (int) Math.max(1, Math.min(1024, config.snapshotEvery())));
        RaftServerConfigKeys.Log.setSegmentSizeMax(p, SizeInBytes.valueOf(config.segmentBytes()));
        // Ratis preallocates a segment by writing filler bytes, so that the fdatasync after each
        // entry flushes data only, not a new file size through the filesystem's journal; the
        // next fdatasync then flushes the filler too. Ratis's 4 MB at a time made one round in
        // every 4 MB of log wait for a 4 MB flush (about 4 ms on this machine's disk) and a
        // journal commit; the whole segment at once does that once per segment. Side by side on
        // three loopback stores (96 closed-loop clients, two series of three alternating pairs,
        // 150 s warm-up): p99 9.08 against 13.06 ms and 8.70 against 10.29 ms (medians), at
        // 25,014 against 23,855 and 27,349 against 26,736 writes/s; every warm run of the whole
        // segment stayed under 10 ms, every one of 4 MB did not. 256 KB at a time was no better.
        RaftServerConfigKeys.Log.setPreallocatedSize(p, SizeInBytes.valueOf(config.segmentBytes()));
        // A torn or corrupt tail of a segment is cut there; the leader sends the rest again.
        RaftServerConfigKeys.Log.setCorruptionPolicy(p, RaftServerConfigKeys.Log.CorruptionPolicy.WARN_AND_RETURN);
        // Ratis can append a metadata entry (the new commit index) each time the commit index
        // moves: a second replicated, fsync'd entry per round. Off, side by side on three loopback
        // stores (two alternating pairs of fresh clusters, 3 min warm-up each), they took 1.2-2.3x
        // the writes per second: 8,880 and 7,001 against 3,877 and 4,710/s with 64 clients,
        // 24,776 and 17,057 against 11,403 and 13,789/s with 512, with p99 at 64 clients of
        // 44-56 ms against 83-91 ms. Followers still learn the commit index at once: the leader's
        // appender sends to any follower whose commit index is behind its own (GrpcLogAppender),
        // and after a load stopped every replica's applied index equalled the leader's by the
        // time it was asked. A restarted leader re-derives it by committing an entry of its new
        // term, as Raft does.
        RaftServerConfigKeys.Log.setLogMetadataEnabled(p, false);
        RaftServerConfigKeys.Log.Appender.setInstallSnapshotEnabled(p, true);
        // Ratis backs off to 5 s between appends to a follower that failed 30 times, so a replica
        // restarted after a 20 s outage waited 5 s per round trip to catch up, and was unavailable
        // meanwhile. Half a second at most: a down peer costs one connection attempt per 500 ms.
        RaftServerConfigKeys.Log.Appender.setRetryPolicy(p, "1ms,10, 100ms,20, 500ms,100000000");
        RaftServerConfigKeys.Rpc.setTimeoutMin(p, TimeDuration.valueOf(1000, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setTimeoutMax(p, TimeDuration.valueOf(2000, TimeUnit.MILLISECONDS));
        RaftClientConfigKeys.Rpc.setRequestTimeout(p, TimeDuration.valueOf(config.writeTimeout().toMillis(), TimeUnit.MILLISECONDS));
        RaftClientConfigKeys.Async.setOutstandingRequestsMax(p, Math.max(100, config.inFlightMax() * 4));
        overrides(p, System.getProperties());
        return p;
    }

    /**
     * Sets every Ratis key named by a JVM system property {@value #OVERRIDE_PREFIX}KEY to its
     * value, after the store's own settings: for measuring a Ratis setting side by side (e.g.
     * {@code StoreLoopbackBenchmark --compare-java-opts=-Dsidecars.raft.raft.server.log.segment.cache.num.max=1}),
     * not a supported configuration. Each one is logged as a warning.
     */
    static void overrides(RaftProperties p, Properties system) {
        system.stringPropertyNames().stream().filter(k -> k.startsWith(OVERRIDE_PREFIX)).sorted().forEach(k -> {
            String key = k.substring(OVERRIDE_PREFIX.length());
            LOG.warn("Ratis setting {} = {} from the JVM's -D{} (an experiment, not a supported configuration)", key,
                    system.getProperty(k), k);
            p.set(key, system.getProperty(k));
        });
    }

    static Parameters parameters(StoreConfig config) {
        Parameters params = new Parameters();
        // Ratis's handlers on its server port hand their work on at once (appends, reads, client
        // and admin requests return futures; a vote's fsync and a snapshot chunk's write are rare
        // and short), so they run on the event loop that read them. Without this, every append a
        // follower received went through gRPC's executor first: one thread wake-up more per
        // append. Side by side on three loopback stores (three alternating pairs of runs through
        // the leader's node, 8 clients): 13.8-13.9 context switches per write against 14.6-14.9,
        // 2,218-2,604 against 1,830-2,123 writes/s.
        GrpcConfigKeys.Server.setServicesCustomizer(params, (builder, types) -> builder.directExecutor());
        if (config.tls() != null) {
            GrpcConfigKeys.Server.setTlsConf(params, config.tls());
            GrpcConfigKeys.Admin.setTlsConf(params, config.tls());
            GrpcConfigKeys.Client.setTlsConf(params, config.tls());
        }
        return params;
    }
}
