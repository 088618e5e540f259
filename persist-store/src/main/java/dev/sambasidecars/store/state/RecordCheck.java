package dev.sambasidecars.store.state;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.sambasidecars.store.shard.Crc32c;
import dev.sambasidecars.store.v1.PersistentOpen;

/**
 * What every record must be before the store takes it: a key of at most {@link #MAX_KEY} bytes,
 * a value within the size cap whose CRC-32C matches, parsing as a {@link PersistentOpen} with
 * 16-byte GUIDs where they are set.
 */
public final class RecordCheck {

    public static final int MAX_KEY = 256;
    public static final int DEFAULT_MAX_VALUE = 64 * 1024;

    private final int maxValue;

    public RecordCheck(int maxValue) {
        this.maxValue = maxValue;
    }

    public int maxValue() {
        return maxValue;
    }

    public static int crc32c(ByteString bytes) {
        return Crc32c.of(bytes);
    }

    public static void checkKey(ByteString key) throws InvalidRecordException {
        if (key.isEmpty() || key.size() > MAX_KEY) {
            throw new InvalidRecordException("key of " + key.size() + " bytes (1 to " + MAX_KEY + " allowed)");
        }
    }

    /**
     * What every replica checks when it applies a write: key, size, checksum, and the indexed
     * fields read off the wire (see {@link OpenFields}).
     */
    OpenFields fields(ByteString key, ByteString value, int crc32c) throws InvalidRecordException {
        checkBytes(key, value, crc32c);
        return OpenFields.scan(value);
    }

    private void checkBytes(ByteString key, ByteString value, int crc32c) throws InvalidRecordException {
        checkKey(key);
        if (value.size() > maxValue) {
            throw new InvalidRecordException("record of " + value.size() + " bytes is over the cap of " + maxValue);
        }
        int actual = crc32c(value);
        if (actual != crc32c) {
            throw new InvalidRecordException(String.format("checksum mismatch: record says crc32c %08x, its bytes give %08x",
                    crc32c, actual));
        }
    }

    /**
     * Key, size and checksum as {@link #fields}, then the whole open parsed and every GUID sized
     * (a superset of what the scan checks): where a write enters.
     */
    public PersistentOpen check(ByteString key, ByteString value, int crc32c) throws InvalidRecordException {
        checkBytes(key, value, crc32c);
        PersistentOpen open;
        try {
            open = PersistentOpen.parseFrom(value);
        } catch (InvalidProtocolBufferException e) {
            throw new InvalidRecordException("not a PersistentOpen: " + e.getMessage());
        }
        guid("create_guid", open.getCreateGuid());
        guid("client_guid", open.getClientGuid());
        guid("app_instance_id", open.getAppInstanceId());
        if (open.hasLease()) {
            guid("lease_key", open.getLease().getLeaseKey());
            guid("parent_lease_key", open.getLease().getParentLeaseKey());
        }
        return open;
    }

    private static void guid(String field, ByteString b) throws InvalidRecordException {
        OpenFields.guid(field, b);
    }
}
