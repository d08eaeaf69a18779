package io.tern.verify;

import io.tern.verify.cluster.NodeLaunch;
import io.tern.verify.nemesis.Fault;
import io.tern.verify.nemesis.Timing;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * One torture run's settings.
 *
 * @param endpoints     an existing cluster to test, or empty to start {@code nodes} local processes
 * @param processes     concurrent clients, each one call at a time
 * @param thinkTime     the most a client waits between calls
 * @param extraServerArgs flags added to every local node (for instance a broken mode under test)
 * @param nodeLaunch    how local nodes are started (the caller knows the node's main class and classpath)
 */
public record VerifyConfig(int nodes, List<String> endpoints, Duration duration, Set<Fault> faults, long seed,
                            int processes, int keys, Duration thinkTime, Duration requestTimeout, Path outputDirectory,
                            String fsync, long snapshotEntries, List<String> extraServerArgs, Timing timing,
                            Duration checkTimeout, NodeLaunch nodeLaunch) {

    public VerifyConfig {
        endpoints = List.copyOf(endpoints);
        faults = Set.copyOf(faults);
        extraServerArgs = List.copyOf(extraServerArgs);
    }

    /** The same run with other faults. */
    VerifyConfig withFaults(Set<Fault> kinds) {
        return new VerifyConfig(nodes, endpoints, duration, kinds, seed, processes, keys, thinkTime, requestTimeout,
                outputDirectory, fsync, snapshotEntries, extraServerArgs, timing, checkTimeout, nodeLaunch);
    }

    boolean external() {
        return !endpoints.isEmpty();
    }
}
