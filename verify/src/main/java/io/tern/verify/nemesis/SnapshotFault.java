package io.tern.verify.nemesis;

import io.tern.client.ServerStatus;
import io.tern.verify.cluster.Await;
import io.tern.verify.cluster.ClusterControl;
import io.tern.verify.cluster.ClusterException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Snapshots the leader and a follower under load, or cuts a follower off, compacts the leader's
 * log past it and at the heal awaits its catch-up by InstallSnapshot.
 */
final class SnapshotFault extends AbstractFault {

    /** Between two snapshot attempts of {@link FaultVariant#LAGGING_FOLLOWER}. */
    static final long SNAPSHOT_RETRY_MILLIS = 500;

    SnapshotFault() {
        super("snapshot", "cut a follower off, make the leader snapshot and compact past it, and at the heal await "
                + "its catch-up by InstallSnapshot; or snapshot the leader and a follower under load", false, false,
                List.of(FaultVariant.LAGGING_FOLLOWER, FaultVariant.SNAPSHOT_NOW));
    }

    @Override
    public Injection inject(FaultStep step, FaultContext on) {
        int leader = on.leader().getAsInt();
        if (step.variant() == FaultVariant.SNAPSHOT_NOW) {
            List<String> taken = new ArrayList<>();
            for (int id : on.targets()) {
                taken.add("node " + id + " at " + on.cluster().snapshot(id));
            }
            return new Injection(on.targets(), "snapshot of " + String.join(", ", taken) + " (leader " + leader + ")",
                    Heal.nothing());
        }
        return compactPastLaggingFollower(step, on, leader);
    }

    private static Injection compactPastLaggingFollower(FaultStep step, FaultContext on, int leader) {
        ClusterControl cluster = on.cluster();
        int follower = on.targets().getFirst();
        long followerLast = cluster.status(follower).map(ServerStatus::lastLogIndex).orElse(0L);
        cluster.proxy(follower).partition();
        // Writes must pass the follower before the compaction, or it could still catch up from the log.
        Duration wait = Duration.ofNanos(Math.min(step.active().toNanos() / 2, TimeUnit.SECONDS.toNanos(3)));
        try {
            Await.until("writes past node " + follower + "'s log", wait,
                    () -> cluster.status(leader).map(s -> s.commitIndex() > followerLast + 1).orElse(false));
        } catch (ClusterException noWrites) {
            // Compact anyway; the details say that the follower could still catch up from the log.
        }
        // Compaction frees whole log files only, so one snapshot may leave the follower's entries in
        // place; keep it cut off and try again while the fault lasts, in case a file is completed.
        long until = System.nanoTime() + step.active().toNanos();
        long snapshotIndex = cluster.snapshot(leader);
        long leaderFirst = cluster.status(leader).map(ServerStatus::firstLogIndex).orElse(0L);
        int attempts = 1;
        while (leaderFirst <= followerLast + 1 && System.nanoTime() - until < 0) {
            try {
                Thread.sleep(SNAPSHOT_RETRY_MILLIS); // pacing the attempts, not waiting for a condition
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            snapshotIndex = cluster.snapshot(leader);
            leaderFirst = cluster.status(leader).map(ServerStatus::firstLogIndex).orElse(0L);
            attempts++;
        }
        boolean needsInstall = leaderFirst > followerLast + 1;
        long compactedTo = snapshotIndex;
        String details = "node " + follower + " cut off at log index " + followerLast + "; leader " + leader
                + " snapshot at " + snapshotIndex + " (" + attempts + " attempt" + (attempts == 1 ? "" : "s")
                + "), its log now from " + leaderFirst + (needsInstall ? ": catch-up needs InstallSnapshot"
                : ": the log still holds what it lacks (compaction frees whole log files), catch-up from the log");
        return new Injection(on.targets(), details, () -> {
            String healed = on.healProxies(List.of(follower));
            Await.until("node " + follower + " to catch up to " + compactedTo, FaultContext.CATCH_UP_WAIT,
                    () -> cluster.status(follower).map(s -> s.appliedIndex() >= compactedTo).orElse(false));
            long installed = cluster.status(follower).map(ServerStatus::snapshotIndex).orElse(0L);
            return healed + "; node " + follower + " caught up to " + compactedTo + ", its snapshot index now "
                    + installed + (needsInstall && installed >= compactedTo ? " (installed from the leader)" : "");
        });
    }
}
