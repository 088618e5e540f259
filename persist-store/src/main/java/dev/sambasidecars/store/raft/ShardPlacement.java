package dev.sambasidecars.store.raft;

import dev.sambasidecars.store.shard.Shards;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ratis.protocol.GroupManagementRequest;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.SetConfigurationRequest;
import org.apache.ratis.server.RaftServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a node's shards put their leaders and replicas as the cluster changes: leaderships off
 * nodes unfit to lead, replicas onto new nodes and off lost ones. Every change to a shard's
 * configuration is made by the shard's leader, one at a time per shard, so nodes never race
 * each other over it.
 */
final class ShardPlacement {

    private static final Logger LOG = LoggerFactory.getLogger(ShardPlacement.class);
    /** How long a replica here knows no leader before it asks whether it was left out of its shard. */
    private static final java.time.Duration LEADERLESS_ASK = java.time.Duration.ofSeconds(10);

    private final StoreNode node;
    private final StoreConfig config;
    private final ScheduledExecutorService timers;
    /** Nodes fit to lead (not disabled, stopped, banned, unhealthy or gone); null until told: all. */
    private volatile Set<Integer> fitToLead;
    /** The cluster's nodes as last told (pnn to Raft address); a node left out is lost and its replicas move. */
    private volatile Map<Integer, InetSocketAddress> members;
    /** Shards with a configuration change or a join or drop under way here. */
    private final Set<Integer> changing = ConcurrentHashMap.newKeySet();
    /** Since when each shard's replica here has known no leader (nanoTime), or when it last asked. */
    private final Map<Integer, Long> leaderless = new ConcurrentHashMap<>();
    private final AtomicLong replicaMoves = new AtomicLong();
    private final LeaderHandover handover;
    private final StalledReplicas stalled;

    ShardPlacement(StoreNode node, StoreConfig config, ScheduledExecutorService timers) {
        this.node = node;
        this.config = config;
        this.timers = timers;
        this.members = config.nodes();
        this.handover = new LeaderHandover(node, changing);
        this.stalled = new StalledReplicas(node, changing);
    }

    /** Leaderships this node handed to a shard's preferred leader (see {@link LeaderHandover}). */
    long leadershipMoves() {
        return handover.leadershipMoves();
    }

    /** Times a replica here found its log stalled behind its leader's commit (see {@link StalledReplicas}). */
    long stuckFollowers() {
        return stalled.restarted();
    }

    void schedule() {
        Periodic.every(timers, 1, TimeUnit.SECONDS, "leader placement", this::placeLeaders);
        Periodic.every(timers, 2, TimeUnit.SECONDS, "replica placement", this::placeReplicas);
    }

    /** The current nodes' pnns, in order. */
    List<Integer> nodes() {
        return members.keySet().stream().sorted().toList();
    }

    InetSocketAddress address(int pnn) {
        return members.get(pnn);
    }

    /**
     * The replica a shard prefers as its leader: going round the nodes from the shard's own
     * ({@code shard mod n}, so leaders spread over the nodes), the first that holds a replica and
     * is fit to lead; the first replica when none is.
     */
    static int preferredLeader(int shard, List<Integer> pnns, Collection<Integer> replicas, Set<Integer> fit) {
        for (int i = 0; i < pnns.size(); i++) {
            int pnn = pnns.get((shard + i) % pnns.size());
            if (replicas.contains(pnn) && fit.contains(pnn)) {
                return pnn;
            }
        }
        return replicas.stream().sorted().findFirst().orElseThrow();
    }

    /**
     * Tells which nodes are fit to lead (from the cluster's state: a disabled, stopped,
     * banned or unhealthy node is not). Leaderships move off the others within a few seconds.
     */
    void fitToLead(Set<Integer> pnns) {
        Set<Integer> before = fitToLead;
        fitToLead = Set.copyOf(pnns);
        if (!fitToLead.equals(before)) {
            LOG.info("store {} node {}: nodes fit to lead are now {}", config.name(), config.thisNode(), new java.util.TreeSet<>(pnns));
            timers.execute(this::placeLeaders);
        }
    }

