package dev.sambasidecars.store.daemon;

import dev.sambasidecars.common.config.ConfigException;
import dev.sambasidecars.common.config.SidecarConfig;
import dev.sambasidecars.common.daemon.DaemonCommand;
import dev.sambasidecars.common.daemon.DaemonContext;
import dev.sambasidecars.common.daemon.StartupException;
import dev.sambasidecars.common.net.LocalAddresses;
import dev.sambasidecars.common.tls.ClusterTls;
import dev.sambasidecars.ctdb.api.BridgeClient;
import dev.sambasidecars.ctdb.api.ClusterView;
import dev.sambasidecars.ctdb.api.v1.ClusterSnapshot;
import dev.sambasidecars.ctdb.api.v1.ClusterUpdate;
import dev.sambasidecars.store.raft.Pacing;
import dev.sambasidecars.store.raft.RecordStore;
import dev.sambasidecars.store.raft.StoreConfig;
import dev.sambasidecars.store.raft.StoreNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.ratis.grpc.GrpcTlsConfig;
import org.apache.ratis.thirdparty.io.netty.handler.ssl.SslProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;

/** The persist-store daemon: this node's replicas of the store's shards and the local store API. */
@Command(name = "persist-store",
        description = {"Keeps SMB3 persistent-handle records replicated across the cluster: keys hash to shards, each "
                + "shard a Raft group (Apache Ratis) of a few replicas, so a write is durable once a majority of its "
                + "replicas has it on disk. Serves put/get/delete/compare-and-set and lookups on the local socket; "
                + "replicates over gRPC with mutual TLS on 'sidecar persist-store:raft port'.",
            "Options are read from smb.conf as 'sidecar persist-store:OPTION' ('sidecarctl config check' lists them)."})
public final class PersistStoreMain extends DaemonCommand {

    private static final Logger LOG = LoggerFactory.getLogger(PersistStoreMain.class);

    @Override
    protected String module() {
        return StoreOptions.MODULE;
    }

    /** The nodes (pnn to CTDB address), this node's pnn, and whether they came from ctdb-bridge. */
    record Membership(Map<Integer, InetAddress> nodes, int thisPnn, boolean fromBridge) { }

    @Override
    protected void start(DaemonContext ctx) throws Exception {
        SidecarConfig cfg = ctx.config();
        String m = StoreOptions.MODULE;
        Membership members = membership(ctx);
        InetAddress self = members.nodes().get(members.thisPnn());
        ClusterTls tls = ctx.clusterTls(self);
        GrpcTlsConfig raftTls = GrpcTlsConfig.newBuilder()
                .setKeyManager(tls.keyManager())
                .setTrustManager(tls.trustManager())
                .setMutualTls(true)
                .setSslProvider(SslProvider.JDK)
                .setProtocols(ClusterTls.PROTOCOLS)
                .build();
        int port = cfg.get(m, StoreOptions.RAFT_PORT);
        Map<Integer, InetSocketAddress> raft = new TreeMap<>();
        members.nodes().forEach((pnn, a) -> raft.put(pnn, new InetSocketAddress(a, port)));
        StoreConfig config = new StoreConfig(cfg.get(m, StoreOptions.NAME), members.thisPnn(), raft,
                cfg.get(m, StoreOptions.SHARDS), cfg.get(m, StoreOptions.REPLICAS), cfg.get(m, StoreOptions.DIRECTORY),
                raftTls, cfg.get(m, StoreOptions.MAX_RECORD), cfg.get(m, StoreOptions.WRITE_TIMEOUT),
                cfg.get(m, StoreOptions.BATCH_MAX), cfg.get(m, StoreOptions.IN_FLIGHT), cfg.get(m, StoreOptions.SNAPSHOT_EVERY),
                StoreConfig.SEGMENT_BYTES, Pacing.ofMicros(cfg.get(m, StoreOptions.BATCH_LINGER),
                        cfg.get(m, StoreOptions.BATCH_GAP)));
        StoreNode node;
        try {
            node = StoreNode.start(config);
        } catch (IOException e) {
            throw new StartupException("cannot start the store's Raft server on " + raft.get(members.thisPnn())
                    + " with its data in " + config.directory() + ": " + e.getMessage(), e);
        }
        ctx.lifecycle().onStop("Raft server", grace -> node.close());
        // Forwarded writes come in on the local API and go out to the leading node (and their
        // results back) on one thread, with no hand-off between the two.
        StorePeers peers = new StorePeers(tls, members.nodes(), cfg.get(m, StoreOptions.PEER_PORT), node.deadlines(),
                ctx.networkThread());
        try {
            peers.serve(self, node);
        } catch (IOException e) {
            throw new StartupException(e.getMessage(), e);
        }
        ctx.lifecycle().onStop("forwarding between nodes", grace -> peers.close());
        node.forwarder(peers);
        StoreMetrics metrics = new StoreMetrics(ctx.metrics());
        metrics.bind(node);
        ctx.addLocalService(new StoreService(new RecordStore(node), metrics));
        ctx.inlineLocalApi();
        if (members.fromBridge()) {
            followCluster(ctx, node, peers, port);
        }
        LOG.info("persist-store node {} ({}) of {}: {} shards x {} replicas", members.thisPnn(), self,
                members.nodes(), config.shards(), config.replicas());
    }

