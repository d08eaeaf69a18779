package io.tern.verify.api;

import io.tern.kv.KeyRange;
import io.tern.verify.history.Call;
import io.tern.verify.history.Outcome;

/**
 * What the workloads of a run ask of the cluster, through one {@link ClientApi}. There is one
 * implementation per API ({@link NativeApiClient}, {@link EtcdApiClient}), so that each workload and
 * checker exists once. An instance is one client, as one process of the run would have one; each
 * workload uses its own from one thread at a time.
 */
public interface ApiClient extends AutoCloseable {

    // ---- the recorded calls of the history ----

    /**
     * Runs one call and says how it ended. A failure is an outcome, never an exception:
     * {@link Outcome.Failed} only when the call certainly took no effect, {@link Outcome.Unknown}
     * whenever it may have (a wrong "failed" would make the checker report violations that are not there).
     */
    CallResult execute(Call call);

    /**
     * Whether a LOCAL read through this API never answers at a revision below one this client has
     * already seen, so that a per-client regression of revisions is a fault.
     */
    boolean localReadsFollowTheClient();

    // ---- watches ----

    /**
     * Starts watching {@code range} from {@code startRevision} (0: from now); resuming it when its
     * member fails is the client's business, as it is for any application of that API.
     *
     * @throws ApiCallException if it cannot be started
     */
    WatchHandle watch(KeyRange range, long startRevision, WatchSink sink);

    // ---- leases ----

    /** A lease the cluster granted. */
    record GrantedLease(long id, long ttlSeconds) {
    }

    /** @throws ApiCallException if the grant was not acknowledged */
    GrantedLease grant(long ttlSeconds);

    /** Puts {@code key} attached to lease {@code leaseId}; @throws ApiCallException if not acknowledged */
    void put(String key, String value, long leaseId);

    /**
     * One keep-alive of the lease, acknowledged by the leader.
     *
     * @throws ApiCallException.LeaseNotFound if the cluster says the lease is gone
     * @throws ApiCallException otherwise when it was not acknowledged
     */
    void keepAliveOnce(long leaseId);

    /** @throws ApiCallException if the revoke was not acknowledged */
    void revoke(long leaseId);

    /** A linearizable read of whether {@code key} exists; @throws ApiCallException if it was not answered */
    boolean exists(String key);

    @Override
    void close();
}