    /**
     * Where this node leads a shard whose preferred leader (the replica with priority 1) is not
     * the one {@link #preferredLeader} names, it commits a configuration with the priorities
     * changed, then asks Ratis to hand the leadership to that replica; it asks again every few
     * seconds for as long as it still leads a shard whose preferred leader is another node.
     * Only the leader changes a shard's configuration, so nodes never race each other over it.
     *
     * <p>The priorities alone are not enough: Ratis's leader checks for a higher-priority
     * follower only when its event queue has stayed empty for a whole election timeout, and every
     * answered append, heartbeats included, queues an event. A shard led by a node no longer fit
     * to lead kept that leader for 40 s in one test run and for the whole 90 s of another.
     */
    private void placeLeaders() {
        List<Integer> pnns = nodes();
        Set<Integer> fit = fitToLead != null ? fitToLead : Set.copyOf(pnns);
        for (int s : node.localShards()) {
            RaftServer.Division d = node.division(s);
            if (d == null || !d.getInfo().isLeaderReady() || d.getRaftConf().getPreviousPeers().size() > 0) {
                continue;
            }
            Collection<RaftPeer> peers = d.getRaftConf().getCurrentPeers();
            Map<Integer, RaftPeer> byPnn = new HashMap<>();
            peers.forEach(p -> byPnn.put(StoreNode.pnnOf(p.getId()), p));
            int want = preferredLeader(s, pnns, staying(s, byPnn.keySet(), pnns), fit);
            boolean placed = byPnn.entrySet().stream().allMatch(e -> e.getValue().getPriority() == (e.getKey() == want ? 1 : 0));
            if (placed && want != config.thisNode()) {
                handover.handOver(d, s, want);
            }
            if (placed || !changing.add(s)) {
                continue;
            }
            List<RaftPeer> next = byPnn.entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .map(e -> RaftPeer.newBuilder(e.getValue()).setPriority(e.getKey() == want ? 1 : 0).build()).toList();
            LOG.info("shard {}: preferred leader is now node {} (fit to lead: {})", s, want, new java.util.TreeSet<>(fit));
            configure(d, s, next, "set node " + want + " as preferred leader", () -> {
                if (want != config.thisNode()) {
                    timers.execute(() -> handover.handOver(d, s, want));
                }
            });
        }
    }

    /**
     * Tells the node the cluster's nodes (pnn to Raft address). A node new to the list gets
     * replicas where placement now puts them; a node no longer listed (deleted from CTDB's nodes
     * file) is lost, and its replicas are replaced on the remaining nodes.
     */
    void members(Map<Integer, InetSocketAddress> now) {
        if (!now.containsKey(config.thisNode())) {
            LOG.warn("store {}: this node ({}) is not among the cluster's nodes {}; keeping the previous list",
                    config.name(), config.thisNode(), now.keySet());
            return;
        }
        Map<Integer, InetSocketAddress> before = members;
        members = Map.copyOf(now);
        if (!members.equals(before)) {
            LOG.info("store {} node {}: the cluster's nodes are now {}", config.name(), config.thisNode(),
                    new java.util.TreeSet<>(members.keySet()));
            timers.execute(this::placeReplicas);
        }
    }

    /**
     * Moves replicas where placement over the current nodes puts them. A node placed in a shard
     * it holds no replica of joins it with an empty configuration (it neither votes nor stands
     * until the leader has added it); the leader commits the new membership (Ratis brings new
     * members up to date before the change takes effect); a node whose replica the committed
     * membership left out drops it (its directory kept, renamed, by Ratis). With fewer nodes than
     * replicas per shard, nothing moves.
     */
    private void placeReplicas() {
        List<Integer> pnns = nodes();
        if (pnns.size() < config.replicas()) {
            return;
        }
        int me = config.thisNode();
        Set<Integer> fit = fitToLead != null ? fitToLead : Set.copyOf(pnns);
        for (int s = 0; s < config.shards(); s++) {
            List<Integer> target = Shards.place(s, pnns, config.replicas());
            RaftServer.Division d = node.division(s);
            RaftGroupId gid = RaftGroupId.valueOf(Shards.groupId(config.name(), s));
            if (d == null) {
                if (target.contains(me) && changing.add(s)) {
                    LOG.info("shard {}: placed on this node; joining, for the leader to add it", s);
                    manage(GroupManagementRequest.newAdd(node.localClient(), StoreNode.peerId(me), node.nextCallId(),
                            RaftGroup.valueOf(gid)), s);
                }
                continue;
            }
            if (d.getInfo().getLifeCycleState().isClosingOrClosed()) {
                // A leader whose members leave this replica out answered its vote request by
                // shutting it down; a closed replica never runs again, so it is removed (its
                // directory renamed) and, where placement keeps it here, joins again empty.
                if (changing.add(s)) {
                    if (target.contains(me)) {
                        LOG.warn("store {} node {}: shard {}: the replica here was shut down by the shard's leader; "
                                + "removing it to join again", config.name(), me, s);
                    } else {
                        LOG.info("store {} node {}: shard {}: the replica here was shut down, no longer a member; "
                                + "removing it", config.name(), me, s);
                    }
                    drop(s, gid);
                }
                continue;
            }
            if (askedIfLeftOut(d, s, gid) || stalled.asked(d, s)) {
                continue;
            }
            Set<Integer> have = new HashSet<>();
            d.getRaftConf().getCurrentPeers().forEach(p -> have.add(StoreNode.pnnOf(p.getId())));
            boolean stable = d.getRaftConf().getPreviousPeers().isEmpty();
            if (stable && !have.isEmpty() && !have.contains(me) && !target.contains(me) && changing.add(s)) {
                LOG.info("shard {}: this node's replica is no longer a member ({}); dropping it", s, new java.util.TreeSet<>(have));
                drop(s, gid);
                continue;
            }
            if (!stable || !d.getInfo().isLeaderReady() || have.equals(Set.copyOf(target)) || !changing.add(s)) {
                continue;
            }
            if (!target.contains(me)) {
                // A leader must not commit a membership without itself (Ratis closes the division
                // then, under a lock its own client threads wait for): placeLeaders hands the
                // shard to a replica that stays, which then makes the change.
                changing.remove(s);
                continue;
            }
            int want = preferredLeader(s, pnns, target, fit);
            List<RaftPeer> next = target.stream().sorted().map(p -> node.peer(p, p == want ? 1 : 0)).toList();
            LOG.info("shard {}: moving its replicas from nodes {} to {}", s, new java.util.TreeSet<>(have), target);
            int shard = s;
            configure(d, s, next, "move its replicas to " + target, () -> {
                replicaMoves.incrementAndGet();
                LOG.info("shard {}: replicas now on nodes {}", shard, target);
            });
        }
    }