    /**
     * Keeps the store following ctdb-bridge's view: the node list (a new node gets replicas, a
     * deleted one has its replicas replaced) and which nodes are fit to lead (a node that is
     * disabled, stopped, banned, unhealthy, disconnected or deleted hands its leaderships away).
     */
    private static void followCluster(DaemonContext ctx, StoreNode node, StorePeers peers, int raftPort) {
        BridgeClient bridge = BridgeClient.connect(ctx.socketDirectory().resolve(BridgeClient.SOCKET_NAME));
        BridgeClient.Watch watch = bridge.watch(new BridgeClient.Listener() {
            @Override
            public void onUpdate(ClusterUpdate update, ClusterView view) {
                Map<Integer, InetAddress> nodes = nodes(view.snapshot());
                Map<Integer, InetSocketAddress> raft = new TreeMap<>();
                nodes.forEach((pnn, a) -> raft.put(pnn, new InetSocketAddress(a, raftPort)));
                peers.nodes(nodes);
                node.members(raft);
                node.fitToLead(fitToLead(view.snapshot()));
            }

            @Override
            public void onDisconnected(String why) {
                LOG.warn("lost ctdb-bridge's cluster stream ({}); leaders stay where they are until it is back", why);
            }
        });
        ctx.lifecycle().onStop("cluster watch", grace -> {
            watch.close();
            bridge.close();
        });
    }

    /** The cluster's nodes with their CTDB addresses; a node deleted from the nodes file is gone. */
    static Map<Integer, InetAddress> nodes(ClusterSnapshot snap) {
        Map<Integer, InetAddress> nodes = new TreeMap<>();
        snap.getNodesList().stream().filter(n -> !n.getDeleted() && !n.getAddress().isEmpty())
                .forEach(n -> nodes.put(n.getPnn(), InetAddress.ofLiteral(n.getAddress())));
        return nodes;
    }

    static Set<Integer> fitToLead(ClusterSnapshot snap) {
        Set<Integer> fit = new TreeSet<>();
        snap.getNodesList().stream()
                .filter(n -> n.getConnected() && !n.getDeleted() && !n.getBanned() && !n.getDisabled() && !n.getStopped()
                        && !n.getInactive() && !n.getUnhealthy())
                .forEach(n -> fit.add(n.getPnn()));
        return fit;
    }

    private static Membership membership(DaemonContext ctx) throws StartupException, ConfigException {
        SidecarConfig cfg = ctx.config();
        List<String> listed = cfg.get(StoreOptions.MODULE, StoreOptions.NODES);
        if (!listed.isEmpty()) {
            Map<Integer, InetAddress> nodes = new TreeMap<>();
            for (int i = 0; i < listed.size(); i++) {
                try {
                    nodes.put(i, InetAddress.ofLiteral(listed.get(i).trim()));
                } catch (IllegalArgumentException e) {
                    throw new ConfigException(cfg.origin(StoreOptions.MODULE, StoreOptions.NODES),
                            "sidecar persist-store:nodes", "entry " + i + " (" + listed.get(i) + ") is not an IP address");
                }
            }
            int pnn = cfg.get(StoreOptions.MODULE, StoreOptions.PNN);
            if (pnn < 0) {
                pnn = nodes.entrySet().stream().filter(e -> LocalAddresses.contains(e.getValue())).mapToInt(Map.Entry::getKey)
                        .findFirst().orElseThrow(() -> new ConfigException(cfg.origin(StoreOptions.MODULE, StoreOptions.NODES),
                                "sidecar persist-store:nodes", "none of " + nodes.values()
                                        + " is an address of this host; set 'sidecar persist-store:pnn'"));
            } else if (!nodes.containsKey(pnn)) {
                throw new ConfigException(cfg.origin(StoreOptions.MODULE, StoreOptions.PNN), "sidecar persist-store:pnn",
                        pnn + " is not among the " + nodes.size() + " nodes of 'sidecar persist-store:nodes'");
            }
            return new Membership(nodes, pnn, false);
        }
        return fromBridge(ctx);
    }

    private static Membership fromBridge(DaemonContext ctx) throws StartupException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        try (BridgeClient bridge = BridgeClient.connect(ctx.socketDirectory().resolve(BridgeClient.SOCKET_NAME))) {
            RuntimeException last = null;
            while (System.nanoTime() < deadline) {
                try {
                    ClusterSnapshot snap = bridge.snapshot(Duration.ofSeconds(5));
                    Map<Integer, InetAddress> nodes = nodes(snap);
                    if (nodes.containsKey(snap.getThisPnn())) {
                        return new Membership(nodes, snap.getThisPnn(), true);
                    }
                } catch (RuntimeException e) {
                    last = e;
                }
                Thread.sleep(1000);
            }
            throw new StartupException("no node list from ctdb-bridge within 60 s (is ctdb-bridge running? "
                    + (last == null ? "it does not know this node's pnn yet" : last.getMessage())
                    + "); or list the nodes in 'sidecar persist-store:nodes'", last);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StartupException("interrupted while asking ctdb-bridge for the node list", e);
        }
    }

    public static void main(String[] args) {
        System.exit(DaemonCommand.run(new PersistStoreMain(), args));
    }
}
