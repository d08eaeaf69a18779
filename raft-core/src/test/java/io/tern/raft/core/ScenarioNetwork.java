package io.tern.raft.core;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** The messages in flight between scenario nodes, and which nodes a partition keeps apart. */
final class ScenarioNetwork {

    private final List<Message> queue = new ArrayList<>();
    private final Map<Long, Integer> partitionGroup = new HashMap<>();

    void send(List<Message> messages) {
        queue.addAll(messages);
    }

    List<Message> queued() {
        return List.copyOf(queue);
    }

    /** Removes and returns the queued messages that match, in queue order. */
    List<Message> take(Predicate<Message> filter) {
        List<Message> taken = new ArrayList<>();
        queue.removeIf(m -> filter.test(m) && taken.add(m));
        return taken;
    }

    void forget(long node) {
        queue.removeIf(m -> m.to() == node || m.from() == node);
    }

    /** Splits the nodes into the given groups; every node not named forms one more group. */
    void partition(List<List<Long>> groups, Iterable<Long> allNodes) {
        partitionGroup.clear();
        for (int g = 0; g < groups.size(); g++) {
            for (long id : groups.get(g)) {
                partitionGroup.put(id, g);
            }
        }
        for (long id : allNodes) {
            partitionGroup.putIfAbsent(id, groups.size());
        }
    }

    void heal() {
        partitionGroup.clear();
    }

    boolean isCut(long a, long b) {
        return !partitionGroup.isEmpty() && !partitionGroup.get(a).equals(partitionGroup.get(b));
    }
}