    /**
     * A replica here that has known no leader for {@link #LEADERLESS_ASK} asks the other nodes
     * whether the shard's leader has left it out, and is dropped if so (a removal it never heard
     * of: it stands for election among the members it still knows, none of which leads, while the
     * leader, which alone tells a removed replica to shut down, is a node it does not ask). True
     * while the question is under way.
     */
    private boolean askedIfLeftOut(RaftServer.Division d, int shard, RaftGroupId gid) {
        long now = System.nanoTime();
        if (d.getInfo().getLeaderId() != null) {
            leaderless.remove(shard);
            return false;
        }
        long since = leaderless.computeIfAbsent(shard, k -> now);
        if (now - since < LEADERLESS_ASK.toNanos() || !changing.add(shard)) {
            return false;
        }
        leaderless.put(shard, now);
        // Up to a second per node: not on the timer thread, which also times out writes.
        Thread.ofVirtual().name("store-left-out-" + shard).start(() -> {
            boolean leftOut = false;
            try {
                leftOut = node.leftOutOf(shard);
            } finally {
                if (leftOut) {
                    LOG.info("store {} node {}: shard {}: its leader's members leave this node's replica out; dropping it",
                            config.name(), config.thisNode(), shard);
                    drop(shard, gid);
                } else {
                    changing.remove(shard);
                }
            }
        });
        return true;
    }

    /** Commits a shard's new configuration as its leader; {@code done} runs once it is committed. */
    private void configure(RaftServer.Division d, int shard, List<RaftPeer> next, String what, Runnable done) {
        CompletableFuture<RaftClientReply> r;
        try {
            r = node.server().setConfigurationAsync(new SetConfigurationRequest(node.localClient(), d.getId(),
                    d.getGroup().getGroupId(), node.nextCallId(), next));
        } catch (IOException e) {
            r = CompletableFuture.failedFuture(e);
        }
        r.whenComplete((reply, e) -> {
            changing.remove(shard);
            if (e != null || !reply.isSuccess()) {
                LOG.warn("shard {}: cannot {}: {}", shard, what, e != null ? e.getMessage() : String.valueOf(reply.getException()));
            } else {
                done.run();
            }
        });
    }

    /** Removes this node's replica of a shard (Ratis renames its directory rather than delete it). */
    private void drop(int shard, RaftGroupId gid) {
        node.forget(shard);
        manage(GroupManagementRequest.newRemove(node.localClient(), StoreNode.peerId(config.thisNode()), node.nextCallId(),
                gid, false, true), shard);
    }

    private void manage(GroupManagementRequest request, int shard) {
        try {
            node.server().groupManagementAsync(request).whenComplete((reply, e) -> {
                changing.remove(shard);
                if (e != null || !reply.isSuccess()) {
                    LOG.warn("shard {}: {} failed: {}", shard, request, e != null ? e.getMessage() : String.valueOf(reply.getException()));
                }
            });
        } catch (RuntimeException e) {
            changing.remove(shard);
            LOG.warn("shard {}: {} failed: {}", shard, request, e.getMessage());
        }
    }

    /** Shard membership changes this node committed as a shard's leader. */
    long replicaMoves() {
        return replicaMoves.get();
    }

    /** The members of a shard that placement over the current nodes keeps (all of them if it keeps none). */
    private Set<Integer> staying(int shard, Set<Integer> have, List<Integer> pnns) {
        if (pnns.size() < config.replicas()) {
            return have;
        }
        Set<Integer> keep = new HashSet<>(Shards.place(shard, pnns, config.replicas()));
        keep.retainAll(have);
        return keep.isEmpty() ? have : keep;
    }

}
