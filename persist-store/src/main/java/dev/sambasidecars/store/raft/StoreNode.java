package dev.sambasidecars.store.raft;

import com.google.protobuf.ByteString;
import dev.sambasidecars.store.shard.Shards;
import dev.sambasidecars.store.state.RecordCheck;
import dev.sambasidecars.store.state.StoreState;
import dev.sambasidecars.store.v1.Batch;
import dev.sambasidecars.store.v1.BatchResult;
import dev.sambasidecars.store.v1.Command;
import dev.sambasidecars.store.v1.Expire;
import dev.sambasidecars.store.v1.Query;
import dev.sambasidecars.store.v1.Update;
import dev.sambasidecars.store.v1.UpdateResult;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.GroupManagementRequest;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.storage.RaftStorage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node of the store: a Ratis server hosting the replicas this node holds (one Raft group per
 * shard, several groups per server), and a client per shard through which this node's callers
 * write (group-committed, see {@link ShardWriter}) and read (linearizable, read index).
 */
public final class StoreNode implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StoreNode.class);

    private final StoreConfig config;
    private final Shards shards;
    private final RecordCheck check;
    private final RaftServer server;
    private final Map<RaftGroupId, Integer> shardOfGroup = new HashMap<>();
    private final Map<Integer, ShardStateMachine> machines = new ConcurrentHashMap<>();
    private final List<RaftGroup> groups = new ArrayList<>();
    private final ShardClients clients;
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("store-expiry").factory());
    private final AtomicLong expired = new AtomicLong();
    private final ClientId localClient = ClientId.randomId();
    private final AtomicLong localCalls = new AtomicLong();
    private int quarantined;
    private final ShardPlacement placement;
    private int corruptSegments;
    private final RaftProperties props;
    private final Parameters params;
    private final Deadlines deadlines;
    private final ShardWrites writes;

    private StoreNode(StoreConfig config) throws IOException {
        this.config = config;
        this.placement = new ShardPlacement(this, config, timers);
        this.shards = new Shards(config.shards());
        this.check = new RecordCheck(config.maxRecord());
        RaftProperties props = RatisSettings.properties(config);
        Parameters params = RatisSettings.parameters(config);
        List<Integer> pnns = config.nodes().keySet().stream().sorted().toList();
        for (int s = 0; s < config.shards(); s++) {
            RaftGroupId gid = RaftGroupId.valueOf(Shards.groupId(config.name(), s));
            shardOfGroup.put(gid, s);
            List<Integer> placed = Shards.place(s, pnns, config.replicas());
            // One replica gets the higher priority and Ratis hands it the leadership once it is up
            // to date: shard s prefers the s-th node when it holds a replica (leaders round-robin
            // over the nodes), else the first-placed replica.
            int leader = ShardPlacement.preferredLeader(s, pnns, placed, Set.copyOf(pnns));
            List<RaftPeer> peers = placed.stream().map(p -> peer(p, p == leader ? 1 : 0)).toList();
            groups.add(RaftGroup.valueOf(gid, peers));
        }
        server = RaftServer.newBuilder()
                .setServerId(peerId(config.thisNode()))
                .setProperties(props)
                .setParameters(params)
                .setStateMachineRegistry(gid -> {
                    Integer shard = shardOfGroup.get(gid);
                    if (shard == null) {
                        throw new IllegalArgumentException("group " + gid + " in " + config.directory()
                                + " is none of the " + config.shards() + " shards of store '" + config.name()
                                + "': the data was written with another 'shards' (or 'store name'), which is fixed "
                                + "once the store holds data; set it back");
                    }
                    return machines.computeIfAbsent(shard, s -> new ShardStateMachine(new StoreState(s, shards, check)));
                })
                .setOption(RaftStorage.StartupOption.RECOVER)
                .build();
        this.props = props;
        this.params = params;
        this.clients = new ShardClients(this, config, props, params);
        this.deadlines = new Deadlines(config.writeTimeout(), Duration.ofMillis(20), timers);
        this.writes = new ShardWrites(this, config, clients, deadlines);
    }

    /**
     * A client per shard, addressed to the shard's members as this node's replica last knew
     * them from its log (a group it holds no replica of: as placed from the node list).
     */
    private void connectClients() {
        for (int s = 0; s < groups.size(); s++) {
            RaftServer.Division d = division(s);
            if (d != null && !d.getGroup().getPeers().isEmpty()) {
                groups.set(s, d.getGroup());
            }
            clients.add(groups.get(s));
            writes.addShard(timers);
        }
    }

    /**
     * The shard's members as this node knows them now: from its replica's log, or, where it
     * holds no replica, as placed over the current node list.
     */
    RaftGroup knownMembers(int shard) {
        RaftGroup g = group(shard);
        if (division(shard) == null) {
            List<Integer> pnns = placement.nodes();
            g = RaftGroup.valueOf(g.getGroupId(), Shards.place(shard, pnns, Math.min(config.replicas(), pnns.size()))
                    .stream().map(p -> peer(p, 0)).toList());
        }
        return g;
    }

    /** Starts the Ratis server and joins (or, on a first start, creates) this node's replicas. */
    public static StoreNode start(StoreConfig config) throws IOException {
        List<Path> corrupt = ReplicaRecovery.checkLogs(config);
        List<Path> setAside = new ArrayList<>();
        for (Path replica : corrupt) {
            setAside.add(replica);
            LOG.error("store {} node {}: the replica in {} is set aside in {} and rebuilt from its peers", config.name(),
                    config.thisNode(), replica, ReplicaRecovery.quarantine(config, replica));
        }
        StoreNode node;
        while (true) {
            node = new StoreNode(config);
            try {
                node.server.start();
                break;
            } catch (IOException | RuntimeException e) {
                Path bad = ReplicaRecovery.replicaNamedIn(config, node.shardOfGroup.keySet(), e);
                try {
                    node.server.close();
                } catch (IOException | RuntimeException closing) {
                    e.addSuppressed(closing);
                }
                if (bad == null || setAside.contains(bad)) {
                    throw e;
                }
                setAside.add(bad);
                Path to = ReplicaRecovery.quarantine(config, bad);
                LOG.error("store {} node {}: the replica in {} cannot be loaded ({}); it is set aside in {} and "
                        + "rebuilt from its peers", config.name(), config.thisNode(), bad, ReplicaRecovery.rootCause(e), to);
            }
        }
        node.quarantined = setAside.size();
        node.corruptSegments = corrupt.size();
        Set<RaftGroupId> existing = new HashSet<>();
        node.server.getGroupIds().forEach(existing::add);
        RaftPeerId me = peerId(config.thisNode());
        Set<RaftGroupId> running = null;
        for (RaftGroup g : node.groups) {
            if (g.getPeer(me) != null && !existing.contains(g.getGroupId())) {
                if (running == null) {
                    running = node.shardsRunningElsewhere();
                }
                RaftGroup create = g;
                if (running.contains(g.getGroupId())) {
                    // The shard already has a history on other nodes: this node is new, or lost its
                    // replica. Created with the placed members, it would stand for election with an
                    // empty log and be shut down by the leader; it joins empty for the leader to add.
                    LOG.info("shard {}: already running on other nodes; joining for its leader to add this node",
                            node.shardOfGroup.get(g.getGroupId()));
                    create = RaftGroup.valueOf(g.getGroupId());
                }
                RaftClientReply r = node.server.groupManagement(GroupManagementRequest.newAdd(
                        ClientId.randomId(), me, 0, create));
                if (!r.isSuccess()) {
                    throw new IOException("cannot create replica of " + g.getGroupId() + ": " + r.getException());
                }
            }
        }
        node.connectClients();
        Periodic.every(node.timers, 1, TimeUnit.SECONDS, "expiry sweep", node::expireDue);
        node.placement.schedule();
        LOG.info("store {} node {}: {} shards, {} replicas each, {} held here", config.name(), config.thisNode(),
                config.shards(), config.replicas(), node.localShards().size());
        return node;
    }

    /** Whether another node leads the shard without this node's replica (see {@link RunningShards#removedFrom}). */
    boolean leftOutOf(int shard) {
        List<RaftPeer> others = placement.nodes().stream().filter(p -> p != config.thisNode())
                .map(p -> peer(p, 0)).toList();
        return RunningShards.removedFrom(props, params, others, groups.get(shard).getGroupId(), peerId(config.thisNode()));
    }

    /**
     * How far the replica of {@code shard} on node {@code leader} has committed, where it answers
     * within a second as the shard's leader; -1 where it does not (see {@link RunningShards#committedByLeader}).
     */
    long committedByLeader(int shard, RaftPeerId leader) {
        return RunningShards.committedByLeader(props, params, peer(pnnOf(leader), 0), groups.get(shard).getGroupId());
    }

    /** The clients through which this node writes to every shard. */
    ShardClients clients() {
        return clients;
    }

    /** The shards another node already runs (see {@link RunningShards#probe}). */
    private Set<RaftGroupId> shardsRunningElsewhere() {
        List<RaftPeer> others = config.nodes().keySet().stream().filter(p -> p != config.thisNode()).sorted()
                .map(p -> peer(p, 0)).toList();
        return RunningShards.probe(props, params, others, groups.get(0).getGroupId(), shardOfGroup.keySet());
    }

    /**
     * The node's write timeout: every future bound to it fails with a TimeoutException once it
     * has waited {@code write timeout}. One sweep on the node's timer thread serves all of them,
     * the node's own writes and those it forwards to another node alike.
     */
    public Deadlines deadlines() {
        return deadlines;
    }

    /** Replicas found with a corrupt log segment at this start (each logged, naming the file and the byte). */
    public int corruptSegments() {
        return corruptSegments;
    }

    /** Replicas found unloadable at this start, set aside and rebuilt from the peers. */
    public int quarantined() {
        return quarantined;
    }

    static RaftPeerId peerId(int pnn) {
        return RaftPeerId.valueOf("n" + pnn);
    }

    RaftPeer peer(int pnn, int priority) {
        InetSocketAddress a = placement.address(pnn);
        return RaftPeer.newBuilder().setId(peerId(pnn)).setAddress(a.getHostString() + ":" + a.getPort())
                .setPriority(priority).build();
    }

    /**
     * Sends a batch of one shard's updates to the node leading the shard, which commits them with
     * its own (one log entry for every node's writes): completes with the batch's results, or
     * with null when that node does not lead the shard after all (it appended nothing). Calls
     * {@code queued} as soon as the leading node has put the batch in its queue, ahead of the
     * results (never, where that node does not say so): this node's next batch for the shard
     * then goes out at once and joins the leader's next entry, instead of one entry later.
     */
    public interface Forwarder {
        CompletableFuture<BatchResult> forward(int leader, int shard, Batch batch, Runnable queued);
    }

    /** Where batches for shards led elsewhere go; without one they go through the shard's Raft client. */
    public void forwarder(Forwarder f) {
        writes.forwarder(f);
    }

    /**
     * A batch another node forwarded: its updates join this node's queue for the shard, and the
     * future completes with their results. Null, and nothing queued, when this node does not lead
     * the shard.
     */
    public CompletableFuture<BatchResult> acceptForwarded(int shard, Batch batch) {
        return writes.acceptForwarded(shard, batch);
    }

    /** Where this node's shard writers report their group commit (entries, waits, rounds). */
    public void observer(GroupCommitObserver o) {
        writes.observer(o);
    }

    /** Updates this node sent on to the shard's leader node. */
    public long forwarded() {
        return writes.forwarded();
    }

    public Shards shards() {
        return shards;
    }

    public RecordCheck check() {
        return check;
    }

    public StoreConfig config() {
        return config;
    }

    /** Commits one update (all its keys in one shard) once a majority of the shard's replicas has it. */
    public CompletableFuture<UpdateResult> update(int shard, Update update) {
        return writes.update(shard, update);
    }

    /** Answers a query on one shard after a read index: never older than any acknowledged write. */
    public CompletableFuture<ByteString> query(int shard, Query query) {
        Message m = Message.valueOf(query.toByteString().asReadOnlyByteBuffer());
        return writes.bounded(shard, clients.read(shard, m, System.nanoTime() + config.writeTimeout().toNanos()));
    }

    /** The shards this node holds a replica of. */
    public List<Integer> localShards() {
        List<Integer> out = new ArrayList<>();
        for (int s = 0; s < groups.size(); s++) {
            if (division(s) != null) {
                out.add(s);
            }
        }
        return out;
    }

    /** A shard's group: as this node's replica knows it, else as first placed. */
    public RaftGroup group(int shard) {
        RaftServer.Division d = division(shard);
        return d != null && !d.getGroup().getPeers().isEmpty() ? d.getGroup() : groups.get(shard);
    }

    /** This node's replica of a shard, or null when it holds none. */
    public RaftServer.Division division(int shard) {
        try {
            return server.getDivision(groups.get(shard).getGroupId());
        } catch (IOException e) {
            return null;
        }
    }

    public ShardStateMachine machine(int shard) {
        return machines.get(shard);
    }

    /** Bytes of Raft log this node keeps for a shard. */
    public long logBytes(int shard) {
        RaftServer.Division d = division(shard);
        if (d == null) {
            return 0;
        }
        File current = d.getRaftStorage().getStorageDir().getCurrentDir();
        try (Stream<Path> files = Files.list(current.toPath())) {
            return files.filter(f -> f.getFileName().toString().startsWith("log_")).mapToLong(f -> f.toFile().length()).sum();
        } catch (IOException e) {
            return 0;
        }
    }

    /** Updates waiting in this node's shard writers for their next log entry. */
    public int queued() {
        return writes.queued();
    }

    public long expired() {
        return expired.get();
    }

    /** Where leaders and replicas go as the cluster changes (see {@link ShardPlacement}). */
    public void fitToLead(Set<Integer> pnns) {
        placement.fitToLead(pnns);
    }

    /** The cluster's nodes now (pnn to Raft address): see {@link ShardPlacement#members(Map)}. */
    public void members(Map<Integer, InetSocketAddress> now) {
        placement.members(now);
    }

    /** Leaderships this node handed to a shard's preferred leader (see {@link ShardPlacement}). */
    public long leadershipMoves() {
        return placement.leadershipMoves();
    }

    /** Times a replica here found its log stalled behind its leader's commit and wrote an empty entry (see {@link StalledReplicas}). */
    public long stuckFollowers() {
        return placement.stuckFollowers();
    }

    /** Shard membership changes this node committed as a shard's leader. */
    public long replicaMoves() {
        return placement.replicaMoves();
    }

    RaftServer server() {
        return server;
    }

    /** A request this node makes of its own Raft server (configuration, group management). */
    long nextCallId() {
        return localCalls.incrementAndGet();
    }

    ClientId localClient() {
        return localClient;
    }

    /** Forgets a shard's state machine once its replica is dropped here. */
    void forget(int shard) {
        machines.remove(shard);
    }

    static int pnnOf(RaftPeerId id) {
        return Integer.parseInt(id.toString().substring(1));
    }

    /** Where this node leads a shard with an expired disconnected open, proposes the sweep with its clock. */
    private void expireDue() {
        long now = System.currentTimeMillis();
        for (int s : localShards()) {
            ShardStateMachine m = machines.get(s);
            RaftServer.Division d = division(s);
            if (m == null || d == null || !d.getInfo().isLeader()) {
                continue;
            }
            long due = m.nextDeadline();
            if (due != 0 && due <= now) {
                writes.proposeExpire(s, Command.newBuilder().setExpire(Expire.newBuilder().setNowUnixMs(now)).build())
                        .thenAccept(r -> expired.addAndGet(r.getRemovedCount()))
                        .exceptionally(e -> {
                            LOG.warn("shard {}: expiry sweep failed: {}", s, e.getMessage());
                            return null;
                        });
            }
        }
    }

    @Override
    public void close() throws IOException {
        deadlines.close();
        timers.shutdownNow();
        clients.close();
        server.close();
    }
}
