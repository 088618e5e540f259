package dev.sambasidecars.store.state;

import com.google.protobuf.ByteString;
import dev.sambasidecars.store.v1.ByteRangeLock;
import dev.sambasidecars.store.v1.Check;
import dev.sambasidecars.store.v1.FileIdentity;
import dev.sambasidecars.store.v1.Lease;
import dev.sambasidecars.store.v1.LockSequence;
import dev.sambasidecars.store.v1.PersistentOpen;
import dev.sambasidecars.store.v1.Update;
import dev.sambasidecars.store.v1.Write;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Test records: realistic persistent opens and the updates that write them. */
final class Opens {

    private Opens() {
    }

    static ByteString guid(long hi, long lo) {
        return ByteString.copyFrom(ByteBuffer.allocate(16).putLong(hi).putLong(lo).array());
    }

    static ByteString key(String s) {
        return ByteString.copyFrom(s, StandardCharsets.UTF_8);
    }

    static PersistentOpen open(long fileId, int node, long client, long create) {
        return PersistentOpen.newBuilder()
                .setPersistentFileId(fileId)
                .setClientGuid(guid(client, 1)).setCreateGuid(guid(create, 2))
                .setAppInstanceId(guid(client, 3)).setAppInstanceVersionHigh(1).setAppInstanceVersionLow(7)
                .setDesiredAccess(0x0012019f).setGrantedAccess(0x0012019f).setShareAccess(7).setCreateOptions(0x40)
                .setCreateDisposition(1).setOplockLevel(0xff)
                .setLease(Lease.newBuilder().setLeaseKey(guid(fileId, 9)).setState(7).setEpoch(3).setVersion(2))
                .addLocks(ByteRangeLock.newBuilder().setOffset(0).setLength(4096).setExclusive(true))
                .addLockSequences(LockSequence.newBuilder().setBucket(1).setSequence(5))
                .setChannelSequence(2).setDurableTimeoutMs(60_000).setOwningNode(node)
                .setFile(FileIdentity.newBuilder().setDevice(2049).setInode(100 + fileId).setGeneration(1))
                .setShare("vms").setPath("hyperv/disk" + fileId + ".vhdx").setIsPersistent(true)
                .build();
    }

    static Write put(ByteString key, PersistentOpen open) {
        ByteString v = open.toByteString();
        return Write.newBuilder().setKey(key).setValue(v).setCrc32C(RecordCheck.crc32c(v)).build();
    }

    static Write delete(ByteString key) {
        return Write.newBuilder().setKey(key).setDelete(true).build();
    }

    static Update update(Write... writes) {
        return Update.newBuilder().addAllWrites(java.util.List.of(writes)).build();
    }

    static Check check(ByteString key, long version) {
        return Check.newBuilder().setKey(key).setVersion(version).build();
    }
}
