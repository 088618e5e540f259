package dev.sambasidecars.ctdb.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sambasidecars.ctdb.api.v1.ClusterEvent;
import dev.sambasidecars.ctdb.api.v1.ClusterSnapshot;
import dev.sambasidecars.ctdb.api.v1.ClusterUpdate;
import dev.sambasidecars.ctdb.api.v1.ConnectionChanged;
import dev.sambasidecars.ctdb.api.v1.IpChanged;
import dev.sambasidecars.ctdb.api.v1.Node;
import dev.sambasidecars.ctdb.api.v1.NodeChanged;
import dev.sambasidecars.ctdb.api.v1.PublicIp;
import dev.sambasidecars.ctdb.api.v1.RecoveryChanged;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ClusterViewTest {

    private final ClusterView view = new ClusterView(ClusterSnapshot.newBuilder().setSequence(10).setThisPnn(-1)
            .build());

    private static Node node(int pnn, int flags) {
        return Node.newBuilder().setPnn(pnn).setAddress("10.1.0." + pnn).setFlags(flags).build();
    }

    private static PublicIp ip(String address, int owner) {
        return PublicIp.newBuilder().setAddress(address).setOwner(owner).build();
    }

    private ClusterEvent.Builder next() {
        return ClusterEvent.newBuilder().setSequence(view.snapshot().getSequence() + 1);
    }

    private void putNode(Node n) {
        view.apply(next().setNodeChanged(NodeChanged.newBuilder().setPnn(n.getPnn()).setNode(n)).build());
    }

    private void removeNode(int pnn) {
        view.apply(next().setNodeChanged(NodeChanged.newBuilder().setPnn(pnn)).build());
    }

    private void putIp(PublicIp ip) {
        view.apply(next().setIpChanged(IpChanged.newBuilder().setAddress(ip.getAddress()).setOwner(ip.getOwner())
                .setIp(ip)).build());
    }

    private void removeIp(String address) {
        view.apply(next().setIpChanged(IpChanged.newBuilder().setAddress(address).setOwner(-1).setRemoved(true)
                .setIp(ip(address, -1))).build());
    }

    private List<Integer> pnns() {
        return view.snapshot().getNodesList().stream().map(Node::getPnn).toList();
    }

    private List<String> addresses() {
        return view.snapshot().getPublicIpsList().stream().map(PublicIp::getAddress).toList();
    }

    @Test
    void rejectsEventsOutOfOrderAndKeepsTheState() {
        putNode(node(0, 0));
        ClusterSnapshot before = view.snapshot();
        assertEquals(11, before.getSequence());

        for (long seq : new long[] {11, 10, 13, 0}) {
            ClusterEvent e = ClusterEvent.newBuilder().setSequence(seq)
                    .setNodeChanged(NodeChanged.newBuilder().setPnn(5).setNode(node(5, 0))).build();
            assertThrows(IllegalStateException.class, () -> view.apply(e), "sequence " + seq);
            assertThrows(IllegalStateException.class,
                    () -> view.apply(ClusterUpdate.newBuilder().setEvent(e).build()), "update sequence " + seq);
        }
        assertEquals(before, view.snapshot());
    }

    @Test
    void emptyUpdateIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> view.apply(ClusterUpdate.getDefaultInstance()));
    }

    @Test
    void snapshotUpdateReplacesEverything() {
        putNode(node(0, 0));
        ClusterSnapshot fresh = ClusterSnapshot.newBuilder().setSequence(3).setCtdbConnected(true)
                .addNodes(node(7, 0)).build();

        view.apply(ClusterUpdate.newBuilder().setSnapshot(fresh).setResync(true).build());

        assertEquals(fresh, view.snapshot());
        // ...and the sequence restarts from it.
        putNode(node(8, 0));
        assertEquals(4, view.snapshot().getSequence());
    }

    @Test
    void nodesStayInPnnOrder() {
        putNode(node(2, 0));
        putNode(node(0, 0));
        putNode(node(10, 0));
        putNode(node(1, 0));
        assertEquals(List.of(0, 1, 2, 10), pnns(), "numeric, not text, order");

        putNode(node(2, 0x08));
        assertEquals(List.of(0, 1, 2, 10), pnns());
        assertEquals(Optional.of(node(2, 0x08)), view.node(2));

        removeNode(1);
        assertEquals(List.of(0, 2, 10), pnns());
        assertEquals(Optional.empty(), view.node(1));
        assertEquals(16, view.snapshot().getSequence());
    }

    @Test
    void ipsStayInAddressOrderIpv4First() {
        for (String a : List.of("fd00::5", "10.0.0.10", "2001:db8::1", "10.0.0.9", "192.168.0.1", "::1",
                "10.0.0.2", "9.255.255.255", "fd00::10")) {
            putIp(ip(a, 0));
        }
        assertEquals(List.of("9.255.255.255", "10.0.0.2", "10.0.0.9", "10.0.0.10", "192.168.0.1", "::1",
                "2001:db8::1", "fd00::5", "fd00::10"), addresses());

        putIp(ip("10.0.0.9", 2));
        assertEquals(List.of("9.255.255.255", "10.0.0.2", "10.0.0.9", "10.0.0.10", "192.168.0.1", "::1",
                "2001:db8::1", "fd00::5", "fd00::10"), addresses());
        assertEquals(2, view.publicIp("10.0.0.9").orElseThrow().getOwner());

        removeIp("10.0.0.10");
        removeIp("::1");
        assertEquals(List.of("9.255.255.255", "10.0.0.2", "10.0.0.9", "192.168.0.1", "2001:db8::1", "fd00::5",
                "fd00::10"), addresses());
        assertTrue(view.publicIp("10.0.0.10").isEmpty());
    }

    @Test
    void ipsOfListsWhatANodeServes() {
        putIp(ip("10.0.0.6", 1));
        putIp(ip("10.0.0.5", 0));
        putIp(ip("10.0.0.4", 1));
        putIp(ip("10.0.0.7", -1));

        assertEquals(List.of(ip("10.0.0.4", 1), ip("10.0.0.6", 1)), view.ipsOf(1));
        assertEquals(List.of(ip("10.0.0.7", -1)), view.ipsOf(-1));
        assertEquals(List.of(), view.ipsOf(3));
    }

    @Test
    void connectionAndRecoveryEvents() {
        view.apply(next().setConnectionChanged(ConnectionChanged.newBuilder().setConnected(true).setThisPnn(2))
                .build());
        view.apply(next().setRecoveryChanged(RecoveryChanged.newBuilder().setRecoveryActive(true)
                .setRunstate("RUNNING")).build());

        ClusterSnapshot s = view.snapshot();
        assertTrue(s.getCtdbConnected());
        assertEquals(2, s.getThisPnn());
        assertTrue(s.getRecoveryActive());
        assertEquals("RUNNING", s.getRunstate());

        view.apply(next().setConnectionChanged(ConnectionChanged.newBuilder().setConnected(false).setThisPnn(2))
                .build());
        assertFalse(view.snapshot().getCtdbConnected());
        assertEquals(13, view.snapshot().getSequence());
    }

    @Test
    void eventWithoutAChangeStillAdvancesTheSequence() {
        // A newer bridge may send a change kind this client does not know: it must not open a gap.
        view.apply(next().build());
        assertEquals(11, view.snapshot().getSequence());
    }
}
