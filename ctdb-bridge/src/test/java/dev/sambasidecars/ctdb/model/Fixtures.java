package dev.sambasidecars.ctdb.model;

import dev.sambasidecars.ctdb.api.v1.ClusterSnapshot;
import dev.sambasidecars.ctdb.api.v1.Node;
import dev.sambasidecars.ctdb.api.v1.PublicIp;
import dev.sambasidecars.ctdb.api.v1.Trigger;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/** Builders for model tests, written from the proto alone (not from the bridge's own mapping). */
final class Fixtures {
    private Fixtures() {}

    static final Cause POLL = new Cause(Trigger.TRIGGER_POLL, "poll", 1, 2);

    static Node node(int pnn, int flags) {
        return Node.newBuilder().setPnn(pnn).setAddress("10.1.0." + (pnn + 1)).setFlags(flags)
                .setConnected((flags & 0x01) == 0).setBanned((flags & 0x08) != 0).build();
    }

    static PublicIp ip(String address, int owner) {
        return PublicIp.newBuilder().setAddress(address).setOwner(owner).addInterfaces("eth0")
                .setActiveInterface(owner == 0 ? "eth0" : "").build();
    }

    static Observation connected(int thisPnn, List<Node> nodes, List<PublicIp> ips) {
        return new Observation(true, thisPnn, nodes, ips, false, "RUNNING");
    }

    /** Without what differs between two equal states: when it was taken and which process numbered it. */
    static ClusterSnapshot timeless(ClusterSnapshot s) {
        return s.toBuilder().clearTakenUnixNanos().clearStreamId().build();
    }

    /** IPv4 before IPv6, then numerically: CTDB's order, computed here independently. */
    static final Comparator<String> ADDRESS_ORDER = Comparator
            .comparingInt((String a) -> InetAddress.ofLiteral(a).getAddress().length)
            .thenComparing((a, b) -> Arrays.compareUnsigned(InetAddress.ofLiteral(a).getAddress(),
                    InetAddress.ofLiteral(b).getAddress()));
}
