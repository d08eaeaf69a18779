package io.tern.verify.cluster;

import io.tern.verify.api.ClientSecurity;
import io.tern.chaos.FaultProxy;
import io.tern.client.ServerStatus;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.IntPredicate;

/**
 * What a torture run may do to a cluster. {@link LocalCluster} (processes it started, each behind a
 * {@link FaultProxy}) supports everything; {@link ExternalCluster} (a running cluster reached by its
 * endpoints) supports only what goes through the protocol: STATUS, leadership transfer, snapshots
 * and membership changes of existing members. The others throw {@link UnsupportedOperationException};
 * {@link #controlsProcesses()} and {@link #controlsNetwork()} say in advance which ones work.
 *
 * <p>Node ids are the members' Raft ids, as ints: the server's ids are longs, but no cluster verify
 * runs or meets needs more, and {@link #memberId} is where a STATUS's id becomes one. Every method
 * may be called from any thread.
 */
public interface ClusterControl extends AutoCloseable {

    /**
     * The node id of the member a {@link ServerStatus} names ({@code id}, {@code leaderId}, a member's id).
     *
     * @throws ArithmeticException if the id does not fit an int
     */
    static int memberId(long statusId) {
        return Math.toIntExact(statusId);
    }

    /** Whether kill, pause, stop, restart and {@link #addNode()} work. */
    boolean controlsProcesses();

    /** Whether {@link #proxy(int)} works: partitions, one-way links and slow links. */
    boolean controlsNetwork();

    /** The ids of the current members (including any not running right now), in id order. */
    List<Integer> nodeIds();

    /** The address clients and peers use for member {@code id}. */
    String endpoint(int id);

    /** {@link #endpoint} of every current member, in id order: what a workload's clients connect to. */
    default List<String> endpoints() {
        return nodeIds().stream().map(this::endpoint).toList();
    }

    /**
     * The address etcd clients use for member {@code id}'s etcd API.
     *
     * @throws UnsupportedOperationException if the cluster's members were not started with it
     */
    default String etcdEndpoint(int id) {
        throw new UnsupportedOperationException("the etcd API of a cluster reached by --endpoints is not known; "
                + "verify --api etcd starts its own cluster");
    }

    /** {@link #etcdEndpoint} of every current member, in id order. */
    default List<String> etcdEndpoints() {
        return nodeIds().stream().map(this::etcdEndpoint).toList();
    }

    /** Member {@code id}'s STATUS, or empty when it does not answer within a short timeout. */
    Optional<ServerStatus> status(int id);

    /** STATUS of every current member that answers, asked in parallel, by id. */
    Map<Integer, ServerStatus> statuses();

    /**
     * Waits until a member is LEADER and a majority of the voters in its configuration (it
     * included) report it as leader in its term: a leader that can serve, not a candidate's
     * fleeting claim.
     *
     * @return the leader's id
     * @throws ClusterException if there is none within {@code timeout}
     */
    default int awaitLeader(Duration timeout) {
        return awaitLeader(timeout, id -> true);
    }

    /** As {@link #awaitLeader(Duration)}, for a leader whose id {@code acceptable} accepts (not the old one, say). */
    int awaitLeader(Duration timeout, IntPredicate acceptable);

    /** The leader right now as the answering members see it (the LEADER with the highest term), best effort. */
    default OptionalInt leaderId() {
        return Leaders.highestTermLeader(statuses().values());
    }

    /**
     * Waits for a leader, then until every current member has applied the leader's commit index of
     * that moment (and so every write acknowledged before the call).
     *
     * @return the commit index awaited
     */
    default long awaitCaughtUp(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int leader = awaitLeader(timeout);
        long commit = status(leader).map(ServerStatus::commitIndex).orElse(0L);
        for (int id : nodeIds()) {
            Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
            Await.until("member " + id + " to apply index " + commit, left,
                    () -> status(id).map(s -> s.appliedIndex() >= commit).orElse(false));
        }
        return commit;
    }

    /**
     * Reads member {@code id}'s whole state with LOCAL scans sent to it alone, once it has applied
     * {@code minRevision}, and fingerprints it. Compare the digests of every member after
     * {@link #awaitCaughtUp} with no writes in flight to check that they converged.
     */
    StateDigest digest(int id, long minRevision);

