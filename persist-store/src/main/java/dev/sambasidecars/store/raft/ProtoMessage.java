package dev.sambasidecars.store.raft;

import com.google.protobuf.MessageLite;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;

/**
 * A Ratis message that keeps the protobuf it stands for, so that a reader in the same process
 * (the leader's state machine applying the entry its own node proposed, the leader's writer
 * reading that entry's results) takes the object instead of parsing the bytes again. Its bytes
 * are made once, when Ratis first asks for them (the log, a follower, a remote client); every
 * other reader parses those bytes as before.
 */
final class ProtoMessage<T extends MessageLite> implements Message {

    private final T proto;
    private volatile ByteString content;

    ProtoMessage(T proto) {
        this.proto = proto;
    }

    /** {@code m}'s protobuf where it is a {@code ProtoMessage} of that type, else null. */
    static <T extends MessageLite> T of(Message m, Class<T> type) {
        return m instanceof ProtoMessage<?> p && type.isInstance(p.proto) ? type.cast(p.proto) : null;
    }

    @Override
    public ByteString getContent() {
        ByteString c = content;
        if (c == null) {
            // Serialising the same object twice (two threads at once) gives the same bytes.
            c = UnsafeByteOperations.unsafeWrap(proto.toByteArray());
            content = c;
        }
        return c;
    }

    @Override
    public String toString() {
        return proto.getClass().getSimpleName() + " of " + getContent().size() + " bytes";
    }
}
