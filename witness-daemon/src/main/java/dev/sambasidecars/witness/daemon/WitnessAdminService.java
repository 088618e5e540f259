package dev.sambasidecars.witness.daemon;

import dev.sambasidecars.witness.api.v1.ActionResponse;
import dev.sambasidecars.witness.api.v1.DrainRequest;
import dev.sambasidecars.witness.api.v1.DrainStatus;
import dev.sambasidecars.witness.api.v1.ForceResponseRequest;
import dev.sambasidecars.witness.api.v1.ForceUnregisterRequest;
import dev.sambasidecars.witness.api.v1.ListRequest;
import dev.sambasidecars.witness.api.v1.ListResponse;
import dev.sambasidecars.witness.api.v1.MoveRequest;
import dev.sambasidecars.witness.api.v1.NodeResult;
import dev.sambasidecars.witness.api.v1.WitnessAdminGrpc;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator API (sidecar.witness.v1.WitnessAdmin): each operation acts on this node's
 * registrations through {@link WitnessAdmin}, and with {@code cluster} set also asks every other
 * node's witness daemon through {@link WitnessPeers}, reporting per node.
 */
final class WitnessAdminService extends WitnessAdminGrpc.WitnessAdminImplBase {
    private static final Logger LOG = LoggerFactory.getLogger(WitnessAdminService.class);

    private final WitnessAdmin admin;
    private final WitnessPeers peers;

    WitnessAdminService(WitnessAdmin admin, WitnessPeers peers) {
        this.admin = admin;
        this.peers = peers;
    }

    private static <T> void fail(StreamObserver<T> out, IllegalArgumentException e) {
        out.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
    }

    @Override
    public void list(ListRequest req, StreamObserver<ListResponse> out) {
        try {
            ListResponse.Builder b = ListResponse.newBuilder().addAllRegistrations(admin.list(req.getFilter()));
            b.addNodes(NodeResult.newBuilder().setPnn(admin.thisPnn()).setAffected(b.getRegistrationsCount()));
            if (req.getCluster()) {
                for (WitnessPeers.Answer<ListResponse> a : peers.ask(s -> s.list(req.toBuilder().setCluster(false).build()))) {
                    if (a.error() != null) {
                        b.addNodes(NodeResult.newBuilder().setPnn(a.pnn()).setError(a.error()));
                    } else {
                        b.addAllRegistrations(a.value().getRegistrationsList());
                        b.addNodes(NodeResult.newBuilder().setPnn(a.pnn()).setAffected(a.value().getRegistrationsCount()));
                    }
                }
            }
            out.onNext(b.build());
            out.onCompleted();
        } catch (IllegalArgumentException e) {
            fail(out, e);
        }
    }

    /** Runs {@code local} here and, when asked, {@code remote} on every peer; sums what they did. */
    private void act(boolean cluster, java.util.function.IntSupplier local,
                     java.util.function.Function<dev.sambasidecars.witness.api.v1.WitnessAdminGrpc.WitnessAdminBlockingStub,
                             ActionResponse> remote, StreamObserver<ActionResponse> out) {
        try {
            int here = local.getAsInt();
            ActionResponse.Builder b = ActionResponse.newBuilder().setAffected(here)
                    .addNodes(NodeResult.newBuilder().setPnn(admin.thisPnn()).setAffected(here));
            if (cluster) {
                for (WitnessPeers.Answer<ActionResponse> a : peers.ask(remote)) {
                    if (a.error() != null) {
                        b.addNodes(NodeResult.newBuilder().setPnn(a.pnn()).setError(a.error()));
                    } else {
                        b.setAffected(b.getAffected() + a.value().getAffected());
                        b.addNodes(NodeResult.newBuilder().setPnn(a.pnn()).setAffected(a.value().getAffected()));
                    }
                }
            }
            out.onNext(b.build());
            out.onCompleted();
        } catch (IllegalArgumentException e) {
            fail(out, e);
        }
    }

    @Override
    public void clientMove(MoveRequest req, StreamObserver<ActionResponse> out) {
        act(req.getCluster(), () -> admin.move(req, false),
                s -> s.clientMove(req.toBuilder().setCluster(false).build()), out);
    }

    @Override
    public void shareMove(MoveRequest req, StreamObserver<ActionResponse> out) {
        act(req.getCluster(), () -> admin.move(req, true),
                s -> s.shareMove(req.toBuilder().setCluster(false).build()), out);
    }

    @Override
    public void forceUnregister(ForceUnregisterRequest req, StreamObserver<ActionResponse> out) {
        act(req.getCluster(), () -> admin.forceUnregister(req.getFilter()),
                s -> s.forceUnregister(req.toBuilder().setCluster(false).build()), out);
    }

    @Override
    public void forceResponse(ForceResponseRequest req, StreamObserver<ActionResponse> out) {
        act(req.getCluster(), () -> admin.forceResponse(req),
                s -> s.forceResponse(req.toBuilder().setCluster(false).build()), out);
    }

    /**
     * Moves every client registered (anywhere in the cluster) to an address node N serves to
     * addresses of other nodes, then reports once a second how many such registrations are left
     * until none is, or the timeout passes.
     */
    @Override
    public void drain(DrainRequest req, StreamObserver<DrainStatus> out) {
        long timeoutMs = (req.getTimeoutSeconds() == 0 ? 60 : req.getTimeoutSeconds()) * 1000L;
        try {
            MoveRequest move = admin.drainMove(req.getNode());
            int moved = admin.move(move, false);
            for (WitnessPeers.Answer<ActionResponse> a : peers.ask(s -> s.clientMove(move))) {
                moved += a.error() == null ? a.value().getAffected() : 0;
            }
            LOG.info("drain of node {}: {} registrations told to move to {}", req.getNode(), moved, move.getIpsList());
            long deadline = System.nanoTime() + timeoutMs * 1_000_000;
            while (true) {
                DrainStatus.Builder st = DrainStatus.newBuilder().setMoved(moved);
                int remaining = 0;
                ListRequest onNode = ListRequest.newBuilder().setFilter(move.getFilter()).build();
                remaining += admin.list(move.getFilter()).size();
                st.addNodes(NodeResult.newBuilder().setPnn(admin.thisPnn()));
                for (WitnessPeers.Answer<ListResponse> a : peers.ask(s -> s.list(onNode))) {
                    if (a.error() != null) {
                        st.addNodes(NodeResult.newBuilder().setPnn(a.pnn()).setError(a.error()));
                    } else {
                        remaining += a.value().getRegistrationsCount();
                        st.addNodes(NodeResult.newBuilder().setPnn(a.pnn()).setAffected(a.value().getRegistrationsCount()));
                    }
                }
                boolean done = remaining == 0 || System.nanoTime() > deadline;
                out.onNext(st.setRemaining(remaining).setDone(done).build());
                if (done) {
                    out.onCompleted();
                    return;
                }
                Thread.sleep(1000);
            }
        } catch (IllegalArgumentException e) {
            fail(out, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            out.onError(Status.CANCELLED.asRuntimeException());
        }
    }
}
