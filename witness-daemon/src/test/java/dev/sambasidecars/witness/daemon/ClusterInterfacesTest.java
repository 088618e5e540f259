package dev.sambasidecars.witness.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sambasidecars.ctdb.api.ClusterView;
import dev.sambasidecars.ctdb.api.v1.ClusterSnapshot;
import dev.sambasidecars.ctdb.api.v1.Node;
import dev.sambasidecars.ctdb.api.v1.PublicIp;
import dev.sambasidecars.witness.msrpce.AuthTrailer;
import dev.sambasidecars.witness.msswn.InterfaceInfo;
import dev.sambasidecars.witness.msswn.WitnessInterface;
import dev.sambasidecars.witness.ndr.NdrReader;
import dev.sambasidecars.witness.ndr.NdrSyntax;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The interface list node 1 gives for a cluster where node 2 is disabled. */
class ClusterInterfacesTest {

    static ClusterView cluster() {
        return new ClusterView(ClusterSnapshot.newBuilder().setThisPnn(1).setCtdbConnected(true)
                .addNodes(Node.newBuilder().setPnn(0).setConnected(true))
                .addNodes(Node.newBuilder().setPnn(1).setConnected(true).setThisNode(true))
                .addNodes(Node.newBuilder().setPnn(2).setConnected(true).setDisabled(true))
                .addPublicIps(PublicIp.newBuilder().setAddress("10.0.0.101").setOwner(0))
                .addPublicIps(PublicIp.newBuilder().setAddress("10.0.0.102").setOwner(1))
                .addPublicIps(PublicIp.newBuilder().setAddress("10.0.0.103").setOwner(2))
                .addPublicIps(PublicIp.newBuilder().setAddress("fd00::104").setOwner(-1))
                .build());
    }

    @Test
    void entriesFollowOwnersAndNodeFlags() {
        ClusterInterfaces ci = ClusterInterfaces.of(cluster(), "SOFS", false);
        List<InterfaceInfo> list = ci.interfaces();
        assertEquals(4, list.size());
        assertEquals("SOFS", list.get(0).groupName(), "the cluster's name on every entry");
        assertEquals(InterfaceInfo.STATE_AVAILABLE, list.get(0).state());
        assertTrue(!list.get(0).onThisNode());
        assertTrue(list.get(1).onThisNode(), "node 1 answers: its own address");
        assertEquals(InterfaceInfo.STATE_UNAVAILABLE, list.get(2).state(), "a disabled node does not serve");
        assertEquals(InterfaceInfo.STATE_UNAVAILABLE, list.get(3).state(), "no owner");
        assertEquals(InterfaceInfo.WITNESS_V2, list.get(0).version());
        assertEquals(List.of(), ClusterInterfaces.of(null, "SOFS", false).interfaces(), "no model yet: no interfaces");
        assertEquals(0, ci.servedBy().get(java.net.InetAddress.ofLiteral("10.0.0.101")));
        assertEquals(-1, ci.servedBy().get(java.net.InetAddress.ofLiteral("10.0.0.103")), "served by nobody healthy");
        assertEquals(-1, ci.servedBy().get(java.net.InetAddress.ofLiteral("fd00::104")));
    }

    @Test
    void nodeAddressesAreListedWhenAsked() {
        ClusterView v = new ClusterView(cluster().snapshot().toBuilder()
                .setNodes(0, Node.newBuilder().setPnn(0).setConnected(true).setAddress("10.0.0.10")).build());
        List<InterfaceInfo> list = ClusterInterfaces.of(v, "SOFS", true).interfaces();
        assertEquals(5, list.size(), "4 public IPs and the one node with an address");
        assertEquals(java.net.InetAddress.ofLiteral("10.0.0.10"), list.get(4).address());
        assertEquals(4, ClusterInterfaces.of(v, "SOFS", false).interfaces().size());
    }

    @Test
    void getInterfaceListMarshalsFlagsAndAddresses() throws Exception {
        WitnessInterface w = new WitnessInterface(call -> ClusterInterfaces.of(cluster(), "SOFS", false).interfaces(), null, AuthTrailer.LEVEL_INTEGRITY);
        for (NdrSyntax syntax : NdrSyntax.values()) {
            NdrReader r = new NdrReader(w.invoke(null, 0, new byte[0], syntax), syntax);
            assertTrue(r.pointer("list"));
            assertEquals(4, r.u32("num"));
            assertTrue(r.pointer("array"));
            assertEquals(4, r.count("size", 16, 552));
            int[] flags = new int[4];
            byte[] lastV6 = null;
            for (int i = 0; i < 4; i++) {
                r.fixedString(260, "name");
                assertEquals(InterfaceInfo.WITNESS_V2, r.u32("version"));
                r.u16("state");
                r.align(4);
                r.bytes(4, "v4");
                lastV6 = r.bytes(16, "v6");
                flags[i] = r.u32("flags");
            }
            assertEquals(0, r.u32("WERROR"));
            r.end();
            // IPv4 | INTERFACE_WITNESS elsewhere, IPv4 alone for the answering node, IPv6 | witness for fd00::104.
            assertEquals(List.of(5, 1, 5, 6), List.of(flags[0], flags[1], flags[2], flags[3]), syntax.name());
            assertEquals((byte) 0xfd, lastV6[0]);
        }
    }

    @Test
    void emptyListIsNoMoreItems() throws Exception {
        WitnessInterface w = new WitnessInterface(call -> List.of(), null, AuthTrailer.LEVEL_INTEGRITY);
        NdrReader r = new NdrReader(w.invoke(null, 0, new byte[0], NdrSyntax.NDR32), NdrSyntax.NDR32);
        assertTrue(r.pointer("list"));
        assertEquals(0, r.u32("num"));
        assertTrue(!r.pointer("array"));
        assertEquals(0x103, r.u32("WERROR"), "ERROR_NO_MORE_ITEMS");
        r.end();
    }
}
