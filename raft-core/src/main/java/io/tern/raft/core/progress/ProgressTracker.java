package io.tern.raft.core.progress;

import io.tern.raft.types.Member;
import io.tern.raft.types.Membership;
import io.tern.raft.core.quorum.Quorum;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A leader's replication progress for every member of its configuration, itself included (its
 * {@code match} is its own durable last index), and the quorum questions asked of them.
 */
public final class ProgressTracker {

    private final long self;
    private final int window;
    private final Map<Long, ReplicationProgress> progress = new TreeMap<>();
    private List<Long> voters = List.of();

    public ProgressTracker(long self, int window) {
        this.self = self;
        this.window = window;
    }

    /** Follows a new configuration: new members start probing at {@code nextIndex}; removed ones are dropped. */
    public void reconfigure(Membership membership, long nextIndex) {
        progress.keySet().removeIf(id -> id != self && !membership.contains(id));
        for (Member member : membership.members()) {
            progress.computeIfAbsent(member.id(), id -> new ReplicationProgress(nextIndex, window));
        }
        progress.computeIfAbsent(self, id -> new ReplicationProgress(nextIndex, window));
        voters = List.copyOf(membership.voterIds());
    }

    public ReplicationProgress get(long id) {
        return progress.get(id);
    }

    public ReplicationProgress self() {
        return progress.get(self);
    }

    /** Every member but this node, in id order. */
    public List<Long> peers() {
        List<Long> peers = new ArrayList<>(progress.keySet());
        peers.remove(self);
        return Collections.unmodifiableList(peers);
    }

    public List<Long> voters() {
        return voters;
    }

    public boolean isVoter(long id) {
        return voters.contains(id);
    }

    /** The highest index that a majority of voters hold. */
    public long quorumMatch() {
        return Quorum.committedIndex(voters, id -> progress.get(id).match());
    }

    /** Whether member {@code id} is this node, or answered within the last {@code ticks} ticks. */
    public boolean heardWithin(long id, int ticks) {
        ReplicationProgress p = progress.get(id);
        return id == self || (p != null && p.heardWithin(ticks));
    }

    /** Whether a majority of voters (this node counting as always active) answered within the last {@code ticks} ticks. */
    public boolean quorumActive(int ticks) {
        return Quorum.isQuorum(voters, id -> heardWithin(id, ticks));
    }

    /**
     * The lowest log index that replicating to another member still needs: the index of the snapshot
     * on its way to it, or its match if it answered within the last {@code activeTicks} ticks. That
     * entry itself is needed too, since the AppendEntries after it carry its term.
     * {@link Long#MAX_VALUE} if no member needs any.
     */
    public long firstIndexNeeded(int activeTicks) {
        long first = Long.MAX_VALUE;
        for (long peer : peers()) {
            ReplicationProgress p = progress.get(peer);
            if (p.state() == ReplicationProgress.State.SNAPSHOT) {
                first = Math.min(first, p.pendingSnapshot());
            } else if (p.heardWithin(activeTicks)) {
                first = Math.min(first, p.match());
            }
        }
        return first;
    }

    /** Counts one tick of silence for every member; an answer starts its count over. */
    public void tick() {
        progress.values().forEach(ReplicationProgress::tick);
    }
}
