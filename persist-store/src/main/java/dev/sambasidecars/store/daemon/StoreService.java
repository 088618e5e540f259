package dev.sambasidecars.store.daemon;

import dev.sambasidecars.store.raft.RecordStore;
import dev.sambasidecars.store.raft.StoreNode;
import dev.sambasidecars.store.raft.StoreUnavailableException;
import dev.sambasidecars.store.v1.CompareAndSetRequest;
import dev.sambasidecars.store.v1.DeleteRequest;
import dev.sambasidecars.store.v1.FindByCreateGuidRequest;
import dev.sambasidecars.store.v1.FindByFileIdRequest;
import dev.sambasidecars.store.v1.FindReply;
import dev.sambasidecars.store.v1.GetReply;
import dev.sambasidecars.store.v1.GetRequest;
import dev.sambasidecars.store.v1.ListByNodeRequest;
import dev.sambasidecars.store.v1.PutRequest;
import dev.sambasidecars.store.v1.ShardStat;
import dev.sambasidecars.store.v1.StatReply;
import dev.sambasidecars.store.v1.StatRequest;
import dev.sambasidecars.store.v1.StoreGrpc;
import dev.sambasidecars.store.v1.UpdateCall;
import dev.sambasidecars.store.v1.UpdateReply;
import dev.sambasidecars.store.v1.UpdateRequest;
import dev.sambasidecars.store.v1.UpdateResult;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import org.apache.ratis.server.RaftServer;

/** The store's gRPC API, served on the local socket. */
final class StoreService extends StoreGrpc.StoreImplBase {

    private final RecordStore store;
    private final StoreMetrics metrics;

    StoreService(RecordStore store, StoreMetrics metrics) {
        this.store = store;
        this.metrics = metrics;
    }

    @Override
    public void put(PutRequest req, StreamObserver<UpdateResult> out) {
        write("put", store.put(req.getKey(), req.getValue(), req.getCrc32C()), out);
    }

    @Override
    public void compareAndSet(CompareAndSetRequest req, StreamObserver<UpdateResult> out) {
        write("cas", store.compareAndSet(req.getKey(), req.getExpectedVersion(), req.getValue(), req.getCrc32C()), out);
    }

    @Override
    public void delete(DeleteRequest req, StreamObserver<UpdateResult> out) {
        write("delete", store.delete(req.getKey(), req.getExpectedVersion()), out);
    }

    @Override
    public void update(UpdateRequest req, StreamObserver<UpdateResult> out) {
        write("update", store.update(req.getUpdate()), out);
    }

    private void write(String type, CompletableFuture<UpdateResult> f, StreamObserver<UpdateResult> out) {
        settle(type, f, r -> {
            out.onNext(r);
            out.onCompleted();
        }, status -> out.onError(status.asException()));
    }

    /** Records a write's commit latency and outcome, then hands on its result or the gRPC status it failed with. */
    void settle(String type, CompletableFuture<UpdateResult> f, Consumer<UpdateResult> ok, Consumer<Status> failed) {
        Timer.Sample t = Timer.start();
        f.whenComplete((r, e) -> {
            if (e == null) {
                t.stop(metrics.commit());
                metrics.op(type, StoreMetrics.outcome(r.getStatus()));
                ok.accept(r);
            } else {
                failed.accept(failure(type, e));
            }
        });
    }

    @Override
    public StreamObserver<UpdateCall> updates(StreamObserver<UpdateReply> replies) {
        return new UpdateStream(this, (ServerCallStreamObserver<UpdateReply>) replies);
    }

    /** Starts the write an update call names; {@code null} when it names none. */
    CompletableFuture<UpdateResult> start(UpdateCall call) {
        return switch (call.getOpCase()) {
            case PUT -> store.put(call.getPut().getKey(), call.getPut().getValue(), call.getPut().getCrc32C());
            case COMPARE_AND_SET -> store.compareAndSet(call.getCompareAndSet().getKey(),
                    call.getCompareAndSet().getExpectedVersion(), call.getCompareAndSet().getValue(),
                    call.getCompareAndSet().getCrc32C());
            case DELETE -> store.delete(call.getDelete().getKey(), call.getDelete().getExpectedVersion());
            case UPDATE -> store.update(call.getUpdate().getUpdate());
            case OP_NOT_SET -> null;
        };
    }

