package io.tern.verify.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * One node's STATUS answer (contract section 2), parsed. Fields Tern adds after the contract's
 * ({@code firstLogIndex}, {@code lastLogIndex}) read as 0 from a server that lacks them.
 *
 * @param leaderId 0 when the node knows no leader (the json holds null)
 * @param json     the answer as the node sent it
 */
public record NodeStatus(int id, String role, long term, int leaderId, String leaderAddress, long commitIndex,
                         long appliedIndex, long snapshotIndex, long firstLogIndex, long lastLogIndex,
                         List<Member> members, String json) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One entry of {@code members}. */
    public record Member(int id, String address, boolean voter) {
    }

    public NodeStatus {
        members = List.copyOf(members);
    }

    /**
     * Parses a STATUS json.
     *
     * @throws IllegalArgumentException if it is not json or lacks a field the contract requires
     */
    public static NodeStatus parse(String json) {
        JsonNode node;
        try {
            node = JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("STATUS is not json: " + json, e);
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("STATUS is not a json object: " + json);
        }
        List<Member> members = new ArrayList<>();
        for (JsonNode member : node.path("members")) {
            members.add(new Member(member.path("id").asInt(), member.path("address").asText(""),
                    member.path("voter").asBoolean(true)));
        }
        JsonNode leaderAddress = node.path("leaderAddress");
        return new NodeStatus(required(node, "id").asInt(), required(node, "role").asText(),
                required(node, "term").asLong(), node.path("leaderId").asInt(0),
                leaderAddress.isTextual() ? leaderAddress.asText() : null,
                required(node, "commitIndex").asLong(), required(node, "appliedIndex").asLong(),
                node.path("snapshotIndex").asLong(0), node.path("firstLogIndex").asLong(0),
                node.path("lastLogIndex").asLong(0), members, json);
    }

    private static JsonNode required(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new IllegalArgumentException("STATUS lacks '" + field + "': " + node);
        }
        return value;
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
