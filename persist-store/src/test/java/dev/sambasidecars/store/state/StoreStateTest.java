package dev.sambasidecars.store.state;

import static dev.sambasidecars.store.state.Opens.check;
import static dev.sambasidecars.store.state.Opens.delete;
import static dev.sambasidecars.store.state.Opens.key;
import static dev.sambasidecars.store.state.Opens.open;
import static dev.sambasidecars.store.state.Opens.put;
import static dev.sambasidecars.store.state.Opens.update;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.sambasidecars.store.shard.Shards;
import dev.sambasidecars.store.v1.Batch;
import dev.sambasidecars.store.v1.BatchResult;
import dev.sambasidecars.store.v1.Command;
import dev.sambasidecars.store.v1.Expire;
import dev.sambasidecars.store.v1.ExpireResult;
import dev.sambasidecars.store.v1.FindByCreateGuidRequest;
import dev.sambasidecars.store.v1.FindByFileIdRequest;
import dev.sambasidecars.store.v1.FindReply;
import dev.sambasidecars.store.v1.GetReply;
import dev.sambasidecars.store.v1.GetRequest;
import dev.sambasidecars.store.v1.ListByNodeRequest;
import dev.sambasidecars.store.v1.PersistentOpen;
import dev.sambasidecars.store.v1.Query;
import dev.sambasidecars.store.v1.Status;
import dev.sambasidecars.store.v1.Update;
import dev.sambasidecars.store.v1.UpdateResult;
import dev.sambasidecars.store.v1.Write;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreStateTest {
    static final Shards ONE = new Shards(1);

    private final StoreState state = new StoreState(0, ONE, new RecordCheck(RecordCheck.DEFAULT_MAX_VALUE));
    private long index;

    private List<UpdateResult> apply(Update... updates) throws Exception {
        Command c = Command.newBuilder().setBatch(Batch.newBuilder().addAllUpdates(List.of(updates))).build();
        return BatchResult.parseFrom(state.apply(++index, c).toByteString()).getResultsList();
    }

    private UpdateResult one(Update u) throws Exception {
        return apply(u).getFirst();
    }

    private GetReply get(ByteString key) throws Exception {
        return GetReply.parseFrom(state.query(Query.newBuilder().setGet(GetRequest.newBuilder().setKey(key)).build()));
    }

    @Test
    void putGetDeleteAndCompareAndSetByVersion() throws Exception {
        ByteString k = key("fid-1");
        UpdateResult first = one(update(put(k, open(1, 0, 10, 20))));
        assertEquals(Status.STATUS_OK, first.getStatus());
        assertEquals(open(1, 0, 10, 20), PersistentOpen.parseFrom(get(k).getRecord().getValue()));
        assertEquals(first.getVersion(), get(k).getRecord().getVersion());

        // CAS "must not exist" fails now, CAS on the current version succeeds, on a stale one fails.
        UpdateResult absent = one(Update.newBuilder().addChecks(check(k, 0)).addWrites(put(k, open(1, 1, 10, 20))).build());
        assertEquals(Status.STATUS_VERSION_MISMATCH, absent.getStatus());
        assertEquals(first.getVersion(), absent.getFoundVersion());
        UpdateResult cas = one(Update.newBuilder().addChecks(check(k, first.getVersion())).addWrites(put(k, open(1, 1, 10, 20))).build());
        assertEquals(Status.STATUS_OK, cas.getStatus());
        assertTrue(cas.getVersion() > first.getVersion());
        UpdateResult stale = one(Update.newBuilder().addChecks(check(k, first.getVersion())).addWrites(delete(k)).build());
        assertEquals(Status.STATUS_VERSION_MISMATCH, stale.getStatus());
        assertEquals(open(1, 1, 10, 20).toByteString(), get(k).getRecord().getValue());

        assertEquals(Status.STATUS_OK, one(update(delete(k))).getStatus());
        assertFalse(get(k).getFound());
    }

    @Test
    void aMultiRecordUpdateAppliesWhollyOrNotAtAll() throws Exception {
        ByteString a = key("a");
        ByteString b = key("b");
        long va = one(update(put(a, open(1, 0, 1, 1)))).getVersion();
        // The second check fails: neither write happens.
        UpdateResult failed = one(Update.newBuilder().addChecks(check(a, va)).addChecks(check(b, 99))
                .addWrites(put(a, open(1, 2, 1, 1))).addWrites(put(b, open(2, 2, 1, 2))).build());
        assertEquals(Status.STATUS_VERSION_MISMATCH, failed.getStatus());
        assertEquals(b, failed.getFailedKey());
        assertEquals(va, get(a).getRecord().getVersion());
        assertFalse(get(b).getFound());
        // A bad record in the update refuses all of it.
        Write bad = put(b, open(2, 2, 1, 2)).toBuilder().setCrc32C(12345).build();
        UpdateResult invalid = one(Update.newBuilder().addWrites(put(a, open(1, 2, 1, 1))).addWrites(bad).build());
        assertEquals(Status.STATUS_INVALID_RECORD, invalid.getStatus());
        assertTrue(invalid.getDetail().contains("checksum"), invalid.getDetail());
        assertEquals(va, get(a).getRecord().getVersion());
        // With the checks right, both land under one version.
        UpdateResult ok = one(Update.newBuilder().addChecks(check(a, va)).addChecks(check(b, 0))
                .addWrites(put(a, open(1, 2, 1, 1))).addWrites(put(b, open(2, 2, 1, 2))).build());
        assertEquals(Status.STATUS_OK, ok.getStatus());
        assertEquals(ok.getVersion(), get(a).getRecord().getVersion());
        assertEquals(ok.getVersion(), get(b).getRecord().getVersion());
    }

    @Test
    void updatesInOneBatchAreIndependentAndInOrder() throws Exception {
        ByteString k = key("k");
        List<UpdateResult> r = apply(
                Update.newBuilder().addChecks(check(k, 0)).addWrites(put(k, open(1, 0, 1, 1))).build(),
                Update.newBuilder().addChecks(check(k, 0)).addWrites(put(k, open(1, 1, 1, 1))).build(),
                update(put(key("other"), open(2, 0, 1, 2))));
        assertEquals(Status.STATUS_OK, r.get(0).getStatus());
        assertEquals(Status.STATUS_VERSION_MISMATCH, r.get(1).getStatus(), "the first update of the batch created it");
        assertEquals(Status.STATUS_OK, r.get(2).getStatus());
        assertEquals(0, PersistentOpen.parseFrom(get(k).getRecord().getValue()).getOwningNode());
    }

    @Test
    void keysOfAnotherShardAreRefused() throws Exception {
        Shards four = new Shards(4);
        StoreState s0 = new StoreState(0, four, new RecordCheck(1024));
        ByteString foreign = key("x0");
        for (int i = 0; four.of(foreign) == 0; i++) {
            foreign = key("x" + i);
        }
        Command c = Command.newBuilder().setBatch(Batch.newBuilder().addUpdates(update(put(foreign, open(1, 0, 1, 1))))).build();
        UpdateResult r = BatchResult.parseFrom(s0.apply(1, c).toByteString()).getResults(0);
        assertEquals(Status.STATUS_WRONG_SHARD, r.getStatus());
        assertEquals(0, s0.size());
    }

    @Test
    void oversizedCorruptAndNonRecordValuesAreRefused() throws Exception {
        StoreState small = new StoreState(0, ONE, new RecordCheck(200));
        PersistentOpen big = open(1, 0, 1, 1).toBuilder().setPath("p".repeat(300)).build();
        Command c = Command.newBuilder().setBatch(Batch.newBuilder()
                .addUpdates(update(put(key("big"), big)))
                .addUpdates(update(Write.newBuilder().setKey(key("junk")).setValue(ByteString.copyFrom(new byte[] {(byte) 0xff, 1}))
                        .setCrc32C(RecordCheck.crc32c(ByteString.copyFrom(new byte[] {(byte) 0xff, 1}))).build()))
                .addUpdates(update(put(key("shortguid"), open(2, 0, 1, 1).toBuilder().setClientGuid(ByteString.copyFromUtf8("x")).build())))
                .addUpdates(update(put(ByteString.EMPTY, open(3, 0, 1, 1)))))
                .build();
        List<UpdateResult> r = BatchResult.parseFrom(small.apply(1, c).toByteString()).getResultsList();
        assertEquals(4, r.size());
        r.forEach(u -> assertEquals(Status.STATUS_INVALID_RECORD, u.getStatus(), u.getDetail()));
        assertTrue(r.get(0).getDetail().contains("over the cap of 200"), r.get(0).getDetail());
        assertTrue(r.get(1).getDetail().contains("not a PersistentOpen"), r.get(1).getDetail());
        assertTrue(r.get(2).getDetail().contains("client_guid of 1 bytes"), r.get(2).getDetail());
        assertTrue(r.get(3).getDetail().contains("key of 0 bytes"), r.get(3).getDetail());
        assertEquals(0, small.size());
    }

    @Test
    void lookupsByCreateGuidFileIdAndOwningNodeFollowEveryWrite() throws Exception {
        one(update(put(key("a"), open(1, 0, 10, 100))));
        one(update(put(key("b"), open(2, 0, 10, 101))));
        one(update(put(key("c"), open(3, 1, 11, 100))));
        assertEquals(List.of(key("a")), find(Query.newBuilder().setByCreateGuid(FindByCreateGuidRequest.newBuilder()
                .setClientGuid(Opens.guid(10, 1)).setCreateGuid(Opens.guid(100, 2))).build()));
        assertEquals(List.of(key("b")), find(Query.newBuilder().setByFileId(FindByFileIdRequest.newBuilder()
                .setPersistentFileId(2)).build()));
        assertEquals(List.of(key("a"), key("b")), byNode(0));
        // Moving "b" to node 1 and deleting "c" updates every index.
        one(update(put(key("b"), open(2, 1, 10, 101))));
        one(update(delete(key("c"))));
        assertEquals(List.of(key("a")), byNode(0));
        assertEquals(List.of(key("b")), byNode(1));
        assertEquals(List.of(), find(Query.newBuilder().setByFileId(FindByFileIdRequest.newBuilder()
                .setPersistentFileId(3)).build()));
        // Rewriting "a" with the same looked-up fields (a lease change) keeps it in every index once.
        one(update(put(key("a"), open(1, 0, 10, 100).toBuilder().setLease(
                open(1, 0, 10, 100).getLease().toBuilder().setState(1)).build())));
        assertEquals(List.of(key("a")), byCreate(10, 100));
        assertEquals(List.of(key("a")), byFileId(1));
        assertEquals(List.of(key("a")), byNode(0));
        // A new CreateGuid and FileId move it in those indexes only.
        one(update(put(key("a"), open(7, 0, 10, 107))));
        assertEquals(List.of(), byCreate(10, 100));
        assertEquals(List.of(key("a")), byCreate(10, 107));
        assertEquals(List.of(), byFileId(1));
        assertEquals(List.of(key("a")), byFileId(7));
        assertEquals(List.of(key("a")), byNode(0));
    }

    private List<ByteString> byCreate(long client, long create) throws Exception {
        return find(Query.newBuilder().setByCreateGuid(FindByCreateGuidRequest.newBuilder()
                .setClientGuid(Opens.guid(client, 1)).setCreateGuid(Opens.guid(create, 2))).build());
    }

    private List<ByteString> byFileId(long fileId) throws Exception {
        return find(Query.newBuilder().setByFileId(FindByFileIdRequest.newBuilder().setPersistentFileId(fileId)).build());
    }

    private List<ByteString> byNode(int node) throws Exception {
        return find(Query.newBuilder().setByNode(ListByNodeRequest.newBuilder().setOwningNode(node)).build());
    }

    private List<ByteString> find(Query q) throws Exception {
        return FindReply.parseFrom(state.query(q)).getRecordsList().stream().map(r -> r.getKey()).toList();
    }

    @Test
    void expiryRemovesExactlyTheDisconnectedOpensPastTheirTimeoutAtTheLoggedTime() throws Exception {
        one(update(put(key("connected"), open(1, 0, 1, 1))));
        one(update(put(key("soon"), open(2, 0, 1, 2).toBuilder().setDisconnectTimeUnixMs(1_000_000).setDurableTimeoutMs(60_000).build())));
        one(update(put(key("later"), open(3, 0, 1, 3).toBuilder().setDisconnectTimeUnixMs(1_000_000).setDurableTimeoutMs(120_000).build())));
        assertEquals(1_060_000, state.nextDeadline());
        assertEquals(List.of(), expire(1_059_999));
        assertEquals(List.of(key("soon")), expire(1_060_000));
        // A reconnect (disconnect time back to 0) takes "later" off the expiry list.
        one(update(put(key("later"), open(3, 0, 1, 3))));
        assertEquals(List.of(), expire(2_000_000));
        assertEquals(2, state.size());
        assertEquals(0, state.nextDeadline());
    }

    private List<ByteString> expire(long now) throws Exception {
        Command c = Command.newBuilder().setExpire(Expire.newBuilder().setNowUnixMs(now)).build();
        return ExpireResult.parseFrom(state.apply(++index, c).toByteString()).getRemovedList();
    }

    /** Replicas fed the same log end equal; a different log ends different. */
    @Test
    void twoReplicasFedTheSameLogEndEqual() throws Exception {
        List<Command> log = randomLog(new Random(42), 2_000);
        StoreState a = new StoreState(0, ONE, new RecordCheck(RecordCheck.DEFAULT_MAX_VALUE));
        StoreState b = new StoreState(0, ONE, new RecordCheck(RecordCheck.DEFAULT_MAX_VALUE));
        List<ByteString> repliesA = new ArrayList<>();
        List<ByteString> repliesB = new ArrayList<>();
        for (int i = 0; i < log.size(); i++) {
            repliesA.add(a.apply(i + 1, log.get(i)).toByteString());
        }
        for (int i = 0; i < log.size(); i++) {
            repliesB.add(b.apply(i + 1, log.get(i)).toByteString());
        }
        assertEquals(repliesA, repliesB);
        assertEquals(a.digest(), b.digest());
        assertTrue(a.size() > 100, "the log leaves records behind: " + a.size());

        StoreState c = new StoreState(0, ONE, new RecordCheck(RecordCheck.DEFAULT_MAX_VALUE));
        for (int i = 0; i < log.size() - 1; i++) {
            c.apply(i + 1, log.get(i));
        }
        c.apply(log.size(), Command.newBuilder().setBatch(Batch.newBuilder().addUpdates(update(put(key("extra"), open(9, 9, 9, 9))))).build());
        assertNotEquals(a.digest().getSha256(), c.digest().getSha256());
    }

    static List<Command> randomLog(Random rnd, int entries) {
        List<Command> log = new ArrayList<>();
        long clock = 1_000_000;
        for (int i = 0; i < entries; i++) {
            if (rnd.nextInt(20) == 0) {
                clock += rnd.nextInt(30_000);
                log.add(Command.newBuilder().setExpire(Expire.newBuilder().setNowUnixMs(clock)).build());
                continue;
            }
            Batch.Builder batch = Batch.newBuilder();
            for (int u = 1 + rnd.nextInt(8); u > 0; u--) {
                ByteString k = key("k" + rnd.nextInt(400));
                PersistentOpen o = open(rnd.nextInt(400), rnd.nextInt(3), rnd.nextInt(5), rnd.nextInt(50));
                if (rnd.nextInt(4) == 0) {
                    o = o.toBuilder().setDisconnectTimeUnixMs(clock).setDurableTimeoutMs(rnd.nextInt(60_000)).build();
                }
                Update.Builder up = Update.newBuilder();
                if (rnd.nextInt(3) == 0) {
                    up.addChecks(check(k, rnd.nextInt(i + 1)));
                }
                up.addWrites(rnd.nextInt(6) == 0 ? delete(k) : put(k, o));
                batch.addUpdates(up);
            }
            log.add(Command.newBuilder().setBatch(batch).build());
        }
        return log;
    }

    @Test
    void aSnapshotRestoresEqualStateAndACorruptOneIsRefused(@TempDir Path dir) throws Exception {
        List<Command> log = randomLog(new Random(7), 500);
        for (Command c : log) {
            state.apply(++index, c);
        }
        Path file = dir.resolve("snap");
        SnapshotFile.write(file, state);
        StoreState back = new StoreState(0, ONE, new RecordCheck(RecordCheck.DEFAULT_MAX_VALUE));
        SnapshotFile.Header h = SnapshotFile.read(file, back);
        assertEquals(index, h.appliedIndex());
        assertEquals(state.digest(), back.digest());
        // The restored replica goes on exactly like the original.
        Command next = Command.newBuilder().setBatch(Batch.newBuilder().addUpdates(update(put(key("n"), open(5, 1, 1, 1))))).build();
        assertEquals(state.apply(index + 1, next).toByteString(), back.apply(index + 1, next).toByteString());
        assertEquals(state.digest(), back.digest());

        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 0x40;
        Files.write(file, bytes);
        StoreState damaged = new StoreState(0, ONE, new RecordCheck(RecordCheck.DEFAULT_MAX_VALUE));
        Exception e = assertThrows(Exception.class, () -> SnapshotFile.read(file, damaged));
        assertTrue(e.getMessage() != null, String.valueOf(e));
    }
}
