package io.tern.verify.cluster;

import io.tern.client.ServerStatus;
import java.util.Collection;
import java.util.OptionalInt;

/** Who leads, read off a set of STATUS answers. */
final class Leaders {

    private Leaders() {
    }

    /** The LEADER with the highest term among {@code statuses}, if any claims to lead. */
    static OptionalInt highestTermLeader(Collection<ServerStatus> statuses) {
        ServerStatus best = null;
        for (ServerStatus status : statuses) {
            if (status.isLeader() && (best == null || status.term() > best.term())) {
                best = status;
            }
        }
        return best == null ? OptionalInt.empty() : OptionalInt.of(ClusterControl.memberId(best.id()));
    }

    /**
     * A leader that a majority of its own configuration's voters back: those that answered in its
     * term and name it as leader (or are it).
     */
    static OptionalInt confirmedLeader(Collection<ServerStatus> statuses) {
        for (ServerStatus candidate : statuses) {
            if (!candidate.isLeader()) {
                continue;
            }
            var voters = candidate.voterIds();
            long backing = statuses.stream()
                    .filter(s -> voters.contains(s.id()) && s.term() == candidate.term()
                            && (s.id() == candidate.id() || s.leaderId() == candidate.id()))
                    .count();
            if (!voters.isEmpty() && backing >= voters.size() / 2 + 1) {
                return OptionalInt.of(ClusterControl.memberId(candidate.id()));
            }
        }
        return OptionalInt.empty();
    }
}
