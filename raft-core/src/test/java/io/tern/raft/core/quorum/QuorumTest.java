package io.tern.raft.core.quorum;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tern.raft.core.quorum.Quorum.VoteResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Checks the quorum arithmetic against brute-force definitions, for every input up to seven voters. */
class QuorumTest {

    private static List<Long> voters(int n) {
        List<Long> ids = new ArrayList<>();
        for (long id = 1; id <= n; id++) {
            ids.add(id * 10); // ids need not be dense
        }
        return ids;
    }

    @Test
    void majorityIsMoreThanHalf() {
        for (int n = 0; n <= 100; n++) {
            int m = Quorum.majority(n);
            assertEquals(true, 2 * m > n, "majority of " + n);
            assertEquals(true, 2 * (m - 1) <= n, "smallest majority of " + n);
        }
    }

    @Test
    void committedIndexIsTheHighestIndexHeldByAMajority() {
        for (int n = 0; n <= 7; n++) {
            List<Long> ids = voters(n);
            int combinations = (int) Math.pow(4, n);
            for (int c = 0; c < combinations; c++) {
                Map<Long, Long> match = new HashMap<>();
                int rest = c;
                for (long id : ids) {
                    match.put(id, (long) (rest % 4));
                    rest /= 4;
                }
                long expected = 0;
                for (long v = 0; v <= 3; v++) {
                    long value = v;
                    long holders = match.values().stream().filter(m -> m >= value).count();
                    if (n > 0 && holders >= n / 2 + 1) {
                        expected = v;
                    }
                }
                assertEquals(expected, Quorum.committedIndex(ids, match::get), "matches " + match);
            }
        }
    }

    @Test
    void isQuorumForEverySubset() {
        for (int n = 0; n <= 7; n++) {
            List<Long> ids = voters(n);
            for (int mask = 0; mask < (1 << n); mask++) {
                int members = Integer.bitCount(mask);
                int bits = mask;
                boolean expected = n > 0 && 2 * members > n;
                assertEquals(expected, Quorum.isQuorum(ids, id -> (bits & (1 << (ids.indexOf(id)))) != 0),
                        n + " voters, subset " + Integer.toBinaryString(mask));
            }
        }
    }

    @Test
    void tallyForEveryVoteAssignment() {
        for (int n = 0; n <= 7; n++) {
            List<Long> ids = voters(n);
            int combinations = (int) Math.pow(3, n);
            for (int c = 0; c < combinations; c++) {
                Map<Long, Boolean> votes = new HashMap<>();
                int rest = c;
                int granted = 0;
                int missing = 0;
                for (long id : ids) {
                    int v = rest % 3;
                    rest /= 3;
                    if (v == 1) {
                        votes.put(id, true);
                        granted++;
                    } else if (v == 2) {
                        votes.put(id, false);
                    } else {
                        missing++;
                    }
                }
                VoteResult expected;
                if (n > 0 && 2 * granted > n) {
                    expected = VoteResult.WON;
                } else if (n > 0 && 2 * (granted + missing) > n) {
                    expected = VoteResult.PENDING;
                } else {
                    expected = VoteResult.LOST;
                }
                assertEquals(expected, Quorum.tally(ids, votes::get), "votes " + votes + " of " + n);
            }
        }
    }

    @Test
    void votesFromNonVotersAndRepeatedVotesDoNotCount() {
        VoteTally tally = new VoteTally(List.of(1L, 2L, 3L));
        assertEquals(VoteResult.PENDING, tally.record(1, true));
        assertEquals(VoteResult.PENDING, tally.record(9, true));
        assertEquals(VoteResult.PENDING, tally.record(1, true));
        assertEquals(VoteResult.PENDING, tally.record(2, false));
        // a voter cannot change its answer
        assertEquals(VoteResult.PENDING, tally.record(2, true));
        assertEquals(VoteResult.WON, tally.record(3, true));
    }
}
