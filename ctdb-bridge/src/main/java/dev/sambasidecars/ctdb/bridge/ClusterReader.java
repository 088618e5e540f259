package dev.sambasidecars.ctdb.bridge;

import dev.sambasidecars.ctdb.api.Addresses;
import dev.sambasidecars.ctdb.api.v1.Node;
import dev.sambasidecars.ctdb.api.v1.PublicIp;
import dev.sambasidecars.ctdb.client.CtdbClient;
import dev.sambasidecars.ctdb.model.Observation;
import dev.sambasidecars.ctdb.protocol.CtdbProtocolException;
import dev.sambasidecars.ctdb.protocol.NodeAndFlags;
import dev.sambasidecars.ctdb.protocol.NodeFlags;
import dev.sambasidecars.ctdb.protocol.PacketHeader;
import dev.sambasidecars.ctdb.protocol.PublicIpInfo;
import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads the whole cluster state from this node's ctdbd: pnn, node map, public IPs with owners
 * (this node's view, which every node keeps current after each takeover run), run state and
 * recovery mode. Interfaces of an address are asked once and remembered; prefix lengths come
 * from the event script or public_addresses.
 */
final class ClusterReader {
    private final Map<String, PublicIpInfo> interfaces = new ConcurrentHashMap<>();
    private final Map<String, Integer> prefixes = new ConcurrentHashMap<>();

    ClusterReader(Map<String, Integer> knownPrefixes) {
        prefixes.putAll(knownPrefixes);
    }

    /** Remembers a prefix length the event script reported. */
    void prefix(String address, int bits) {
        prefixes.put(address, bits);
    }

    Observation read(CtdbClient c) throws IOException, CtdbProtocolException, InterruptedException {
        int pnn = c.pnn();
        List<Node> nodes = new ArrayList<>();
        for (NodeAndFlags n : c.nodemap()) {
            nodes.add(node(n, pnn));
        }
        List<PublicIp> ips = new ArrayList<>();
        for (dev.sambasidecars.ctdb.protocol.PublicIp ip : c.publicIps(PacketHeader.CURRENT_NODE, false)) {
            String address = Addresses.format(ip.address());
            PublicIp.Builder b = PublicIp.newBuilder().setAddress(address).setOwner(ip.owner() < 0 ? -1 : ip.owner())
                    .setPrefixBits(prefixes.getOrDefault(address, 0));
            PublicIpInfo info = info(c, address, ip.address());
            if (info != null) {
                info.interfaces().forEach(i -> b.addInterfaces(i.name()));
                b.setActiveInterface(ip.owner() == pnn ? info.activeInterface() : "");
            }
            ips.add(b.build());
        }
        return new Observation(true, pnn, nodes, ips, c.recoveryActive(), c.runstate().name());
    }

    private PublicIpInfo info(CtdbClient c, String address, InetAddress ip) throws IOException, InterruptedException {
        PublicIpInfo known = interfaces.get(address);
        if (known != null) {
            return known;
        }
        try {
            PublicIpInfo fresh = c.publicIpInfo(PacketHeader.CURRENT_NODE, ip);
            interfaces.put(address, fresh);
            return fresh;
        } catch (CtdbProtocolException notHere) {
            return null;
        }
    }

    static Node node(NodeAndFlags n, int thisPnn) {
        int f = n.flags();
        return Node.newBuilder()
                .setPnn(n.pnn())
                .setAddress(Addresses.format(n.address()))
                .setConnected((f & NodeFlags.DISCONNECTED) == 0)
                .setBanned((f & NodeFlags.BANNED) != 0)
                .setDisabled((f & NodeFlags.PERMANENTLY_DISABLED) != 0)
                .setUnhealthy((f & NodeFlags.UNHEALTHY) != 0)
                .setStopped((f & NodeFlags.STOPPED) != 0)
                .setInactive((f & NodeFlags.INACTIVE) != 0)
                .setDeleted((f & NodeFlags.DELETED) != 0)
                .setThisNode(n.pnn() == thisPnn)
                .setFlags(f)
                .build();
    }
}
