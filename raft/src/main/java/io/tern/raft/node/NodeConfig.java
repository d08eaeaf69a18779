package io.tern.raft.node;

import io.tern.raft.types.Membership;
import io.tern.raft.core.RaftConfig;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link RaftNode} runs.
 *
 * @param id               this member's id
 * @param bootstrap        the initial members, used only when the data directory is new
 * @param heartbeat        the leader's heartbeat interval; also the tick of the core
 * @param electionTimeout  the base election timeout T (each node waits a random time in [T, 2T))
 * @param snapshotEntries  take a snapshot and compact the log after this many applied entries
 * @param requestTimeout   how long a proposal or read may wait before its outcome is reported unknown
 * @param snapshotChunkBytes the size of the chunks a snapshot is streamed in
 */
public record NodeConfig(long id, Membership bootstrap, Duration heartbeat, Duration electionTimeout,
                          long snapshotEntries, Duration requestTimeout, int snapshotChunkBytes) {

    public NodeConfig {
        Objects.requireNonNull(bootstrap, "bootstrap");
        if (heartbeat.isNegative() || heartbeat.isZero() || electionTimeout.compareTo(heartbeat) <= 0) {
            throw new IllegalArgumentException("the election timeout (" + electionTimeout.toMillis()
                    + " ms) must be longer than the heartbeat (" + heartbeat.toMillis() + " ms)");
        }
        if (snapshotEntries < 1 || snapshotChunkBytes < 1 || requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("snapshot entries, chunk size and request timeout must be positive");
        }
    }

    public static NodeConfig defaults(long id, Membership bootstrap) {
        return new NodeConfig(id, bootstrap, Duration.ofMillis(100), Duration.ofMillis(1000), 100_000,
                Duration.ofSeconds(5), 1 << 20);
    }

    /** The core ticks once per heartbeat, so the election timeout is a whole number of heartbeats. */
    RaftConfig raftConfig() {
        int electionTicks = (int) Math.max(2, electionTimeout.toMillis() / heartbeat.toMillis());
        return RaftConfig.defaults(id).withTicks(electionTicks, 1);
    }
}
