package dev.sambasidecars.store.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.sambasidecars.store.shard.Shards;
import dev.sambasidecars.store.state.RecordCheck;
import dev.sambasidecars.store.state.StoreState;
import dev.sambasidecars.store.v1.Batch;
import dev.sambasidecars.store.v1.BatchResult;
import dev.sambasidecars.store.v1.Command;
import dev.sambasidecars.store.v1.GetReply;
import dev.sambasidecars.store.v1.GetRequest;
import dev.sambasidecars.store.v1.PersistentOpen;
import dev.sambasidecars.store.v1.Query;
import dev.sambasidecars.store.v1.Status;
import dev.sambasidecars.store.v1.Update;
import dev.sambasidecars.store.v1.Write;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.statemachine.TransactionContext;
import org.junit.jupiter.api.Test;

/**
 * The leader applies the command object its own node proposed (no second parse), a follower the
 * same command from the entry's bytes, and both end equal.
 */
class ShardStateMachineTest {

    private static ShardStateMachine machine() {
        return new ShardStateMachine(new StoreState(0, new Shards(1), new RecordCheck(RecordCheck.DEFAULT_MAX_VALUE)));
    }

    private static Command put(String key, long fileId) {
        ByteString v = PersistentOpen.newBuilder().setPersistentFileId(fileId).setShare("vms").build().toByteString();
        Write w = Write.newBuilder().setKey(ByteString.copyFromUtf8(key)).setValue(v).setCrc32C(RecordCheck.crc32c(v)).build();
        return Command.newBuilder().setBatch(Batch.newBuilder().addUpdates(Update.newBuilder().addWrites(w))).build();
    }

    private static RaftClientRequest request(Message m) {
        return RaftClientRequest.newBuilder().setClientId(ClientId.randomId()).setServerId(RaftPeerId.valueOf("n0"))
                .setGroupId(RaftGroupId.randomId()).setCallId(1).setMessage(m)
                .setType(RaftClientRequest.writeRequestType()).build();
    }

    private static boolean holds(ShardStateMachine m, String key) throws Exception {
        Message reply = m.query(Message.valueOf(Query.newBuilder().setGet(GetRequest.newBuilder()
                .setKey(ByteString.copyFromUtf8(key))).build().toByteString().asReadOnlyByteBuffer())).get();
        return GetReply.parseFrom(reply.getContent().asReadOnlyByteBuffer()).getFound();
    }

    @Test
    void theLeaderAppliesItsOwnCommandAndAFollowerTheSameFromTheBytes() throws Exception {
        ShardStateMachine leader = machine();
        ShardStateMachine follower = machine();
        Command c = put("a", 7);
        TransactionContext own = leader.startTransaction(request(new ProtoMessage<>(c)));
        assertSame(c, own.getStateMachineContext());
        LogEntryProto entry = own.initLogEntry(1, 1);
        assertEquals(c, Command.parseFrom(entry.getStateMachineLogEntry().getLogData().asReadOnlyByteBuffer()),
                "the entry's bytes are the command's");

        Message led = leader.applyTransaction(own).get();
        Message followed = follower.applyTransaction(TransactionContext.newBuilder().setStateMachine(follower)
                .setLogEntry(entry).build()).get();
        assertNull(ProtoMessage.of(followed, BatchResult.class), "a follower's reply is only its bytes");
        BatchResult results = ProtoMessage.take(led, BatchResult.class);
        assertNotNull(results, "the leader's writer gets the results as an object");
        assertEquals(Status.STATUS_OK, results.getResults(0).getStatus());
        assertNull(ProtoMessage.of(led, BatchResult.class), "once taken, the reply keeps only its bytes");
        assertEquals(results, BatchResult.parseFrom(led.getContent().asReadOnlyByteBuffer()));
        assertEquals(led.getContent(), followed.getContent());
        assertEquals(leader.digest().getSha256(), follower.digest().getSha256());
        assertEquals(leader.digest().getAppliedIndex(), follower.digest().getAppliedIndex());
    }

    @Test
    void aWriteFromElsewhereCarriesNoObjectAndIsParsed() throws Exception {
        ShardStateMachine m = machine();
        Command c = put("b", 8);
        TransactionContext remote = m.startTransaction(request(Message.valueOf(c.toByteString().asReadOnlyByteBuffer())));
        assertNull(remote.getStateMachineContext());
        remote.initLogEntry(1, 1);
        m.applyTransaction(remote).get();
        assertTrue(holds(m, "b"));
    }

    /** What makes the leader's apply cheaper: the object it holds is what it applies, its entry's bytes are not read. */
    @Test
    void theObjectKeptIsWhatTheLeaderApplies() throws Exception {
        ShardStateMachine m = machine();
        TransactionContext own = m.startTransaction(request(new ProtoMessage<>(put("in-the-bytes", 1))));
        own.initLogEntry(1, 1);
        own.setStateMachineContext(put("in-the-object", 2));
        m.applyTransaction(own).get();
        assertTrue(holds(m, "in-the-object"));
        assertFalse(holds(m, "in-the-bytes"));
    }
}
