package dev.sambasidecars.store.state;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A secondary index: a field's value to the keys of the records that have it. Hash-based, since
 * every write of the shard's single apply thread updates it; answers come out in key order.
 */
final class KeyIndex<K> {

    private final Map<K, Set<ByteString>> keys = new HashMap<>();

    void add(K value, ByteString key) {
        keys.computeIfAbsent(value, v -> new HashSet<>(4)).add(key);
    }

    void remove(K value, ByteString key) {
        Set<ByteString> set = keys.get(value);
        if (set != null && set.remove(key) && set.isEmpty()) {
            keys.remove(value);
        }
    }

    List<ByteString> get(K value) {
        Set<ByteString> set = keys.get(value);
        if (set == null) {
            return List.of();
        }
        List<ByteString> out = new ArrayList<>(set);
        out.sort(ByteString.unsignedLexicographicalComparator());
        return out;
    }

    void clear() {
        keys.clear();
    }
}
