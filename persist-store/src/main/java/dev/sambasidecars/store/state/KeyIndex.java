package dev.sambasidecars.store.state;

import com.google.protobuf.ByteString;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeSet;

/** A secondary index: a field's value to the keys of the records that have it, in key order. */
final class KeyIndex<K> {

    private final Map<K, NavigableSet<ByteString>> keys = new HashMap<>();

    void add(K value, ByteString key) {
        keys.computeIfAbsent(value, v -> new TreeSet<>(ByteString.unsignedLexicographicalComparator())).add(key);
    }

    void remove(K value, ByteString key) {
        NavigableSet<ByteString> set = keys.get(value);
        if (set != null && set.remove(key) && set.isEmpty()) {
            keys.remove(value);
        }
    }

    List<ByteString> get(K value) {
        NavigableSet<ByteString> set = keys.get(value);
        return set == null ? List.of() : List.copyOf(set);
    }

    void clear() {
        keys.clear();
    }
}
