package dev.sambasidecars.store.raft;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import dev.sambasidecars.store.state.InvalidRecordException;
import dev.sambasidecars.store.state.SnapshotFile;
import dev.sambasidecars.store.state.StoreState;
import dev.sambasidecars.store.v1.Command;
import dev.sambasidecars.store.v1.Query;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;
import org.apache.ratis.util.LifeCycle;
import org.apache.ratis.util.MD5FileUtil;
import org.apache.ratis.io.MD5Hash;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A shard's Raft state machine: log entries are {@link Command}s applied to a {@link StoreState},
 * queries are answered from it, snapshots are {@link SnapshotFile}s in Ratis's state-machine
 * directory (with Ratis's MD5 beside them).
 */
public final class ShardStateMachine extends BaseStateMachine {

    private static final Logger LOG = LoggerFactory.getLogger(ShardStateMachine.class);

    private final StoreState state;
    private final SimpleStateMachineStorage storage = new SimpleStateMachineStorage();
    private volatile SingleFileSnapshotInfo latest;
    private volatile long snapshotMillis;

    public ShardStateMachine(StoreState state) {
        this.state = state;
    }

    public int shard() {
        return state.shard();
    }

    @Override
    public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
        super.initialize(server, groupId, raftStorage);
        storage.init(raftStorage);
        getLifeCycle().startAndTransition(this::load, IOException.class);
    }

    /**
     * Ratis pauses the state machine before it swaps in a snapshot installed from the leader,
     * then calls {@link #reinitialize()}; the base class's pause does nothing and the swap then fails.
     */
    @Override
    public void pause() {
        if (getLifeCycleState() == LifeCycle.State.RUNNING) {
            getLifeCycle().transition(LifeCycle.State.PAUSING);
            getLifeCycle().transition(LifeCycle.State.PAUSED);
        }
    }

    @Override
    public void reinitialize() throws IOException {
        load();
        if (getLifeCycleState() == LifeCycle.State.PAUSED) {
            getLifeCycle().transition(LifeCycle.State.STARTING);
            getLifeCycle().transition(LifeCycle.State.RUNNING);
        }
    }

    private void load() throws IOException {
        SingleFileSnapshotInfo snapshot = storage.loadLatestSnapshot();
        latest = snapshot;
        if (snapshot == null) {
            return;
        }
        Path file = snapshot.getFile().getPath();
        MD5Hash md5 = snapshot.getFile().getFileDigest();
        if (md5 != null) {
            MD5FileUtil.verifySavedMD5(file.toFile(), md5);
        }
        TermIndex last = SimpleStateMachineStorage.getTermIndexFromSnapshotFile(file.toFile());
        synchronized (state) {
            try {
                SnapshotFile.read(file, state);
            } catch (InvalidRecordException e) {
                throw new IOException("shard " + state.shard() + ": snapshot " + file + " holds a bad record: "
                        + e.getMessage(), e);
            }
            updateLastAppliedTermIndex(last);
        }
        snapshotMillis = Files.getLastModifiedTime(file).toMillis();
        LOG.info("shard {}: loaded snapshot {} ({} records)", state.shard(), last, state.size());
    }

    @Override
    public SimpleStateMachineStorage getStateMachineStorage() {
        return storage;
    }

    /**
     * The snapshot held, known without looking at the disk: Ratis asks before every append to a
     * follower, and the storage's own answer lists the directory again whenever there is none yet.
     */
    @Override
    public SingleFileSnapshotInfo getLatestSnapshot() {
        return latest;
    }

    /**
     * A write this node proposed itself ({@link ProtoMessage}) keeps its {@link Command} in the
     * transaction, which Ratis hands back to {@link #applyTransaction} on this node: the leader
     * applies the object its entry's bytes were made from instead of parsing them again (every
     * other replica, and this one after a restart, parses the bytes; both give the same command).
     */
    @Override
    public TransactionContext startTransaction(RaftClientRequest request) throws IOException {
        TransactionContext.Builder b = TransactionContext.newBuilder().setStateMachine(this).setClientRequest(request);
        Command own = ProtoMessage.of(request.getMessage(), Command.class);
        if (own != null) {
            b.setStateMachineContext(own);
        }
        return b.build();
    }

    /**
     * Replies to a command this node proposed with a {@link ProtoMessage}: the leader's writer
     * takes its results without parsing them. Any other entry's reply is its bytes: on a
     * follower it is only kept, in Ratis's retry cache (for a client that sends the same call
     * again, to a new leader), where a batch's results as objects took about ten times the
     * space (72 bytes per update's result against some 6), all of it outliving young
     * collections: 80 MB of them per store, held a minute, at 20,000 writes/s.
     */
    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
        LogEntryProto entry = trx.getLogEntry();
        Command own = trx.getStateMachineContext() instanceof Command c ? c : null;
        MessageLite reply;
        synchronized (state) {
            reply = state.apply(entry.getIndex(), own != null ? own : command(entry));
            updateLastAppliedTermIndex(entry.getTerm(), entry.getIndex());
        }
        return CompletableFuture.completedFuture(own != null ? new ProtoMessage<>(reply)
                : Message.valueOf(UnsafeByteOperations.unsafeWrap(reply.toByteArray())));
    }

    private Command command(LogEntryProto entry) {
        try {
            return Command.parseFrom(entry.getStateMachineLogEntry().getLogData().asReadOnlyByteBuffer());
        } catch (InvalidProtocolBufferException e) {
            // Only this daemon writes the log: an entry that does not parse is skipped the same way on every replica.
            LOG.error("shard {}: log entry {} is not a command: {}", state.shard(), entry.getIndex(), e.getMessage());
            return Command.getDefaultInstance();
        }
    }

    @Override
    public CompletableFuture<Message> query(Message request) {
        Query q;
        try {
            q = Query.parseFrom(request.getContent().asReadOnlyByteBuffer());
        } catch (InvalidProtocolBufferException e) {
            return CompletableFuture.failedFuture(new IOException("not a persist-store query: " + e.getMessage()));
        }
        ByteString reply;
        synchronized (state) {
            reply = state.query(q);
        }
        return CompletableFuture.completedFuture(Message.valueOf(reply.asReadOnlyByteBuffer()));
    }

    @Override
    public long takeSnapshot() throws IOException {
        TermIndex applied;
        File file;
        synchronized (state) {
            applied = getLastAppliedTermIndex();
            if (applied == null || applied.getIndex() < 0) {
                return -1;
            }
            file = storage.getSnapshotFile(applied.getTerm(), applied.getIndex());
            SnapshotFile.write(file.toPath(), state);
        }
        MD5Hash md5 = MD5FileUtil.computeAndSaveMd5ForFile(file);
        latest = new SingleFileSnapshotInfo(new FileInfo(file.toPath(), md5), applied);
        storage.updateLatestSnapshot(latest);
        snapshotMillis = System.currentTimeMillis();
        return applied.getIndex();
    }

    @Override
    public void notifyLeaderChanged(RaftGroupMemberId member, RaftPeerId newLeader) {
        LOG.info("shard {}: leader is now {}", state.shard(), newLeader == null ? "unknown" : newLeader);
    }

    @Override
    public void notifyLogFailed(Throwable cause, LogEntryProto failedEntry) {
        LOG.error("shard {}: the Raft log failed{}: {}", state.shard(),
                failedEntry == null ? "" : " at entry " + failedEntry.getIndex(), cause.toString());
    }

    @Override
    public void notifySnapshotInstalled(org.apache.ratis.proto.RaftProtos.InstallSnapshotResult result, long snapshotIndex,
                                        org.apache.ratis.protocol.RaftPeer peer) {
        LOG.info("shard {}: snapshot at index {} installed on {}: {}", state.shard(), snapshotIndex, peer.getId(), result);
    }

    /** The earliest expiry deadline of a disconnected open in this shard (0: none). */
    public long nextDeadline() {
        synchronized (state) {
            return state.nextDeadline();
        }
    }

    /** This replica's digest as it is now (without a read index: for comparing replicas). */
    public dev.sambasidecars.store.v1.DigestReply digest() {
        synchronized (state) {
            return state.digest();
        }
    }

    public int records() {
        synchronized (state) {
            return state.size();
        }
    }

    public long snapshotIndex() {
        SingleFileSnapshotInfo s = latest;
        return s == null ? -1 : s.getIndex();
    }

    public long snapshotMillis() {
        return snapshotMillis;
    }
}
