package io.tern.raft.core;

import io.tern.raft.types.LogEntry;
import java.util.List;
import java.util.Optional;

/**
 * One batch of work the core hands its driver. The driver must do it in this order, then call
 * {@link RaftCore#advance(Ready)}:
 *
 * <ol>
 *   <li>send {@link #messages()} right away; they need nothing from this batch to be durable (this is
 *       how a leader replicates in parallel with its own disk write);</li>
 *   <li>make durable, in one batch (group commit): the {@link #snapshot()} if present (replace the
 *       state and discard the whole log), then the truncation at {@link #truncateFrom()} if not 0, then
 *       {@link #entries()}, and {@link #hardState()} no later than the entries;</li>
 *   <li>only then send {@link #messagesAfterPersist()}: votes and acknowledgements that vouch for that
 *       durable state;</li>
 *   <li>apply {@link #committedEntries()} in order (they are always already durable), and answer
 *       {@link #readStates()} once applied has reached their index; fail {@link #abandonedReads()}.</li>
 * </ol>
 *
 * <p>{@link #forwardedProposals()} must be taken up before any committed entry of this batch or a
 * later one is applied: an accepted one's entry may be among them.
 *
 * <p>Between {@link RaftCore#ready()} and {@link RaftCore#advance(Ready)} the driver may keep stepping
 * messages and ticks into the core; their effects show up in the next batch.
 *
 * <p>A hard state that differs from the last one only in its commit index needs no sync of its own:
 * losing it costs nothing but some replay. Term and vote changes must be synced as described above;
 * {@code termOrVoteChanged} says whether there are any.
 */
public record Ready(
        Optional<HardState> hardState,
        Optional<SnapshotMeta> snapshot,
        long truncateFrom,
        List<LogEntry> entries,
        List<LogEntry> committedEntries,
        List<Message> messages,
        List<Message> messagesAfterPersist,
        List<ReadState> readStates,
        List<Long> abandonedReads,
        List<ForwardedProposal> forwardedProposals,
        boolean termOrVoteChanged) {

    public Ready {
        entries = List.copyOf(entries);
        committedEntries = List.copyOf(committedEntries);
        messages = List.copyOf(messages);
        messagesAfterPersist = List.copyOf(messagesAfterPersist);
        readStates = List.copyOf(readStates);
        abandonedReads = List.copyOf(abandonedReads);
        forwardedProposals = List.copyOf(forwardedProposals);
    }

    /**
     * Whether the driver must write anything before sending {@link #messagesAfterPersist()}. A commit
     * index alone is not written, so a Ready that only commits is applied without waiting for the disk.
     */
    public boolean needsPersist() {
        return termOrVoteChanged || snapshot.isPresent() || truncateFrom > 0 || !entries.isEmpty();
    }
}
