package dev.sambasidecars.witness.daemon;

import dev.sambasidecars.ctdb.api.ClusterView;
import dev.sambasidecars.ctdb.api.v1.ClusterSnapshot;
import dev.sambasidecars.ctdb.api.v1.Node;
import dev.sambasidecars.ctdb.api.v1.PublicIp;
import dev.sambasidecars.witness.msswn.InterfaceInfo;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The Witness interface list from ctdb-bridge's cluster model: one entry per public IP,
 * named after the node that hosts it, AVAILABLE while that node serves it, with
 * INTERFACE_WITNESS on addresses this node does not host.
 */
final class ClusterInterfaces {
    private ClusterInterfaces() {}

    static List<InterfaceInfo> of(ClusterView view) {
        if (view == null) {
            return List.of();
        }
        ClusterSnapshot s = view.snapshot();
        List<InterfaceInfo> out = new ArrayList<>();
        for (PublicIp ip : s.getPublicIpsList()) {
            Node owner = ip.getOwner() < 0 ? null : view.node(ip.getOwner()).orElse(null);
            boolean served = owner != null && owner.getConnected() && !owner.getInactive() && !owner.getDisabled()
                    && !owner.getUnhealthy();
            String group = owner == null ? "UNASSIGNED" : "NODE" + owner.getPnn();
            out.add(new InterfaceInfo(group, InterfaceInfo.WITNESS_V2, served ? InterfaceInfo.STATE_AVAILABLE : InterfaceInfo.STATE_UNAVAILABLE,
                    InetAddress.ofLiteral(ip.getAddress()), ip.getOwner() == s.getThisPnn()));
        }
        return out;
    }
}
