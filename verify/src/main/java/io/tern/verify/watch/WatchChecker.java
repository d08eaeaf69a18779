package io.tern.verify.watch;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Judges watches against the writes a history acknowledged, in the spirit of etcd's robustness
 * tests. Every watch must deliver every change of its keys in revision order, each exactly once, with
 * no gap between its start and the revision it claims to be complete through, and each event must be
 * a change that happened: an acknowledged write at that revision, or a write whose outcome the client
 * never learned (then the event tells its revision, and every other watch must agree). Watches that
 * saw the same revision of the same key must have seen the same change.
 *
 * <p>Values in a verifier history are unique per write, so a put event is matched to its write by
 * key and value; deletes of a key are matched by key and revision.
 */
public final class WatchChecker {

    private final Map<Long, Map<String, Change>> acknowledgedByRevision = new HashMap<>();
    private final Set<Change> possible = new HashSet<>();
    private final Set<String> unknownOutcomePuts = new HashSet<>();
    private final Set<String> unknownOutcomeDeletes = new HashSet<>();

    /**
     * @param acknowledged the changes acknowledged writes made, with their revisions (a delete that
     *     found no key made none, and a watch has nothing to show for it)
     * @param unknownOutcome changes of writes whose outcome the client never learned, and deletes it did
     *     not make itself (a lease's expiry); their revision is ignored
     */
    public WatchChecker(List<Change> acknowledged, List<Change> unknownOutcome) {
        this(acknowledged, List.of(), unknownOutcome);
    }

    /**
     * @param possible changes an acknowledged write made at a known revision if the key existed, which
     *     the client was not told (a batch's delete): a watch may show them, at exactly that revision,
     *     and need not
     */
    public WatchChecker(List<Change> acknowledged, List<Change> possible, List<Change> unknownOutcome) {
        this.possible.addAll(possible);
        for (Change change : acknowledged) {
            Change earlier = acknowledgedByRevision.computeIfAbsent(change.revision(), r -> new HashMap<>())
                    .put(change.key(), change);
            if (earlier != null && !earlier.equals(change)) {
                throw new IllegalArgumentException("two acknowledged changes of one key at one revision: "
                        + earlier.describe() + " and " + change.describe());
            }
        }
        for (Change change : unknownOutcome) {
            if (change.kind() == Change.Kind.PUT) {
                unknownOutcomePuts.add(change.key() + "=" + change.value());
            } else {
                unknownOutcomeDeletes.add(change.key());
            }
        }
    }

    /** One line per anomaly found; empty when every watch behaved. */
    public List<String> check(List<ObservedWatch> watches) {
        List<String> anomalies = new ArrayList<>();
        Map<String, Change> seenAcrossWatches = new HashMap<>();
        for (ObservedWatch watch : watches) {
            checkOne(watch, anomalies, seenAcrossWatches);
        }
        return anomalies;
    }

    private void checkOne(ObservedWatch watch, List<String> anomalies, Map<String, Change> seenAcrossWatches) {
        long previousRevision = Long.MIN_VALUE;
        Set<String> delivered = new HashSet<>();
        Set<Change> deliveredExactly = new HashSet<>();
        for (Change event : watch.events()) {
            String where = watch.name() + ": " + event.describe();
            if (event.revision() < previousRevision) {
                anomalies.add(where + " arrived after revision " + previousRevision + " (out of order)");
            }
            previousRevision = Math.max(previousRevision, event.revision());
            deliveredExactly.add(event);
            if (!delivered.add(event.key() + "@" + event.revision())) {
                anomalies.add(where + " was delivered twice");
            }
            if (!watch.covers().test(event.key())) {
                anomalies.add(where + " is not in the watched range");
            }
            if (event.revision() < watch.startRevision()) {
                anomalies.add(where + " is before the watch's start revision " + watch.startRevision());
            }
            if (!happened(event)) {
                anomalies.add(where + " matches no write (acknowledged at that revision, or of unknown outcome)");
            }
            Change other = seenAcrossWatches.putIfAbsent(event.key() + "@" + event.revision(), event);
            if (other != null && !other.equals(event)) {
                anomalies.add(where + " but another watch saw " + other.describe());
            }
        }
        for (Map.Entry<Long, Map<String, Change>> revision : acknowledgedByRevision.entrySet()) {
            if (revision.getKey() < watch.startRevision() || revision.getKey() > watch.completeThrough()) {
                continue;
            }
            for (Change change : revision.getValue().values()) {
                if (watch.covers().test(change.key()) && !deliveredExactly.contains(change)) {
                    anomalies.add(watch.name() + ": missed " + change.describe() + " (complete through "
                            + watch.completeThrough() + ")");
                }
            }
        }
    }

    private boolean happened(Change event) {
        Change acknowledged = acknowledgedByRevision.getOrDefault(event.revision(), Map.of()).get(event.key());
        if (acknowledged != null) {
            return acknowledged.equals(event);
        }
        if (possible.contains(event)) {
            return true;
        }
        return event.kind() == Change.Kind.PUT ? unknownOutcomePuts.contains(event.key() + "=" + event.value())
                : unknownOutcomeDeletes.contains(event.key());
    }
}
