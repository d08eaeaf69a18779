package io.tern.verify.lock;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Judges a lock by the fenced writes its holders made: never two holders at once means that, in the
 * order the cluster applied them, no write by an earlier holder (a lower lock revision) comes after a
 * write by a later one. A holder whose lease expired while it was paused may still believe it holds
 * the lock; its fenced writes must then fail, and a success would show up here.
 */
public final class FencingChecker {

    private FencingChecker() {
    }

    /** One line per write out of turn; empty when the holders took turns. */
    public static List<String> check(List<FencedWrite> writes) {
        List<FencedWrite> applied = new ArrayList<>(writes);
        applied.sort(Comparator.comparingLong(FencedWrite::writeRevision));
        List<String> anomalies = new ArrayList<>();
        FencedWrite latestHolder = null;
        for (FencedWrite write : applied) {
            if (latestHolder != null && write.lockRevision() < latestHolder.lockRevision()) {
                anomalies.add(write.holder() + " (lock revision " + write.lockRevision() + ") wrote at revision "
                        + write.writeRevision() + " after " + latestHolder.holder() + " (lock revision "
                        + latestHolder.lockRevision() + ") had written at " + latestHolder.writeRevision()
                        + ": two holders at once");
            } else if (latestHolder != null && write.lockRevision() == latestHolder.lockRevision()
                    && !write.holder().equals(latestHolder.holder())) {
                anomalies.add(write.holder() + " and " + latestHolder.holder() + " both wrote under lock revision "
                        + write.lockRevision());
            } else {
                latestHolder = write;
            }
        }
        return anomalies;
    }
}
