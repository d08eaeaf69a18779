package io.tern.verify;

import io.tern.verify.api.ClientApi;
import io.tern.verify.api.ClientSecurity;
import io.tern.verify.cluster.NodeLaunch;
import io.tern.verify.nemesis.Fault;
import io.tern.verify.nemesis.Timing;
import io.tern.verify.workload.Workload;
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
 * @param workloads     what the run exercises besides faults ({@code --workloads})
 * @param api           which API the clients speak ({@code --api}); etcd's needs a cluster the run starts
 * @param security      how the run's clients speak to the members ({@code --cacert}, {@code --cert}, {@code --key})
 */
public record VerifyConfig(int nodes, List<String> endpoints, Duration duration, Set<Fault> faults, long seed,
                            int processes, int keys, Duration thinkTime, Duration requestTimeout, Path outputDirectory,
                            String fsync, long snapshotEntries, List<String> extraServerArgs, Timing timing,
                            Duration checkTimeout, NodeLaunch nodeLaunch, Set<Workload> workloads, ClientApi api,
                            ClientSecurity security) {

    /** @throws IllegalArgumentException with one line when the run cannot be made as asked */
    public VerifyConfig {
        java.util.Objects.requireNonNull(api, "api");
        java.util.Objects.requireNonNull(security, "security");
        if (api == ClientApi.ETCD && !endpoints.isEmpty()) {
            throw new IllegalArgumentException("--api etcd needs a cluster that verify starts: the etcd addresses "
                    + "of the members at --endpoints are not known");
        }
        endpoints = List.copyOf(endpoints);
        faults = Set.copyOf(faults);
        extraServerArgs = List.copyOf(extraServerArgs);
        workloads = Set.copyOf(workloads);
    }

    /** The same run with other faults. */
    VerifyConfig withFaults(Set<Fault> kinds) {
        return new VerifyConfig(nodes, endpoints, duration, kinds, seed, processes, keys, thinkTime, requestTimeout,
                outputDirectory, fsync, snapshotEntries, extraServerArgs, timing, checkTimeout, nodeLaunch, workloads, api,
                security);
    }

    boolean runs(Workload workload) {
        return workloads.contains(workload);
    }

    /**
     * The nodes' base election timeout: the one passed with {@code --server-arg}, else the server's
     * default (an external cluster's is not known; the default is assumed).
     */
    Duration electionTimeout() {
        for (int i = 0; i < extraServerArgs.size(); i++) {
            String arg = extraServerArgs.get(i);
            if (arg.startsWith("--election-timeout-ms=")) {
                return Duration.ofMillis(Long.parseLong(arg.substring(arg.indexOf('=') + 1)));
            }
            if (arg.equals("--election-timeout-ms") && i + 1 < extraServerArgs.size()) {
                return Duration.ofMillis(Long.parseLong(extraServerArgs.get(i + 1)));
            }
        }
        return Duration.ofSeconds(1);
    }

    boolean external() {
        return !endpoints.isEmpty();
    }
}
