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
 *
 * <p>A reply is also kept by Ratis's retry cache for its expiry time (a minute), so its reader
 * {@linkplain #take takes} the object: the message then keeps only the bytes (for a batch of 40
 * updates' results about 240 bytes, against some 3 KB of objects).
 */
final class ProtoMessage<T extends MessageLite> implements Message {

    private volatile T proto;
    private volatile ByteString content;

    ProtoMessage(T proto) {
        this.proto = proto;
    }

    /** {@code m}'s protobuf where it is a {@code ProtoMessage} of that type, else null. */
    static <T extends MessageLite> T of(Message m, Class<T> type) {
        if (m instanceof ProtoMessage<?> p) {
            MessageLite held = p.proto;
            return type.isInstance(held) ? type.cast(held) : null;
        }
        return null;
    }

    /**
     * {@code m}'s protobuf, as {@link #of}, after which {@code m} keeps only its bytes (made now
     * if not yet): for the one reader of an object that {@code m} outlives.
     */
    static <T extends MessageLite> T take(Message m, Class<T> type) {
        T held = of(m, type);
        if (held != null) {
            ProtoMessage<?> p = (ProtoMessage<?>) m;
            p.getContent();
            p.proto = null;
        }
        return held;
    }

    @Override
    public ByteString getContent() {
        ByteString c = content;
        if (c != null) {
            return c;
        }
        T p = proto;
        if (p == null) {
            // Taken: the bytes were made before the object was let go.
            return content;
        }
        // Serialising the same object twice (two threads at once) gives the same bytes.
        c = UnsafeByteOperations.unsafeWrap(p.toByteArray());
        content = c;
        return c;
    }

    @Override
    public String toString() {
        T p = proto;
        return (p == null ? "message" : p.getClass().getSimpleName()) + " of " + getContent().size() + " bytes";
    }
}
