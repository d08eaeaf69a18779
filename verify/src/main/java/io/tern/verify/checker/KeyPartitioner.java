package io.tern.verify.checker;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Splits a history into {@link Partition}s: the connected components of the graph whose nodes are
 * keys and where a BATCH links every key it writes. Without batches this is one partition per key.
 *
 * <p>The rule for BATCH: a batch is one operation on the group of keys it touches, checked against
 * a model of that whole group ({@link KeyValueMapModel}). Grouping by components keeps this
 * correct (no operation spans two partitions) and small (keys no batch ties stay alone).
 */
final class KeyPartitioner {

    private KeyPartitioner() {
    }

    static List<Partition> partition(List<HistoryEntry> entries) {
        KeyGroups groups = new KeyGroups();
        for (HistoryEntry entry : entries) {
            List<String> keys = entry.operation().call().keys();
            for (String key : keys) {
                groups.union(keys.getFirst(), key);
            }
        }
        Map<String, Set<String>> keysByRoot = new LinkedHashMap<>();
        Map<String, List<HistoryEntry>> entriesByRoot = new HashMap<>();
        for (HistoryEntry entry : entries) {
            String root = groups.find(entry.operation().call().keys().getFirst());
            entriesByRoot.computeIfAbsent(root, r -> new ArrayList<>()).add(entry);
            keysByRoot.computeIfAbsent(root, r -> new TreeSet<>()).addAll(entry.operation().call().keys());
        }
        List<Partition> partitions = new ArrayList<>();
        for (Map.Entry<String, Set<String>> group : keysByRoot.entrySet()) {
            List<String> keys = List.copyOf(group.getValue());
            partitions.add(new Partition(keys, List.copyOf(entriesByRoot.get(group.getKey()))));
        }
        partitions.sort(Comparator.comparing(partition -> partition.keys().getFirst()));
        return partitions;
    }

    /** Union-find over key names, with path halving. */
    private static final class KeyGroups {
        private final Map<String, String> parent = new HashMap<>();

        String find(String key) {
            parent.putIfAbsent(key, key);
            String current = key;
            while (!parent.get(current).equals(current)) {
                String grandparent = parent.get(parent.get(current));
                parent.put(current, grandparent);
                current = grandparent;
            }
            return current;
        }

        void union(String a, String b) {
            String rootA = find(a);
            String rootB = find(b);
            if (!rootA.equals(rootB)) {
                parent.put(rootA, rootB);
            }
        }
    }
}
