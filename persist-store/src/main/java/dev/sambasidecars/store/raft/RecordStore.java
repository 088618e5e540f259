package dev.sambasidecars.store.raft;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.sambasidecars.store.state.InvalidRecordException;
import dev.sambasidecars.store.state.RecordCheck;
import dev.sambasidecars.store.v1.Check;
import dev.sambasidecars.store.v1.DigestReply;
import dev.sambasidecars.store.v1.DigestRequest;
import dev.sambasidecars.store.v1.FindByCreateGuidRequest;
import dev.sambasidecars.store.v1.FindByFileIdRequest;
import dev.sambasidecars.store.v1.FindReply;
import dev.sambasidecars.store.v1.GetReply;
import dev.sambasidecars.store.v1.GetRequest;
import dev.sambasidecars.store.v1.ListByNodeRequest;
import dev.sambasidecars.store.v1.Query;
import dev.sambasidecars.store.v1.Status;
import dev.sambasidecars.store.v1.Update;
import dev.sambasidecars.store.v1.UpdateResult;
import dev.sambasidecars.store.v1.Write;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The store's operations over the shards: a key goes to its shard, a lookup by a field asks
 * every shard, a record is checked before it reaches any log.
 */
public final class RecordStore {

    private final StoreNode node;

    public RecordStore(StoreNode node) {
        this.node = node;
    }

    public StoreNode node() {
        return node;
    }

    public CompletableFuture<UpdateResult> put(ByteString key, ByteString value, int crc32c) {
        return update(Update.newBuilder().addWrites(write(key, value, crc32c)).build());
    }

    public CompletableFuture<UpdateResult> compareAndSet(ByteString key, long expectedVersion, ByteString value, int crc32c) {
        return update(Update.newBuilder().addChecks(Check.newBuilder().setKey(key).setVersion(expectedVersion))
                .addWrites(write(key, value, crc32c)).build());
    }

    public CompletableFuture<UpdateResult> delete(ByteString key, long expectedVersion) {
        Update.Builder u = Update.newBuilder().addWrites(Write.newBuilder().setKey(key).setDelete(true));
        if (expectedVersion != 0) {
            u.addChecks(Check.newBuilder().setKey(key).setVersion(expectedVersion));
        }
        return update(u.build());
    }

    private static Write write(ByteString key, ByteString value, int crc32c) {
        return Write.newBuilder().setKey(key).setValue(value).setCrc32C(crc32c).build();
    }

    /** One atomic update; every key it names must be in one shard. */
    public CompletableFuture<UpdateResult> update(Update u) {
        if (u.getWritesCount() == 0) {
            return done(Status.STATUS_INVALID_RECORD, ByteString.EMPTY, "an update writes at least one record");
        }
        int shard = node.shards().of(u.getWrites(0).getKey());
        RecordCheck check = node.check();
        for (Write w : u.getWritesList()) {
            if (node.shards().of(w.getKey()) != shard) {
                return done(Status.STATUS_WRONG_SHARD, w.getKey(), "the keys of one update must be in one shard ("
                        + shard + "), this one is in " + node.shards().of(w.getKey()));
            }
            try {
                if (w.getDelete()) {
                    RecordCheck.checkKey(w.getKey());
                } else {
                    check.check(w.getKey(), w.getValue(), w.getCrc32C());
                }
            } catch (InvalidRecordException e) {
                return done(Status.STATUS_INVALID_RECORD, w.getKey(), e.getMessage());
            }
        }
        for (Check c : u.getChecksList()) {
            if (node.shards().of(c.getKey()) != shard) {
                return done(Status.STATUS_WRONG_SHARD, c.getKey(), "a checked key is in shard "
                        + node.shards().of(c.getKey()) + ", the writes in " + shard);
            }
        }
        return node.update(shard, u);
    }

    private static CompletableFuture<UpdateResult> done(Status status, ByteString key, String detail) {
        return CompletableFuture.completedFuture(UpdateResult.newBuilder().setStatus(status).setFailedKey(key)
                .setDetail(detail).build());
    }

    public CompletableFuture<GetReply> get(ByteString key) {
        return node.query(node.shards().of(key), Query.newBuilder().setGet(GetRequest.newBuilder().setKey(key)).build())
                .thenApply(b -> parse(b, GetReply.parser()));
    }

    public CompletableFuture<FindReply> findByCreateGuid(ByteString clientGuid, ByteString createGuid) {
        return everyShard(Query.newBuilder().setByCreateGuid(FindByCreateGuidRequest.newBuilder()
                .setClientGuid(clientGuid).setCreateGuid(createGuid)).build());
    }

    public CompletableFuture<FindReply> findByFileId(long persistentFileId) {
        return everyShard(Query.newBuilder().setByFileId(FindByFileIdRequest.newBuilder()
                .setPersistentFileId(persistentFileId)).build());
    }

    public CompletableFuture<FindReply> listByNode(int owningNode) {
        return everyShard(Query.newBuilder().setByNode(ListByNodeRequest.newBuilder().setOwningNode(owningNode)).build());
    }

    public CompletableFuture<DigestReply> digest(int shard) {
        return node.query(shard, Query.newBuilder().setDigest(DigestRequest.getDefaultInstance()).build())
                .thenApply(b -> parse(b, DigestReply.parser()));
    }

    private CompletableFuture<FindReply> everyShard(Query q) {
        List<CompletableFuture<FindReply>> parts = new ArrayList<>();
        for (int s = 0; s < node.shards().count(); s++) {
            parts.add(node.query(s, q).thenApply(b -> parse(b, FindReply.parser())));
        }
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).thenApply(v -> {
            FindReply.Builder out = FindReply.newBuilder();
            parts.forEach(p -> out.addAllRecords(p.join().getRecordsList()));
            return out.build();
        });
    }

    private static <T> T parse(ByteString b, com.google.protobuf.Parser<T> parser) {
        try {
            return parser.parseFrom(b);
        } catch (InvalidProtocolBufferException e) {
            throw new CompletionException(e);
        }
    }
}
