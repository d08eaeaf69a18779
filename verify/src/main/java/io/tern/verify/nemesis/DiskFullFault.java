package io.tern.verify.nemesis;

import io.tern.verify.cluster.ClusterControl;
import java.util.List;

/**
 * Fills a node's own small disk past its reserve (its NOSPACE alarm refuses writes) or completely
 * (it exits); the heal deletes the ballast and restarts the node if it was filled completely. Only
 * a cluster whose nodes have small disks of their own can have it ({@link ClusterControl#hasSmallDisks}).
 */
final class DiskFullFault extends AbstractFault {

    DiskFullFault() {
        super("disk-full", "fill a random node's data directory (each node's is a small disk of its own) past its "
                + "reserve, so its NOSPACE alarm refuses writes, or completely, so it exits; at the heal delete the "
                + "ballast and restart the node if it exited", true, false,
                List.of(FaultVariant.DISK_LOW, FaultVariant.DISK_FILLED));
    }

    @Override
    public Injection inject(FaultStep step, FaultContext on) {
        ClusterControl cluster = on.cluster();
        int id = on.targets().getFirst();
        boolean completely = step.variant() == FaultVariant.DISK_FILLED;
        String filled = cluster.fillDisk(id, completely);
        return new Injection(on.targets(), (completely ? "filled the disk of " : "filled past its reserve the disk of ")
                + on.who() + ": " + filled, () -> {
            cluster.freeDisks();
            if (!completely) {
                return "ballast deleted";
            }
            // A node whose disk was full is on its way out if it has not exited yet (or failed to start):
            // restart it either way, so the heal leaves it running on a disk with room.
            String was = cluster.isRunning(id) ? "was still running, killed and restarted"
                    : "had exited on its full disk, restarted";
            if (cluster.isRunning(id)) {
                cluster.kill9(id);
            }
            cluster.restart(id);
            return "ballast deleted; node " + id + " " + was;
        });
    }
}
