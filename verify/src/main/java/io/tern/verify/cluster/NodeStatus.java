package io.tern.verify.cluster;

import io.tern.client.ServerStatus;
import java.util.List;

/**
 * The fields of one node's STATUS answer that verify reads, with int ids (verify names members by
 * int); {@link ServerStatus} reads the json.
 *
 * @param leaderId 0 when the node knows no leader (the json holds null)
 * @param json     the answer as the node sent it
 */
public record NodeStatus(int id, String role, long term, int leaderId, String leaderAddress, long commitIndex,
                         long appliedIndex, long snapshotIndex, long firstLogIndex, long lastLogIndex,
                         List<Member> members, String json) {

    /** One entry of {@code members}. */
    public record Member(int id, String address, boolean voter) {
    }

    public NodeStatus {
        members = List.copyOf(members);
    }

    /**
     * Parses a STATUS json, with the client's {@link ServerStatus}; verify's ids are ints.
     *
     * @throws IllegalArgumentException if it is not json or lacks a field the contract requires
     */
    public static NodeStatus parse(String json) {
        ServerStatus status = ServerStatus.parse(json);
        List<Member> members = status.members().stream()
                .map(m -> new Member(Math.toIntExact(m.id()), m.address(), m.voter())).toList();
        return new NodeStatus(Math.toIntExact(status.id()), status.role(), status.term(),
                Math.toIntExact(status.leaderId()), status.leaderAddress(), status.commitIndex(),
                status.appliedIndex(), status.snapshotIndex(), status.firstLogIndex(), status.lastLogIndex(), members,
                json);
    }

    public boolean isLeader() {
        return "LEADER".equals(role);
    }

    /** Whether this node's configuration names {@code memberId} (as a voter or a learner). */
    public boolean hasMember(int memberId) {
        return members.stream().anyMatch(m -> m.id() == memberId);
    }

    /** Whether this node's configuration has {@code memberId} as a voter. */
    public boolean hasVoter(int memberId) {
        return members.stream().anyMatch(m -> m.id() == memberId && m.voter());
    }

    /** The voters of this node's configuration, in id order. */
    public List<Integer> voterIds() {
        return members.stream().filter(Member::voter).map(Member::id).sorted().toList();
    }

    @Override
    public String toString() {
        return "node " + id + " " + role + " term " + term + " leader " + leaderId + " commit " + commitIndex
                + " applied " + appliedIndex + " snapshot " + snapshotIndex + " log [" + firstLogIndex + ".."
                + lastLogIndex + "] voters " + voterIds();
    }
}