    @Override
    public void get(GetRequest req, StreamObserver<GetReply> out) {
        read("get", store.get(req.getKey()), out);
    }

    @Override
    public void findByCreateGuid(FindByCreateGuidRequest req, StreamObserver<FindReply> out) {
        read("find_by_create_guid", store.findByCreateGuid(req.getClientGuid(), req.getCreateGuid()), out);
    }

    @Override
    public void findByFileId(FindByFileIdRequest req, StreamObserver<FindReply> out) {
        read("find_by_file_id", store.findByFileId(req.getPersistentFileId()), out);
    }

    @Override
    public void listByNode(ListByNodeRequest req, StreamObserver<FindReply> out) {
        read("list_by_node", store.listByNode(req.getOwningNode()), out);
    }

    private <T> void read(String type, CompletableFuture<T> f, StreamObserver<T> out) {
        f.whenComplete((r, e) -> {
            if (e == null) {
                metrics.op(type, "ok");
                out.onNext(r);
                out.onCompleted();
            } else {
                fail(type, e, out);
            }
        });
    }

    private void fail(String type, Throwable e, StreamObserver<?> out) {
        out.onError(failure(type, e).asException());
    }

    /** Counts a failed operation and says what gRPC status it fails with. */
    private Status failure(String type, Throwable e) {
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        if (cause instanceof StoreUnavailableException u) {
            metrics.op(type, "unavailable");
            return Status.UNAVAILABLE.withDescription(u.getMessage());
        }
        metrics.op(type, "error");
        return Status.INTERNAL.withDescription(type + " failed: " + cause);
    }

    /** The stat reads log directories and digests every record: off the event loop the API runs on. */
    @Override
    public void stat(StatRequest req, StreamObserver<StatReply> out) {
        Thread.ofVirtual().name("store-stat").start(() -> {
            StatReply reply;
            try {
                reply = stat();
            } catch (RuntimeException e) {
                out.onError(Status.INTERNAL.withDescription("stat failed: " + e).asException());
                return;
            }
            out.onNext(reply);
            out.onCompleted();
        });
    }

    private StatReply stat() {
        StoreNode node = store.node();
        StatReply.Builder reply = StatReply.newBuilder().setThisNode(node.config().thisNode());
        for (int s = 0; s < node.shards().count(); s++) {
            ShardStat.Builder st = ShardStat.newBuilder().setShard(s)
                    .setGroupId(node.group(s).getGroupId().getUuid().toString());
            node.group(s).getPeers().forEach(p -> st.addReplicas(p.getId() + "@" + p.getAddress()));
            RaftServer.Division d = node.division(s);
            if (d == null) {
                st.setRole("NONE");
            } else {
                st.setRole(d.getInfo().getCurrentRole().name());
                if (d.getInfo().getLeaderId() != null) {
                    st.setLeader(d.getInfo().getLeaderId().toString());
                }
                st.setAppliedIndex(d.getInfo().getLastAppliedIndex());
                st.setCommitIndex(d.getRaftLog().getLastCommittedIndex());
                st.setLogBytes(node.logBytes(s));
                var m = node.machine(s);
                if (m != null) {
                    st.setRecords(m.records());
                    var digest = m.digest();
                    st.setDigest(digest.getSha256()).setDigestIndex(digest.getAppliedIndex());
                    st.setSnapshotIndex(Math.max(0, m.snapshotIndex()));
                    if (m.snapshotMillis() != 0) {
                        st.setSnapshotAgeMs(System.currentTimeMillis() - m.snapshotMillis());
                    }
                }
            }
            reply.addShards(st);
        }
        return reply.build();
    }
}