    /** {@link #digest} of every current member, by id. */
    default Map<Integer, StateDigest> digests(long minRevision) {
        Map<Integer, StateDigest> digests = new java.util.TreeMap<>();
        for (int id : nodeIds()) {
            digests.put(id, digest(id, minRevision));
        }
        return digests;
    }

    /**
     * The nodes' {@code --max-value-bytes}. A cluster reached by its endpoints does not say, so it is
     * taken to run with the default.
     */
    /** How clients reach the members: plaintext, or TLS with the run's CA and client certificate. */
    default ClientSecurity clientSecurity() {
        return ClientSecurity.PLAINTEXT;
    }

    default int maxValueBytes() {
        return DEFAULT_MAX_VALUE_BYTES;
    }

    /** The server's default {@code --max-value-bytes}. */
    int DEFAULT_MAX_VALUE_BYTES = 4 * 1024 * 1024;

    /** Asks the current leader to hand leadership to member {@code targetId}; returns once it accepted. */
    void transferLeader(int targetId);

    /** Makes member {@code id} take a snapshot and compact its log; returns the index the snapshot covers. */
    long snapshot(int id);

    /**
     * Removes member {@code id} from the configuration (through the leader). A cluster that controls
     * processes then stops the node (SIGTERM), keeping its data directory for {@link #rejoinNode}.
     */
    void removeNode(int id);

    /**
     * Brings back member {@code id} after {@link #removeNode}: restarts it on its data directory
     * where processes are controlled, adds it as a learner, waits until it has caught up, then makes
     * it a voter.
     */
    void rejoinNode(int id);

    // ---- processes: LocalCluster only ----

    /**
     * Starts a new member with an empty data directory ({@code --join}), adds it as a learner,
     * waits until it has caught up, then makes it a voter.
     *
     * @return its id
     */
    default int addNode() {
        throw unsupported("starting a new node");
    }

    /** SIGKILL to each node named, back to back, then waits until every one is gone. */
    default void kill9(int... ids) {
        throw unsupported("kill -9");
    }

    /** SIGSTOP: the process stays, frozen, until {@link #resume}. */
    default void pause(int id) {
        throw unsupported("SIGSTOP");
    }

    /** SIGCONT after {@link #pause}. */
    default void resume(int id) {
        throw unsupported("SIGCONT");
    }

    /** Starts a node that was killed or stopped again, on its data directory, with the same arguments. */
    default void restart(int id) {
        throw unsupported("restarting a node");
    }

    /** SIGTERM, then waits until the node has stopped; returns its exit code. */
    default int stop(int id) {
        throw unsupported("stopping a node");
    }

    /** Whether node {@code id}'s process is alive (a paused one is). */
    default boolean isRunning(int id) {
        throw unsupported("watching processes");
    }

    /** Whether node {@code id} is frozen by {@link #pause}. */
    default boolean isPaused(int id) {
        throw unsupported("watching processes");
    }

    /** Ids of nodes whose process ever exited without this cluster killing or stopping it: a crash. */
    default List<Integer> exitedUnexpectedly() {
        return List.of();
    }

    /** Whether each node keeps its data on a small disk of its own, which {@link #fillDisk} can fill. */
    default boolean hasSmallDisks() {
        return false;
    }

    /**
     * Writes a ballast file onto node {@code id}'s disk, leaving it just below the node's reserve (its
     * NOSPACE alarm goes off) or, {@code completely}, full (the node exits, which is then expected).
     *
     * @return a few words on what it did
     */
    default String fillDisk(int id, boolean completely) {
        throw unsupported("filling a node's disk");
    }

    /** Deletes every ballast {@link #fillDisk} wrote. */
    default void freeDisks() {
    }

    /** The fault-injecting proxy in front of node {@code id}. */
    default FaultProxy proxy(int id) {
        throw new UnsupportedOperationException("network faults need the proxies of a cluster that verify started; "
                + "a cluster reached by --endpoints has none");
    }

    /** Stops whatever this object started; an external cluster is left running. */
    @Override
    void close();

    private static UnsupportedOperationException unsupported(String what) {
        return new UnsupportedOperationException(what + " needs a cluster that verify started itself; "
                + "a cluster reached by --endpoints runs no process of ours");
    }
}
