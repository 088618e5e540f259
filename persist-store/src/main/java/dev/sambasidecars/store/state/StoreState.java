package dev.sambasidecars.store.state;

import com.google.protobuf.ByteString;
import com.google.protobuf.MessageLite;
import dev.sambasidecars.store.shard.Shards;
import dev.sambasidecars.store.v1.Batch;
import dev.sambasidecars.store.v1.BatchResult;
import dev.sambasidecars.store.v1.Check;
import dev.sambasidecars.store.v1.Command;
import dev.sambasidecars.store.v1.DigestReply;
import dev.sambasidecars.store.v1.ExpireResult;
import dev.sambasidecars.store.v1.FindReply;
import dev.sambasidecars.store.v1.GetReply;
import dev.sambasidecars.store.v1.Query;
import dev.sambasidecars.store.v1.Record;
import dev.sambasidecars.store.v1.Status;
import dev.sambasidecars.store.v1.Update;
import dev.sambasidecars.store.v1.UpdateResult;
import dev.sambasidecars.store.v1.Write;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One shard's records and what its Raft log does to them. Everything here is a function of the
 * log alone, never of a clock, a random source or hash-map order, so replicas that apply the
 * same entries end with equal state (checked through {@link #digest()}). Not thread-safe: the
 * Raft state machine applies entries one at a time and reads under the same lock.
 */
public final class StoreState {

    private final int shard;
    private final Shards shards;
    private final RecordCheck check;
    private final Map<ByteString, Entry> records = new HashMap<>();
    private final KeyIndex<CreateKey> byCreate = new KeyIndex<>();
    private final KeyIndex<Long> byFileId = new KeyIndex<>();
    private final KeyIndex<Integer> byNode = new KeyIndex<>();
    private final TreeMap<Long, Set<ByteString>> deadlines = new TreeMap<>();
    private long nextVersion = 1;
    private long appliedIndex;

    record CreateKey(ByteString clientGuid, ByteString createGuid) {
        @Override
        public int hashCode() {
            // Not the record's 31*a+b: a client may use one GUID for both, and 32*h loses bits.
            return Integer.rotateLeft(clientGuid.hashCode(), 16) * 0x9E3779B1 ^ createGuid.hashCode();
        }
    }

    /** A stored record with the fields its indexes use. */
    record Entry(Record record, OpenFields open) { }

    public StoreState(int shard, Shards shards, RecordCheck check) {
        this.shard = shard;
        this.shards = shards;
        this.check = check;
    }

    public int shard() {
        return shard;
    }

    public long appliedIndex() {
        return appliedIndex;
    }

    public long nextVersion() {
        return nextVersion;
    }

    public int size() {
        return records.size();
    }

    /**
     * Applies the log entry at {@code index}; returns the reply for its proposer (a
     * {@link BatchResult} or an {@link ExpireResult}; an empty one for an entry of neither kind).
     */
    public MessageLite apply(long index, Command command) {
        appliedIndex = index;
        return switch (command.getKindCase()) {
            case BATCH -> batch(command.getBatch());
            case EXPIRE -> expire(command.getExpire().getNowUnixMs());
            case KIND_NOT_SET -> BatchResult.getDefaultInstance();
        };
    }

    private BatchResult batch(Batch batch) {
        BatchResult.Builder out = BatchResult.newBuilder();
        for (Update u : batch.getUpdatesList()) {
            out.addResults(update(u));
        }
        return out.build();
    }

    private UpdateResult update(Update u) {
        List<OpenFields> opens = new ArrayList<>(u.getWritesCount());
        for (Check c : u.getChecksList()) {
            if (shards.of(c.getKey()) != shard) {
                return wrongShard(c.getKey());
            }
        }
        for (Write w : u.getWritesList()) {
            if (shards.of(w.getKey()) != shard) {
                return wrongShard(w.getKey());
            }
            try {
                if (w.getDelete()) {
                    RecordCheck.checkKey(w.getKey());
                    opens.add(null);
                } else {
                    opens.add(check.fields(w.getKey(), w.getValue(), w.getCrc32C()));
                }
            } catch (InvalidRecordException e) {
                return UpdateResult.newBuilder().setStatus(Status.STATUS_INVALID_RECORD).setFailedKey(w.getKey())
                        .setDetail(e.getMessage()).build();
            }
        }
        for (Check c : u.getChecksList()) {
            Entry e = records.get(c.getKey());
            long found = e == null ? 0 : e.record().getVersion();
            if (found != c.getVersion()) {
                return UpdateResult.newBuilder().setStatus(Status.STATUS_VERSION_MISMATCH)
                        .setFailedKey(c.getKey()).setFoundVersion(found).build();
            }
        }
        long version = nextVersion++;
        boolean onlyDeletes = true;
        for (int i = 0; i < u.getWritesCount(); i++) {
            Write w = u.getWrites(i);
            if (w.getDelete()) {
                remove(w.getKey());
            } else {
                onlyDeletes = false;
                put(new Entry(Record.newBuilder().setKey(w.getKey()).setValue(w.getValue()).setCrc32C(w.getCrc32C())
                        .setVersion(version).setShard(shard).build(), opens.get(i)));
            }
        }
        return UpdateResult.newBuilder().setStatus(Status.STATUS_OK).setVersion(onlyDeletes ? 0 : version).build();
    }

    private static UpdateResult wrongShard(ByteString key) {
        return UpdateResult.newBuilder().setStatus(Status.STATUS_WRONG_SHARD).setFailedKey(key)
                .setDetail("the key belongs to another shard").build();
    }

    /** Stores a record in place of any before it under its key. */
    private void put(Entry e) {
        ByteString key = e.record().getKey();
        Entry before = records.put(key, e);
        index(key, before == null ? null : before.open(), e.open());
    }

    private Entry remove(ByteString key) {
        Entry e = records.remove(key);
        if (e != null) {
            index(key, e.open(), null);
        }
        return e;
    }

    /**
     * Moves a key in the secondary indexes from the fields it had ({@code before}, null: none) to
     * those it has now ({@code after}, null: removed). A field that did not change is left alone:
     * most writes of an open change its lease or locks, not what it is looked up by.
     */
    private void index(ByteString key, OpenFields before, OpenFields after) {
        CreateKey createBefore = before == null ? null : new CreateKey(before.clientGuid(), before.createGuid());
        CreateKey createAfter = after == null || after.clientGuid().isEmpty() && after.createGuid().isEmpty() ? null
                : new CreateKey(after.clientGuid(), after.createGuid());
        if (!java.util.Objects.equals(createBefore, createAfter)) {
            if (createBefore != null) {
                byCreate.remove(createBefore, key);
            }
            if (createAfter != null) {
                byCreate.add(createAfter, key);
            }
        }
        if (before == null || after == null || before.fileId() != after.fileId()) {
            if (before != null) {
                byFileId.remove(mix(before.fileId()), key);
            }
            if (after != null) {
                byFileId.add(mix(after.fileId()), key);
            }
        }
        if (before == null || after == null || before.owningNode() != after.owningNode()) {
            if (before != null) {
                byNode.remove(before.owningNode(), key);
            }
            if (after != null) {
                byNode.add(after.owningNode(), key);
            }
        }
        long deadlineBefore = before == null ? 0 : before.deadline();
        long deadlineAfter = after == null ? 0 : after.deadline();
        if (deadlineBefore != deadlineAfter) {
            Set<ByteString> due = deadlineBefore == 0 ? null : deadlines.get(deadlineBefore);
            if (due != null && due.remove(key) && due.isEmpty()) {
                deadlines.remove(deadlineBefore);
            }
            if (deadlineAfter != 0) {
                deadlines.computeIfAbsent(deadlineAfter, d -> new HashSet<>(2)).add(key);
            }
        }
    }

    /** Removes the disconnected opens whose durable timeout ended at or before {@code now}. */
    private ExpireResult expire(long nowUnixMs) {
        ExpireResult.Builder out = ExpireResult.newBuilder();
        while (!deadlines.isEmpty() && deadlines.firstKey() <= nowUnixMs) {
            List<ByteString> due = sorted(deadlines.firstEntry().getValue());
            for (ByteString key : due) {
                remove(key);
                out.addRemoved(key);
            }
        }
        return out.build();
    }

    /** The earliest time a disconnected open expires, or 0 when none is disconnected. */
    public long nextDeadline() {
        return deadlines.isEmpty() ? 0 : deadlines.firstKey();
    }

    /** Answers a read-only query on the state as it is now. */
    public ByteString query(Query q) {
        return switch (q.getKindCase()) {
            case GET -> {
                Entry e = records.get(q.getGet().getKey());
                yield (e == null ? GetReply.getDefaultInstance()
                        : GetReply.newBuilder().setFound(true).setRecord(e.record()).build()).toByteString();
            }
            case BY_CREATE_GUID -> find(byCreate.get(new CreateKey(q.getByCreateGuid().getClientGuid(),
                    q.getByCreateGuid().getCreateGuid())));
            case BY_FILE_ID -> find(byFileId.get(mix(q.getByFileId().getPersistentFileId())));
            case BY_NODE -> find(byNode.get(q.getByNode().getOwningNode()));
            case DIGEST -> digest().toByteString();
            case KIND_NOT_SET -> ByteString.EMPTY;
        };
    }

    private ByteString find(List<ByteString> keys) {
        FindReply.Builder out = FindReply.newBuilder();
        keys.forEach(k -> out.addRecords(records.get(k).record()));
        return out.build().toByteString();
    }

    /** Every record in key order, for snapshots. */
    public List<Record> records() {
        return sorted(records.keySet()).stream().map(k -> records.get(k).record()).toList();
    }

    private static List<ByteString> sorted(java.util.Collection<ByteString> keys) {
        List<ByteString> out = new ArrayList<>(keys);
        out.sort(ByteString.unsignedLexicographicalComparator());
        return out;
    }

    /**
     * Persistent FileIds are often two small numbers in the two halves; {@link Long#hashCode()}
     * XORs the halves and piles such ids into a few buckets. A bijective mix spreads them.
     */
    private static Long mix(long id) {
        long z = (id ^ (id >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** The records, their count and the applied index, hashed: equal on equal replicas. */
    public DigestReply digest() {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        for (Record r : records()) {
            sha.update(r.toByteArray());
        }
        sha.update(Long.toString(nextVersion).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        return DigestReply.newBuilder().setRecords(records.size()).setAppliedIndex(appliedIndex)
                .setSha256(ByteString.copyFrom(sha.digest())).build();
    }

    /** Replaces everything with a snapshot's content. */
    public void restore(long applied, long next, Iterable<Record> stored) throws InvalidRecordException {
        records.clear();
        byCreate.clear();
        byFileId.clear();
        byNode.clear();
        deadlines.clear();
        for (Record r : stored) {
            put(new Entry(r, check.fields(r.getKey(), r.getValue(), r.getCrc32C())));
        }
        appliedIndex = applied;
        nextVersion = next;
    }
}
