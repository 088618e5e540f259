package dev.sambasidecars.ctdb.model;

import static dev.sambasidecars.ctdb.model.Fixtures.ADDRESS_ORDER;
import static dev.sambasidecars.ctdb.model.Fixtures.POLL;
import static dev.sambasidecars.ctdb.model.Fixtures.connected;
import static dev.sambasidecars.ctdb.model.Fixtures.ip;
import static dev.sambasidecars.ctdb.model.Fixtures.node;
import static dev.sambasidecars.ctdb.model.Fixtures.timeless;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sambasidecars.ctdb.api.ClusterView;
import dev.sambasidecars.ctdb.api.v1.ClusterEvent;
import dev.sambasidecars.ctdb.api.v1.ClusterSnapshot;
import dev.sambasidecars.ctdb.api.v1.IpChanged;
import dev.sambasidecars.ctdb.api.v1.Node;
import dev.sambasidecars.ctdb.api.v1.NodeChanged;
import dev.sambasidecars.ctdb.api.v1.PublicIp;
import dev.sambasidecars.ctdb.api.v1.Trigger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ClusterModelTest {

    private final List<ClusterEvent> sunk = new ArrayList<>();
    private final ClusterModel model = new ClusterModel(1000, (e, c) -> sunk.add(e));

    private static final List<Node> THREE = List.of(node(0, 0), node(1, 0), node(2, 0));

    @Test
    void startsEmptyAndDisconnected() {
        ClusterSnapshot s = model.snapshot();
        assertEquals(0, s.getSequence());
        assertFalse(s.getCtdbConnected());
        assertEquals(-1, s.getThisPnn());
        assertTrue(s.getNodesList().isEmpty());
    }

    @Test
    void firstObservationEmitsConnectionThenNodesThenIpsInOrder() {
        List<ClusterEvent> events = model.observe(new Observation(true, 1,
                List.of(node(2, 0), node(0, 0), node(1, 0)),
                List.of(ip("fd00::5", 1), ip("10.0.0.10", 0), ip("10.0.0.9", 2)), true, "RUNNING"), POLL);

        List<String> kinds = events.stream().map(e -> switch (e.getChangeCase()) {
            case CONNECTION_CHANGED -> "conn " + e.getConnectionChanged().getConnected() + " "
                    + e.getConnectionChanged().getThisPnn();
            case NODE_CHANGED -> "node " + e.getNodeChanged().getPnn();
            case IP_CHANGED -> "ip " + e.getIpChanged().getAddress();
            case RECOVERY_CHANGED -> "recovery " + e.getRecoveryChanged().getRecoveryActive();
            case CHANGE_NOT_SET -> "?";
        }).toList();
        assertEquals(List.of("conn true 1", "node 0", "node 1", "node 2", "ip 10.0.0.9", "ip 10.0.0.10",
                "ip fd00::5", "recovery true"), kinds);
        for (int i = 0; i < events.size(); i++) {
            assertEquals(i + 1, events.get(i).getSequence());
            assertEquals(Trigger.TRIGGER_POLL, events.get(i).getTrigger());
            assertEquals("poll", events.get(i).getTriggerDetail());
            assertEquals(2, events.get(i).getTriggerUnixNanos());
        }
        assertEquals(events, sunk, "the sink hears every event, in order");
        // A new IP comes from nowhere: previous owner -1.
        assertEquals(-1, events.get(4).getIpChanged().getPreviousOwner());
        assertFalse(events.get(1).getNodeChanged().hasPrevious());
    }

    @Test
    void nothingChangedMeansNoEvents() {
        Observation o = connected(0, THREE, List.of(ip("10.0.0.5", 0), ip("10.0.0.6", 1)));
        model.observe(o, POLL);
        long seq = model.snapshot().getSequence();

        assertEquals(List.of(), model.observe(o, POLL));
        // The same state listed in another order is still the same state.
        List<Node> shuffled = new ArrayList<>(THREE);
        Collections.reverse(shuffled);
        assertEquals(List.of(), model.observe(connected(0, shuffled,
                List.of(ip("10.0.0.6", 1), ip("10.0.0.5", 0))), POLL));
        assertEquals(seq, model.snapshot().getSequence());
    }

    @Test
    void ipMovingOwnerIsExactlyOneIpChanged() {
        model.observe(connected(0, THREE, List.of(ip("10.0.0.5", 0), ip("10.0.0.6", 1))), POLL);
        long seq = model.snapshot().getSequence();

        List<ClusterEvent> events = model.observe(connected(0, THREE,
                List.of(ip("10.0.0.5", 2), ip("10.0.0.6", 1))), POLL);

        assertEquals(1, events.size());
        ClusterEvent e = events.getFirst();
        assertEquals(seq + 1, e.getSequence());
        IpChanged c = e.getIpChanged();
        assertEquals("10.0.0.5", c.getAddress());
        assertEquals(0, c.getPreviousOwner());
        assertEquals(2, c.getOwner());
        assertFalse(c.getRemoved());
        assertEquals(ip("10.0.0.5", 2), c.getIp());
    }

    @Test
    void ipLosingItsOwnerAndIpRemoved() {
        model.observe(connected(0, THREE, List.of(ip("10.0.0.5", 1), ip("10.0.0.6", 1))), POLL);

        List<ClusterEvent> events = model.observe(connected(0, THREE, List.of(ip("10.0.0.5", -1))), POLL);

        assertEquals(2, events.size());
        IpChanged unassigned = events.get(0).getIpChanged();
        assertEquals("10.0.0.5", unassigned.getAddress());
        assertEquals(1, unassigned.getPreviousOwner());
        assertEquals(-1, unassigned.getOwner());
        assertFalse(unassigned.getRemoved());
        IpChanged removed = events.get(1).getIpChanged();
        assertEquals("10.0.0.6", removed.getAddress());
        assertEquals(1, removed.getPreviousOwner());
        assertEquals(-1, removed.getOwner());
        assertTrue(removed.getRemoved());
        assertEquals(List.of(ip("10.0.0.5", -1)), model.snapshot().getPublicIpsList());
    }

    @Test
    void nodeFlagChangeCarriesThePreviousNode() {
        model.observe(connected(0, THREE, List.of()), POLL);

        List<ClusterEvent> events = model.observe(connected(0,
                List.of(node(0, 0), node(1, 0x08), node(2, 0)), List.of()), POLL);

        assertEquals(1, events.size());
        NodeChanged c = events.getFirst().getNodeChanged();
        assertEquals(1, c.getPnn());
        assertEquals(node(1, 0x08), c.getNode());
        assertTrue(c.getNode().getBanned());
        assertEquals(node(1, 0), c.getPrevious());
    }

    @Test
    void nodeLeavingTheMapHasNoNode() {
        model.observe(connected(0, THREE, List.of()), POLL);

        List<ClusterEvent> events = model.observe(connected(0, List.of(node(0, 0), node(1, 0)), List.of()), POLL);

        assertEquals(1, events.size());
        NodeChanged c = events.getFirst().getNodeChanged();
        assertEquals(2, c.getPnn());
        assertFalse(c.hasNode());
        assertEquals(node(2, 0), c.getPrevious());
    }

    @Test
    void disconnectIsOneConnectionChangedAndKeepsTheLastState() {
        model.observe(connected(1, THREE, List.of(ip("10.0.0.5", 1))), POLL);
        ClusterSnapshot before = model.snapshot();

        List<ClusterEvent> lost = model.observe(Observation.disconnected(), POLL);
        List<ClusterEvent> again = model.observe(Observation.disconnected(), POLL);

        assertEquals(1, lost.size());
        assertFalse(lost.getFirst().getConnectionChanged().getConnected());
        assertEquals(1, lost.getFirst().getConnectionChanged().getThisPnn());
        assertEquals(List.of(), again);
        ClusterSnapshot after = model.snapshot();
        assertFalse(after.getCtdbConnected());
        assertEquals(before.getNodesList(), after.getNodesList());
        assertEquals(before.getPublicIpsList(), after.getPublicIpsList());
    }

    @Test
    void reconnectIsAConnectionChangedEvenWhenNothingElseMoved() {
        Observation o = connected(1, THREE, List.of(ip("10.0.0.5", 1)));
        model.observe(o, POLL);
        model.observe(Observation.disconnected(), POLL);

        List<ClusterEvent> events = model.observe(o, POLL);

        assertEquals(1, events.size());
        assertTrue(events.getFirst().getConnectionChanged().getConnected());
        assertEquals(1, events.getFirst().getConnectionChanged().getThisPnn());
    }

    @Test
    void ipreallocatedFlagChangesTheSnapshotWithoutAnEvent() {
        model.observe(connected(0, THREE, List.of()), POLL);
        long seq = model.snapshot().getSequence();

        model.setIpreallocatedMessages(true);

        assertTrue(model.snapshot().getIpreallocatedMessages());
        assertEquals(seq, model.snapshot().getSequence());
    }

    // ---- random walk ----

    private static final String[] POOL = {"10.0.0.10", "10.0.0.9", "10.0.0.2", "192.168.7.1", "fd00::5",
        "fd00::10", "2001:db8::1:0:0:1", "::1"};
    private static final int[] FLAGS = {0, 0, 0, 0x01, 0x02, 0x04, 0x08, 0x09, 0x20, 0x10};
    private static final String[] RUNSTATES = {"RUNNING", "RUNNING", "STARTUP", "FIRST_RECOVERY"};

    private static Observation randomObservation(Random r) {
        if (r.nextInt(8) == 0) {
            return Observation.disconnected();
        }
        int n = 1 + r.nextInt(5);
        List<Node> nodes = new ArrayList<>();
        for (int pnn = 0; pnn < n; pnn++) {
            if (r.nextInt(6) != 0) {
                nodes.add(node(pnn, FLAGS[r.nextInt(FLAGS.length)]));
            }
        }
        List<PublicIp> ips = new ArrayList<>();
        for (String a : POOL) {
            if (r.nextInt(10) < 7) {
                ips.add(PublicIp.newBuilder().setAddress(a).setOwner(r.nextInt(n + 1) - 1)
                        .setPrefixBits(r.nextInt(3) * 8).addInterfaces("eth" + r.nextInt(2)).build());
            }
        }
        // The model must not depend on the order ctdbd lists things in.
        Collections.shuffle(nodes, r);
        Collections.shuffle(ips, r);
        return new Observation(true, r.nextInt(n), nodes, ips, r.nextInt(5) == 0,
                RUNSTATES[r.nextInt(RUNSTATES.length)]);
    }

    /** What the snapshot must hold after the observations, derived from them alone. */
    private static ClusterSnapshot expected(Observation lastConnected, boolean connectedNow, long sequence) {
        ClusterSnapshot.Builder b = ClusterSnapshot.newBuilder().setSequence(sequence).setCtdbConnected(connectedNow)
                .setThisPnn(-1);
        if (lastConnected != null) {
            b.setThisPnn(lastConnected.thisPnn())
                    .addAllNodes(lastConnected.nodes().stream().sorted(Comparator.comparingInt(Node::getPnn)).toList())
                    .addAllPublicIps(lastConnected.publicIps().stream()
                            .sorted(Comparator.comparing(PublicIp::getAddress, ADDRESS_ORDER)).toList())
                    .setRecoveryActive(lastConnected.recoveryActive())
                    .setRunstate(lastConnected.runstate());
        }
        return b.build();
    }

    @Test
    void randomObservationsGiveConsecutiveEventsThatRebuildTheModel() {
        Random r = new Random(20240611L);
        ClusterSnapshot initial = model.snapshot();
        ClusterView replayed = new ClusterView(initial);
        Observation previous = Observation.disconnected();
        Observation lastConnected = null;
        long sequence = 0;
        int quiet = 0;

        for (int step = 0; step < 2000; step++) {
            // Often the cluster did not change at all between two looks.
            Observation o = r.nextInt(3) == 0 ? previous : randomObservation(r);
            List<ClusterEvent> events = model.observe(o, POLL);

            for (ClusterEvent e : events) {
                assertEquals(++sequence, e.getSequence(), "step " + step);
                replayed.apply(e);
            }
            if (o == previous) {
                assertEquals(List.of(), events, "unchanged observation at step " + step);
                quiet++;
            }
            if (o.connected()) {
                lastConnected = o;
            }
            previous = o;

            ClusterSnapshot now = timeless(model.snapshot());
            assertEquals(now, timeless(replayed.snapshot()), "events replayed onto the start, step " + step);
            assertEquals(expected(lastConnected, o.connected(), sequence), now, "model vs observation, step " + step);
        }
        assertTrue(sequence > 2000 && quiet > 300, "the walk exercised changes and no-ops: " + sequence + "/" + quiet);
        assertEquals(sequence, sunk.size());
    }
}
