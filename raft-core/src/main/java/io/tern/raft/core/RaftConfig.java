package io.tern.raft.core;

/**
 * Tunables of one core. Times are in ticks: the driver calls {@link RaftCore#tick()} at a fixed
 * interval (e.g. every heartbeat interval).
 *
 * @param id                   this node's member id
 * @param electionTicks        base election timeout T; each node waits a random time in [T, 2T)
 * @param heartbeatTicks       leader heartbeat interval, smaller than {@code electionTicks}
 * @param preVote              probe with pre-votes before raising the term
 * @param checkQuorum          a leader steps down without a quorum's contact for T ticks, and
 *                             followers that heard from a leader within T ignore vote requests
 * @param maxInflightAppends   pipelining window: AppendEntries with entries in flight per follower
 * @param maxAppendBytes       bytes of entries per AppendEntries (at least one entry is always sent), at most
 *                             {@link #MAX_ENTRY_BYTES} so that a batch never outgrows the largest single entry
 * @param maxApplyBytes        bytes of committed entries handed out per {@link Ready}
 * @param snapshotTimeoutTicks how long a leader waits for a snapshot to be acknowledged before it
 *                             sends it again (a driver that knows better calls
 *                             {@link RaftCore#reportSnapshot(long, boolean)})
 * @param maxUncommittedBytes  flow control: a leader refuses proposals while the payloads it appended
 *                             in its term and has not committed exceed this (one is always accepted)
 * @param maxEntryBytes        a leader refuses a proposal whose payload is larger ({@link Rejection#TOO_LARGE});
 *                             at most {@link #MAX_ENTRY_BYTES}
 *
 * <p>Byte budgets ({@code maxAppendBytes}, {@code maxApplyBytes}) count each entry as its payload plus
 * {@link #BYTES_COUNTED_PER_ENTRY}, so that a long run of empty entries uses a budget up too.
 */
public record RaftConfig(
        long id,
        int electionTicks,
        int heartbeatTicks,
        boolean preVote,
        boolean checkQuorum,
        int maxInflightAppends,
        long maxAppendBytes,
        long maxApplyBytes,
        int snapshotTimeoutTicks,
        long maxUncommittedBytes,
        int maxEntryBytes) {

    /**
     * The largest entry payload any leader accepts: 8 MiB + 64 KiB, the contract's frame limit, so
     * that every command a client frame can carry (a frame's body less its opcode and requestId)
     * fits. A transport must carry an AppendEntries holding one entry of this size; the peer
     * transport derives its frame limit from it.
     */
    public static final int MAX_ENTRY_BYTES = 8 * 1024 * 1024 + 64 * 1024;

    /**
     * What a byte budget counts for each entry besides its payload: no less than any encoding of an
     * entry spends on its index, term, kind and length.
     */
    public static final int BYTES_COUNTED_PER_ENTRY = 32;

    public RaftConfig {
        if (id < 1) {
            throw new IllegalArgumentException("id must be positive, was " + id);
        }
        if (heartbeatTicks < 1 || electionTicks <= heartbeatTicks) {
            throw new IllegalArgumentException(
                    "need 1 <= heartbeatTicks < electionTicks, got " + heartbeatTicks + " and " + electionTicks);
        }
        if (maxInflightAppends < 1 || maxAppendBytes < 1 || maxApplyBytes < 1 || snapshotTimeoutTicks < 1
                || maxUncommittedBytes < 1) {
            throw new IllegalArgumentException("limits must be positive");
        }
        if (maxEntryBytes < 1 || maxEntryBytes > MAX_ENTRY_BYTES || maxAppendBytes > MAX_ENTRY_BYTES) {
            throw new IllegalArgumentException("maxEntryBytes (" + maxEntryBytes + ") and maxAppendBytes ("
                    + maxAppendBytes + ") must lie in [1, " + MAX_ENTRY_BYTES + "]");
        }
    }

    /** Defaults for a driver ticking every heartbeat: election timeout 10 ticks, pre-vote and check-quorum on. */
    public static RaftConfig defaults(long id) {
        return new RaftConfig(id, 10, 1, true, true, 256, 1 << 20, 4 << 20, 100, 16 << 20, MAX_ENTRY_BYTES);
    }

    public RaftConfig withTicks(int election, int heartbeat) {
        return new RaftConfig(id, election, heartbeat, preVote, checkQuorum, maxInflightAppends, maxAppendBytes,
                maxApplyBytes, snapshotTimeoutTicks, maxUncommittedBytes, maxEntryBytes);
    }

    public RaftConfig withPreVote(boolean on) {
        return new RaftConfig(id, electionTicks, heartbeatTicks, on, checkQuorum, maxInflightAppends, maxAppendBytes,
                maxApplyBytes, snapshotTimeoutTicks, maxUncommittedBytes, maxEntryBytes);
    }

    public RaftConfig withCheckQuorum(boolean on) {
        return new RaftConfig(id, electionTicks, heartbeatTicks, preVote, on, maxInflightAppends, maxAppendBytes,
                maxApplyBytes, snapshotTimeoutTicks, maxUncommittedBytes, maxEntryBytes);
    }

    public RaftConfig withReplicationLimits(int inflight, long appendBytes) {
        return new RaftConfig(id, electionTicks, heartbeatTicks, preVote, checkQuorum, inflight, appendBytes,
                maxApplyBytes, snapshotTimeoutTicks, maxUncommittedBytes, maxEntryBytes);
    }

    public RaftConfig withSnapshotTimeoutTicks(int ticks) {
        return new RaftConfig(id, electionTicks, heartbeatTicks, preVote, checkQuorum, maxInflightAppends,
                maxAppendBytes, maxApplyBytes, ticks, maxUncommittedBytes, maxEntryBytes);
    }

    public RaftConfig withMaxUncommittedBytes(long bytes) {
        return new RaftConfig(id, electionTicks, heartbeatTicks, preVote, checkQuorum, maxInflightAppends,
                maxAppendBytes, maxApplyBytes, snapshotTimeoutTicks, bytes, maxEntryBytes);
    }

    public RaftConfig withMaxEntryBytes(int bytes) {
        return new RaftConfig(id, electionTicks, heartbeatTicks, preVote, checkQuorum, maxInflightAppends,
                maxAppendBytes, maxApplyBytes, snapshotTimeoutTicks, maxUncommittedBytes, bytes);
    }
}
