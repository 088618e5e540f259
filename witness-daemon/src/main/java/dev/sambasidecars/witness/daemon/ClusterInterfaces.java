package dev.sambasidecars.witness.daemon;

import dev.sambasidecars.ctdb.api.ClusterView;
import dev.sambasidecars.ctdb.api.v1.ClusterSnapshot;
import dev.sambasidecars.ctdb.api.v1.Node;
import dev.sambasidecars.ctdb.api.v1.PublicIp;
import dev.sambasidecars.witness.msswn.InterfaceInfo;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The Witness interface list from ctdb-bridge's cluster model: one entry per public IP (and
 * per node address when asked), under the cluster's group name, AVAILABLE while a healthy node
 * serves it, with INTERFACE_WITNESS on addresses this node does not host. Also which node serves
 * each address, from which the notifications follow.
 *
 * @param interfaces what GetInterfaceList answers
 * @param servedBy each public IP's serving node's pnn, or -1 when no healthy node serves it
 */
record ClusterInterfaces(List<InterfaceInfo> interfaces, Map<InetAddress, Integer> servedBy) {

    static final ClusterInterfaces EMPTY = new ClusterInterfaces(List.of(), Map.of());

    static boolean serving(Node n) {
        return n.getConnected() && !n.getInactive() && !n.getDisabled() && !n.getUnhealthy();
    }

    static ClusterInterfaces of(ClusterView view, String groupName, boolean includeNodeIps) {
        if (view == null) {
            return EMPTY;
        }
        ClusterSnapshot s = view.snapshot();
        List<InterfaceInfo> out = new ArrayList<>();
        Map<InetAddress, Integer> served = new HashMap<>();
        for (PublicIp ip : s.getPublicIpsList()) {
            Node owner = ip.getOwner() < 0 ? null : view.node(ip.getOwner()).orElse(null);
            boolean up = owner != null && serving(owner);
            InetAddress address = InetAddress.ofLiteral(ip.getAddress());
            served.put(address, up ? owner.getPnn() : -1);
            out.add(new InterfaceInfo(groupName, InterfaceInfo.WITNESS_V2,
                    up ? InterfaceInfo.STATE_AVAILABLE : InterfaceInfo.STATE_UNAVAILABLE, address,
                    ip.getOwner() == s.getThisPnn()));
        }
        if (includeNodeIps) {
            for (Node n : s.getNodesList()) {
                if (n.getAddress().isEmpty()) {
                    continue;
                }
                out.add(new InterfaceInfo(groupName, InterfaceInfo.WITNESS_V2,
                        serving(n) ? InterfaceInfo.STATE_AVAILABLE : InterfaceInfo.STATE_UNAVAILABLE,
                        InetAddress.ofLiteral(n.getAddress()), n.getPnn() == s.getThisPnn()));
            }
        }
        return new ClusterInterfaces(List.copyOf(out), Map.copyOf(served));
    }
}
