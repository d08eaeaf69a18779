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
 * @param maxAppendBytes       payload bytes per AppendEntries (at least one entry is always sent)
 * @param maxApplyBytes        payload bytes of committed entries handed out per {@link Ready}
 * @param snapshotTimeoutTicks how long a leader waits for a snapshot to be acknowledged before it
 *                             sends it again (a driver that knows better calls
 *                             {@link RaftCore#reportSnapshot(long, boolean)})
 * @param maxUncommittedBytes  flow control: a leader refuses proposals while the payloads it appended
 *                             in its term and has not committed exceed this (one is always accepted)
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
        long maxUncommittedBytes) {

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
    }

    /** Defaults for a driver ticking every heartbeat: election timeout 10 ticks, pre-vote and check-quorum on. */
    public static RaftConfig defaults(long id) {
        return new RaftConfig(id, 10, 1, true, true, 256, 1 << 20, 4 << 20, 100, 16 << 20);
    }

    public RaftConfig withTicks(int election, int heartbeat) {
        return new RaftConfig(id, election, heartbeat, preVote, checkQuorum, maxInflightAppends, maxAppendBytes,
                maxApplyBytes, snapshotTimeoutTicks, maxUncommittedBytes);
    }

    public RaftConfig withPreVote(boolean on) {
        return new RaftConfig(id, electionTicks, heartbeatTicks, on, checkQuorum, maxInflightAppends, maxAppendBytes,
                maxApplyBytes, snapshotTimeoutTicks, maxUncommittedBytes);
    }

    public RaftConfig withCheckQuorum(boolean on) {
        return new RaftConfig(id, electionTicks, heartbeatTicks, preVote, on, maxInflightAppends, maxAppendBytes,
                maxApplyBytes, snapshotTimeoutTicks, maxUncommittedBytes);
    }

    public RaftConfig withReplicationLimits(int inflight, long appendBytes) {
        return new RaftConfig(id, electionTicks, heartbeatTicks, preVote, checkQuorum, inflight, appendBytes,
                maxApplyBytes, snapshotTimeoutTicks, maxUncommittedBytes);
    }

    public RaftConfig withSnapshotTimeoutTicks(int ticks) {
        return new RaftConfig(id, electionTicks, heartbeatTicks, preVote, checkQuorum, maxInflightAppends,
                maxAppendBytes, maxApplyBytes, ticks, maxUncommittedBytes);
    }

    public RaftConfig withMaxUncommittedBytes(long bytes) {
        return new RaftConfig(id, electionTicks, heartbeatTicks, preVote, checkQuorum, maxInflightAppends,
                maxAppendBytes, maxApplyBytes, snapshotTimeoutTicks, bytes);
    }
}
