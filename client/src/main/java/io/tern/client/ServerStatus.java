package io.tern.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A node's STATUS answer ({@link TernClient#status()}), typed. The contract's fields come first;
 * those Tern adds ({@code clusterId} to {@code alarms}) read as null, 0 or empty from a node that
 * lacks them.
 *
 * @param leaderId      0 when the node knows no leader (the json holds null)
 * @param leaderAddress null when the node knows no leader
 * @param clusterId     null from a node that does not say
 * @param address       the address the node advertises; null from a node that does not say
 * @param etcdClientUrl where the node serves etcd's API ({@code http://HOST:PORT}); null if it does not
 * @param json          the answer as the node sent it
 */
public record ServerStatus(long id, String role, long term, long leaderId, String leaderAddress, long commitIndex,
                           long appliedIndex, long snapshotIndex, List<Member> members, String clusterId,
                           String address, long firstLogIndex, long lastLogIndex, String fsync, List<Alarm> alarms,
                           String etcdClientUrl, String json) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One entry of {@code members}: a voter, or a learner that only receives the log. */
    public record Member(long id, String address, boolean voter) {
    }

    /** One alarm raised through the log ({@code alarm} is its name, such as {@code NOSPACE}). */
    public record Alarm(long memberId, String alarm, String detail) {
    }

    /**
     * What a node says of its health and its contact with the others (fields added with
     * {@code /health}).
     *
     * @param healthy         {@code /health}'s verdict; null from a node that does not say
     * @param reason          why not healthy; null when healthy
     * @param leaderContactMs how long ago a follower last heard from its leader; -1 if it did not say
     * @param followers       on a leader, its view of every other member; empty elsewhere
     */
    public record Health(Boolean healthy, String reason, long leaderContactMs, List<Follower> followers) {

        public Health {
            followers = List.copyOf(followers);
        }

        /** The leader's view of member {@code id}, if this is a leader's report and it names the member. */
        public Optional<Follower> follower(long id) {
            return followers.stream().filter(f -> f.id() == id).findFirst();
        }
    }

    /**
     * A leader's view of one other member.
     *
     * @param lag           the leader's last log index minus {@code matchIndex}
     * @param lastContactMs how long ago it last answered the leader; -1 if it has not yet
     */
    public record Follower(long id, long matchIndex, long lag, long lastContactMs) {
    }

    public ServerStatus {
        members = List.copyOf(members);
        alarms = List.copyOf(alarms);
    }

    /**
     * Reads a STATUS json.
     *
     * @throws IllegalArgumentException (one line) if it is not a json object or lacks a field the contract requires
     */
    public static ServerStatus parse(String json) {
        JsonNode node;
        try {
            node = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("STATUS is not json: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("STATUS is not a json object: " + json);
        }
        List<Member> members = new ArrayList<>();
        for (JsonNode member : node.path("members")) {
            members.add(new Member(member.path("id").asLong(), member.path("address").asText(""),
                    member.path("voter").asBoolean(true)));
        }
        List<Alarm> alarms = new ArrayList<>();
        for (JsonNode alarm : node.path("alarms")) {
            alarms.add(new Alarm(alarm.path("memberId").asLong(), alarm.path("alarm").asText(""),
                    alarm.path("detail").asText("")));
        }
        return new ServerStatus(required(node, "id").asLong(), required(node, "role").asText(),
                required(node, "term").asLong(), node.path("leaderId").asLong(0), textOrNull(node, "leaderAddress"),
                required(node, "commitIndex").asLong(), required(node, "appliedIndex").asLong(),
                node.path("snapshotIndex").asLong(0), members, textOrNull(node, "clusterId"),
                textOrNull(node, "address"), node.path("firstLogIndex").asLong(0), node.path("lastLogIndex").asLong(0),
                textOrNull(node, "fsync"), alarms, textOrNull(node, "etcdClientUrl"), json);
    }

    /** The health fields of {@link #json()}; read on demand, since only status tools ask. */
    public Health health() {
        JsonNode node;
        try {
            node = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("parse() already read it", e);
        }
        List<Follower> followers = new ArrayList<>();
        for (JsonNode follower : node.path("followers")) {
            followers.add(new Follower(follower.path("id").asLong(), follower.path("matchIndex").asLong(),
                    follower.path("lag").asLong(), numberOr(follower, "lastContactMs", -1)));
        }
        JsonNode healthy = node.get("healthy");
        return new Health(healthy != null && healthy.isBoolean() ? healthy.asBoolean() : null,
                textOrNull(node, "healthReason"), numberOr(node, "leaderContactMs", -1), followers);
    }

    private static long numberOr(JsonNode node, String field, long absent) {
        JsonNode value = node.get(field);
        return value != null && value.isNumber() ? value.asLong() : absent;
    }

    private static JsonNode required(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new IllegalArgumentException("STATUS lacks '" + field + "': " + node);
        }
        return value;
    }

    private static String textOrNull(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isTextual() ? value.asText() : null;
    }

    public boolean isLeader() {
        return "LEADER".equals(role);
    }

    /** Whether this node's configuration names {@code memberId} (as a voter or a learner). */
    public boolean hasMember(long memberId) {
        return members.stream().anyMatch(m -> m.id() == memberId);
    }

    /** Whether this node's configuration has {@code memberId} as a voter. */
    public boolean hasVoter(long memberId) {
        return members.stream().anyMatch(m -> m.id() == memberId && m.voter());
    }

    /** The voters of this node's configuration, in id order. */
    public List<Long> voterIds() {
        return members.stream().filter(Member::voter).map(Member::id).sorted().toList();
    }

    @Override
    public String toString() {
        return "node " + id + " " + role + " term " + term + " leader " + leaderId + " commit " + commitIndex
                + " applied " + appliedIndex + " snapshot " + snapshotIndex + " log [" + firstLogIndex + ".."
                + lastLogIndex + "] voters " + voterIds();
    }
}
