package dev.sambasidecars.ctdb.model;

import dev.sambasidecars.ctdb.api.ClusterView;
import dev.sambasidecars.ctdb.api.v1.ClusterEvent;
import dev.sambasidecars.ctdb.api.v1.ClusterSnapshot;
import dev.sambasidecars.ctdb.api.v1.ConnectionChanged;
import dev.sambasidecars.ctdb.api.v1.IpChanged;
import dev.sambasidecars.ctdb.api.v1.Node;
import dev.sambasidecars.ctdb.api.v1.NodeChanged;
import dev.sambasidecars.ctdb.api.v1.PublicIp;
import dev.sambasidecars.ctdb.api.v1.RecoveryChanged;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The changes that turn one snapshot into an observation, as unnumbered events in a fixed
 * order: connection, nodes (by pnn), public IPs (in address order), recovery. Applying them in
 * that order with {@link ClusterView} yields the observation exactly.
 */
final class ClusterDiff {
    private ClusterDiff() {}

    static List<ClusterEvent.Builder> between(ClusterSnapshot before, Observation after) {
        List<ClusterEvent.Builder> out = new ArrayList<>();
        if (!after.connected()) {
            if (before.getCtdbConnected()) {
                out.add(ClusterEvent.newBuilder().setConnectionChanged(ConnectionChanged.newBuilder()
                        .setConnected(false).setThisPnn(before.getThisPnn()).setDetail("ctdbd not reachable")));
            }
            return out;
        }
        if (!before.getCtdbConnected() || before.getThisPnn() != after.thisPnn()) {
            out.add(ClusterEvent.newBuilder().setConnectionChanged(ConnectionChanged.newBuilder()
                    .setConnected(true).setThisPnn(after.thisPnn()).setDetail("connected to ctdbd")));
        }
        nodes(before, after, out);
        ips(before, after, out);
        if (before.getRecoveryActive() != after.recoveryActive() || !before.getRunstate().equals(after.runstate())) {
            out.add(ClusterEvent.newBuilder().setRecoveryChanged(RecoveryChanged.newBuilder()
                    .setRecoveryActive(after.recoveryActive()).setRunstate(after.runstate())));
        }
        return out;
    }

    private static void nodes(ClusterSnapshot before, Observation after, List<ClusterEvent.Builder> out) {
        Map<Integer, Node> old = new TreeMap<>();
        before.getNodesList().forEach(n -> old.put(n.getPnn(), n));
        Map<Integer, Node> now = new TreeMap<>();
        after.nodes().forEach(n -> now.put(n.getPnn(), n));
        TreeSet<Integer> pnns = new TreeSet<>(old.keySet());
        pnns.addAll(now.keySet());
        for (int pnn : pnns) {
            Node o = old.get(pnn);
            Node n = now.get(pnn);
            if (o != null && o.equals(n)) {
                continue;
            }
            NodeChanged.Builder c = NodeChanged.newBuilder().setPnn(pnn);
            if (n != null) {
                c.setNode(n);
            }
            if (o != null) {
                c.setPrevious(o);
            }
            out.add(ClusterEvent.newBuilder().setNodeChanged(c));
        }
    }

    private static void ips(ClusterSnapshot before, Observation after, List<ClusterEvent.Builder> out) {
        Map<String, PublicIp> old = new TreeMap<>(ClusterView.IpOrder.COMPARATOR);
        before.getPublicIpsList().forEach(ip -> old.put(ip.getAddress(), ip));
        Map<String, PublicIp> now = new TreeMap<>(ClusterView.IpOrder.COMPARATOR);
        after.publicIps().forEach(ip -> now.put(ip.getAddress(), ip));
        TreeSet<String> all = new TreeSet<>(ClusterView.IpOrder.COMPARATOR);
        all.addAll(old.keySet());
        all.addAll(now.keySet());
        for (String address : all) {
            PublicIp o = old.get(address);
            PublicIp n = now.get(address);
            if (o != null && o.equals(n)) {
                continue;
            }
            IpChanged.Builder c = IpChanged.newBuilder().setAddress(address)
                    .setPreviousOwner(o == null ? -1 : o.getOwner());
            if (n == null) {
                c.setOwner(-1).setRemoved(true).setIp(o.toBuilder().setOwner(-1));
            } else {
                c.setOwner(n.getOwner()).setIp(n);
            }
            out.add(ClusterEvent.newBuilder().setIpChanged(c));
        }
    }
}
