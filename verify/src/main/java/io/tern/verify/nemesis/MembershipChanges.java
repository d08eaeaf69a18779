package io.tern.verify.nemesis;

import io.tern.verify.cluster.ClusterControl;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The membership changes a {@link Nemesis} made and has not undone yet, so that a last repair can
 * undo them even when a heal never ran. Thread-safe.
 */
public final class MembershipChanges {

    private final Set<Integer> removed = new TreeSet<>();
    private final Set<Integer> added = new TreeSet<>();

    /** A member is being removed (noted before the call: a removal whose answer was lost still counts). */
    public synchronized void removing(int id) {
        removed.add(id);
    }

    public synchronized void readded(int id) {
        removed.remove(id);
    }

    public synchronized void added(int id) {
        added.add(id);
    }

    public synchronized void removedAgain(int id) {
        added.remove(id);
    }

    /** Brings back every member removed and removes every node added. */
    public void undoAll(ClusterControl cluster) {
        List<Integer> toReadd;
        List<Integer> toRemove;
        synchronized (this) {
            toReadd = List.copyOf(removed);
            toRemove = List.copyOf(added);
        }
        for (int id : toReadd) {
            cluster.rejoinNode(id);
            readded(id);
        }
        for (int id : toRemove) {
            cluster.removeNode(id);
            removedAgain(id);
        }
    }
}
