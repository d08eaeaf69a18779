package io.tern.raft.core.quorum;

import java.util.Arrays;
import java.util.Collection;
import java.util.function.LongPredicate;
import java.util.function.LongUnaryOperator;

/**
 * Majority arithmetic over a set of voters. A configuration with no voters has no quorum: nothing
 * commits and nobody wins an election in it.
 */
public final class Quorum {

    private Quorum() {
    }

    /** How many of {@code voters} make a majority. */
    public static int majority(int voters) {
        return voters / 2 + 1;
    }

    /**
     * The highest index that a majority of voters hold: with matches sorted from high to low, the
     * majority-th one. 0 when there are no voters.
     */
    public static long committedIndex(Collection<Long> voters, LongUnaryOperator matchIndex) {
        int n = voters.size();
        if (n == 0) {
            return 0;
        }
        long[] matches = new long[n];
        int i = 0;
        for (long voter : voters) {
            matches[i++] = matchIndex.applyAsLong(voter);
        }
        Arrays.sort(matches);
        return matches[n - majority(n)];
    }

    /** Whether the voters for which {@code yes} holds form a majority. */
    public static boolean isQuorum(Collection<Long> voters, LongPredicate yes) {
        int count = 0;
        for (long voter : voters) {
            if (yes.test(voter)) {
                count++;
            }
        }
        return !voters.isEmpty() && count >= majority(voters.size());
    }

    /**
     * The outcome of an election so far: WON once a majority granted, LOST once a majority can no
     * longer be reached, PENDING otherwise. {@code vote} answers TRUE, FALSE or null (not yet heard).
     */
    public static VoteResult tally(Collection<Long> voters, java.util.function.LongFunction<Boolean> vote) {
        int n = voters.size();
        if (n == 0) {
            return VoteResult.LOST;
        }
        int granted = 0;
        int missing = 0;
        for (long voter : voters) {
            Boolean v = vote.apply(voter);
            if (v == null) {
                missing++;
            } else if (v) {
                granted++;
            }
        }
        int needed = majority(n);
        if (granted >= needed) {
            return VoteResult.WON;
        }
        return granted + missing >= needed ? VoteResult.PENDING : VoteResult.LOST;
    }

    public enum VoteResult {
        PENDING, WON, LOST
    }
}
