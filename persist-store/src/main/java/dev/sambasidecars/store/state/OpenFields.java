package dev.sambasidecars.store.state;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import java.io.IOException;

/**
 * The fields of a stored PersistentOpen the shard indexes, read straight off its wire bytes on
 * every replica's apply path without building the whole message (the full check runs once,
 * where the write enters the store). The scan still walks every field, so bytes that are not
 * protobuf are refused here too.
 */
record OpenFields(long fileId, ByteString createGuid, ByteString clientGuid, long durableTimeoutMs,
                  long disconnectTimeUnixMs, int owningNode) {

    // Field numbers in open.proto.
    private static final int FILE_ID = 1;
    private static final int CREATE_GUID = 2;
    private static final int CLIENT_GUID = 3;
    private static final int DURABLE_TIMEOUT = 17;
    private static final int DISCONNECT_TIME = 18;
    private static final int OWNING_NODE = 19;

    static OpenFields scan(ByteString value) throws InvalidRecordException {
        long fileId = 0;
        ByteString create = ByteString.EMPTY;
        ByteString client = ByteString.EMPTY;
        long timeout = 0;
        long disconnect = 0;
        int node = 0;
        CodedInputStream in = value.newCodedInput();
        try {
            for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                int field = WireFormat.getTagFieldNumber(tag);
                int type = WireFormat.getTagWireType(tag);
                if (field == FILE_ID && type == WireFormat.WIRETYPE_FIXED64) {
                    fileId = in.readFixed64();
                } else if (field == CREATE_GUID && type == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                    create = guid("create_guid", in.readBytes());
                } else if (field == CLIENT_GUID && type == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                    client = guid("client_guid", in.readBytes());
                } else if (field == DURABLE_TIMEOUT && type == WireFormat.WIRETYPE_VARINT) {
                    timeout = in.readUInt64();
                } else if (field == DISCONNECT_TIME && type == WireFormat.WIRETYPE_VARINT) {
                    disconnect = in.readInt64();
                } else if (field == OWNING_NODE && type == WireFormat.WIRETYPE_VARINT) {
                    node = in.readInt32();
                } else if (!in.skipField(tag)) {
                    break;
                }
            }
        } catch (IOException e) {
            throw new InvalidRecordException("not a PersistentOpen: " + e.getMessage());
        }
        return new OpenFields(fileId, create, client, timeout, disconnect, node);
    }

    static ByteString guid(String field, ByteString b) throws InvalidRecordException {
        if (!b.isEmpty() && b.size() != 16) {
            throw new InvalidRecordException(field + " of " + b.size() + " bytes (a GUID has 16)");
        }
        return b;
    }

    /** When a disconnected open expires (Unix ms), or 0 while a client holds it. */
    long deadline() {
        return disconnectTimeUnixMs == 0 ? 0 : disconnectTimeUnixMs + Math.min(durableTimeoutMs, Long.MAX_VALUE / 4);
    }
}
