package io.tern.verify.nemesis;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalInt;
import java.util.Random;

/**
 * Which nodes a step hits, given the cluster as it is when the step starts: a pure function of the
 * step's variant and pick, the member ids and the leader, so a schedule's targets are as repeatable
 * as the cluster's own behaviour allows.
 */
public final class Targets {

    private Targets() {
    }

    /**
     * The nodes {@code step} hits.
     *
     * @param members the current members' ids (any order; they are sorted first)
     * @param leader  the leader, if one is known
     * @return the targets, in the order drawn; empty for a variant that makes its own node
     *         ({@link FaultVariant#ADD_AND_REMOVE}) or when there are no members
     */
    public static List<Integer> resolve(FaultStep step, List<Integer> members, OptionalInt leader) {
        List<Integer> sorted = new ArrayList<>(members);
        Collections.sort(sorted);
        if (sorted.isEmpty()) {
            return List.of();
        }
        List<Integer> shuffled = new ArrayList<>(sorted);
        Collections.shuffle(shuffled, new Random(step.pick()));
        boolean knownLeader = leader.isPresent() && sorted.contains(leader.getAsInt());
        List<Integer> followers = new ArrayList<>(shuffled);
        if (knownLeader) {
            followers.remove(Integer.valueOf(leader.getAsInt()));
        }
        int n = sorted.size();
        return switch (step.variant()) {
            case RANDOM_NODE, DEAF_RANDOM, MUTE_RANDOM, DISK_LOW, DISK_FILLED -> List.of(shuffled.getFirst());
            case LEADER, DEAF_LEADER, MUTE_LEADER -> List.of(knownLeader ? leader.getAsInt() : shuffled.getFirst());
            case MAJORITY -> List.copyOf(shuffled.subList(0, n / 2 + 1));
            case MINORITY -> List.copyOf(shuffled.subList(0, Math.max(1, (n - 1) / 2)));
            case ALL_NODES -> List.copyOf(sorted);
            case RANDOM_FOLLOWER, REMOVE_AND_READD, LAGGING_FOLLOWER ->
                    followers.isEmpty() ? List.of() : List.of(followers.getFirst());
            case SNAPSHOT_NOW -> {
                List<Integer> both = new ArrayList<>();
                both.add(knownLeader ? leader.getAsInt() : shuffled.getFirst());
                followers.stream().filter(id -> !both.contains(id)).findFirst().ifPresent(both::add);
                yield List.copyOf(both);
            }
            case ADD_AND_REMOVE -> List.of();
        };
    }
}
