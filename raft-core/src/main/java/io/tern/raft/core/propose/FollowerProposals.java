package io.tern.raft.core.propose;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A follower's proposals on their way to the leader. Those made between two batches of work are
 * gathered and go in one request (several if they exceed a byte budget), under a <em>context</em>
 * number the leader's answer names. Unlike a follower's reads, requests do not wait for each other:
 * the leader answers one at once, without a round of its own, so a proposal never waits for an
 * earlier one's round trip.
 *
 * <p>What becomes of a proposal decides what its client may do next, so the two ways of losing one
 * are kept apart: one never sent ({@link Abandoned#unsent()}, or {@link #settled} as not sent) was appended nowhere
 * and may be sent to the leader another way; one sent and not answered ({@link Abandoned#unanswered()})
 * may have been appended, and may yet commit.
 */
public final class FollowerProposals {

    /** A proposal: the driver's number for it and its command. */
    public record Proposal(long proposalId, byte[] command) {
    }

    /** One request to send: its proposals' commands, in order. */
    public record Request(long context, List<byte[]> commands) {
    }

    /** What a follower leaving its role or leader gives up, by whether it may have reached the leader. */
    public record Abandoned(List<Long> unsent, List<Long> unanswered) {
    }

    private record Out(long sentAtTick, List<Long> proposalIds) {
    }

    private final List<Proposal> gathering = new ArrayList<>();
    /** Requests waiting for their answers, oldest first. */
    private final Map<Long, Out> out = new LinkedHashMap<>();
    private long ticks;

    public void add(long proposalId, byte[] command) {
        gathering.add(new Proposal(proposalId, command));
    }

    public boolean hasGathered() {
        return !gathering.isEmpty();
    }

    /**
     * Takes the gathered proposals into one request under {@code context}, up to {@code maxBytes} of
     * commands (at least one), each counted as its entry will be ({@code bytesPerEntry} more than its
     * payload), so that a request never outgrows the AppendEntries that will carry its entries; what
     * is left stays gathered for the next request.
     */
    public Request takeRequest(long context, long maxBytes, long bytesPerEntry) {
        List<byte[]> commands = new ArrayList<>();
        List<Long> ids = new ArrayList<>();
        long bytes = 0;
        Iterator<Proposal> gathered = gathering.iterator();
        while (gathered.hasNext()) {
            Proposal next = gathered.next();
            long cost = next.command().length + bytesPerEntry;
            if (!commands.isEmpty() && bytes + cost > maxBytes) {
                break;
            }
            bytes += cost;
            commands.add(next.command());
            ids.add(next.proposalId());
            gathered.remove();
        }
        if (out.putIfAbsent(context, new Out(ticks, List.copyOf(ids))) != null) {
            throw new IllegalStateException("proposal context " + context + " is still waiting for an answer");
        }
        return new Request(context, commands);
    }

    /**
     * The request under {@code context} is settled: the leader answered it, or the transport knows it
     * never left (then its proposals were appended nowhere). Its proposals in the order sent, or none
     * for an unknown context or one settled already.
     */
    public List<Long> settled(long context) {
        Out request = out.remove(context);
        return request == null ? List.of() : request.proposalIds();
    }

    /**
     * Advances time by one tick; gives up the requests that have waited {@code limitTicks} or longer,
     * returning their proposals: the answer was lost with a connection, or the leader lost office.
     */
    public List<Long> tick(int limitTicks) {
        ticks++;
        List<Long> expired = new ArrayList<>();
        Iterator<Out> requests = out.values().iterator();
        while (requests.hasNext()) {
            Out request = requests.next();
            if (ticks - request.sentAtTick() < limitTicks) {
                break;
            }
            expired.addAll(request.proposalIds());
            requests.remove();
        }
        return expired;
    }

    /** The follower leaves its role or its leader: everything not yet answered. */
    public Abandoned abandonAll() {
        List<Long> unsent = gathering.stream().map(Proposal::proposalId).toList();
        gathering.clear();
        List<Long> unanswered = new ArrayList<>();
        out.values().forEach(request -> unanswered.addAll(request.proposalIds()));
        out.clear();
        return new Abandoned(unsent, unanswered);
    }
}
