package dev.sambasidecars.ctdb.api;

import dev.sambasidecars.ctdb.api.v1.ClusterEvent;
import dev.sambasidecars.ctdb.api.v1.ClusterSnapshot;
import dev.sambasidecars.ctdb.api.v1.ClusterUpdate;
import dev.sambasidecars.ctdb.api.v1.IpChanged;
import dev.sambasidecars.ctdb.api.v1.Node;
import dev.sambasidecars.ctdb.api.v1.NodeChanged;
import dev.sambasidecars.ctdb.api.v1.PublicIp;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The cluster as the update stream describes it: a snapshot with every later event applied.
 * The bridge keeps its own snapshot with this same class, so a watcher that applies the
 * stream holds exactly what {@code GetSnapshot} would return at the same sequence number.
 * Not thread-safe.
 */
public final class ClusterView {
    private ClusterSnapshot snapshot;

    /** Starts from {@code snapshot}. */
    public ClusterView(ClusterSnapshot snapshot) {
        this.snapshot = snapshot;
    }

    /** The current state. */
    public ClusterSnapshot snapshot() {
        return snapshot;
    }

    /** Applies one update: a snapshot replaces the state, an event changes it. */
    public void apply(ClusterUpdate update) {
        switch (update.getKindCase()) {
            case SNAPSHOT -> snapshot = update.getSnapshot();
            case EVENT -> apply(update.getEvent());
            case KIND_NOT_SET -> throw new IllegalArgumentException("empty cluster update");
        }
    }

    /**
     * Applies one event.
     *
     * @throws IllegalStateException when the event is not the next one in sequence
     */
    public void apply(ClusterEvent event) {
        if (event.getSequence() != snapshot.getSequence() + 1) {
            throw new IllegalStateException("event " + event.getSequence() + " does not follow "
                    + snapshot.getSequence());
        }
        ClusterSnapshot.Builder b = snapshot.toBuilder().setSequence(event.getSequence());
        switch (event.getChangeCase()) {
            case NODE_CHANGED -> applyNode(b, event.getNodeChanged());
            case IP_CHANGED -> applyIp(b, event.getIpChanged());
            case CONNECTION_CHANGED -> b.setCtdbConnected(event.getConnectionChanged().getConnected())
                    .setThisPnn(event.getConnectionChanged().getThisPnn());
            case RECOVERY_CHANGED -> b.setRecoveryActive(event.getRecoveryChanged().getRecoveryActive())
                    .setRunstate(event.getRecoveryChanged().getRunstate());
            case CHANGE_NOT_SET -> { }
        }
        snapshot = b.build();
    }

    private static void applyNode(ClusterSnapshot.Builder b, NodeChanged c) {
        TreeMap<Integer, Node> nodes = new TreeMap<>();
        b.getNodesList().forEach(n -> nodes.put(n.getPnn(), n));
        if (c.hasNode()) {
            nodes.put(c.getPnn(), c.getNode());
        } else {
            nodes.remove(c.getPnn());
        }
        b.clearNodes().addAllNodes(nodes.values());
    }

    private static void applyIp(ClusterSnapshot.Builder b, IpChanged c) {
        TreeMap<String, PublicIp> ips = new TreeMap<>(IpOrder.COMPARATOR);
        b.getPublicIpsList().forEach(ip -> ips.put(ip.getAddress(), ip));
        if (c.getRemoved()) {
            ips.remove(c.getAddress());
        } else {
            ips.put(c.getAddress(), c.getIp());
        }
        b.clearPublicIps().addAllPublicIps(ips.values());
    }

    /** The public IP with {@code address}, if the cluster has it. */
    public Optional<PublicIp> publicIp(String address) {
        return snapshot.getPublicIpsList().stream().filter(ip -> ip.getAddress().equals(address)).findFirst();
    }

    /** The node with {@code pnn}, if the cluster has it. */
    public Optional<Node> node(int pnn) {
        return snapshot.getNodesList().stream().filter(n -> n.getPnn() == pnn).findFirst();
    }

    /** The public IPs node {@code pnn} serves. */
    public List<PublicIp> ipsOf(int pnn) {
        return snapshot.getPublicIpsList().stream().filter(ip -> ip.getOwner() == pnn).toList();
    }

    /** Addresses sort numerically (IPv4 before IPv6), as CTDB lists them. */
    public static final class IpOrder {
        private IpOrder() {}

        public static final Comparator<String> COMPARATOR = Comparator
                .comparing((String a) -> a.contains(":"))
                .thenComparing(IpOrder::key);

        private static String key(String address) {
            try {
                byte[] raw = java.net.InetAddress.ofLiteral(address).getAddress();
                return java.util.HexFormat.of().formatHex(raw);
            } catch (IllegalArgumentException e) {
                return address;
            }
        }
    }
}
