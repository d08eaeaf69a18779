package io.tern.server.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tern.raft.types.Member;
import io.tern.raft.types.Membership;
import io.tern.engine.state.Alarm;
import io.tern.raft.core.Role;
import io.tern.raft.node.Contact;
import io.tern.raft.node.NodeStatus;
import io.tern.server.metrics.MemberHealth;
import java.util.List;
import java.util.function.Supplier;

/**
 * The STATUS answer: the contract's fields ({@code id, role, term, leaderId, leaderAddress,
 * commitIndex, appliedIndex, snapshotIndex, members}) and, after them, fields Tern adds for
 * operators and tools ({@code clusterId, address, firstLogIndex, lastLogIndex, fsync, alarms,
 * etcdClientUrl, healthy, healthReason, leaderContactMs, followers}). {@code alarms} lists the alarms raised through the log, on any member:
 * {@code {memberId, alarm, detail}}. {@code etcdClientUrl} is where this member serves etcd's API
 * ({@code http://HOST:PORT}), or null: the other members' etcd gateways list it in etcd's MemberList.
 * {@code healthy} and {@code healthReason} are {@code /health}'s verdict ({@link MemberHealth});
 * {@code leaderContactMs} is how long ago a follower last heard from its leader (null on a leader or
 * without one); {@code followers}, on a leader only, is each other member's {@code matchIndex}, its
 * {@code lag} behind the leader's last index, and {@code lastContactMs} since it last answered (null
 * if it has not yet). Contact times are as of the Raft loop's last tick: exact to a heartbeat.
 */
public final class StatusReport {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One member in {@code members}. */
    public record MemberView(long id, String address, boolean voter) {
    }

    /** One alarm in {@code alarms}: {@code alarm} is its name, such as {@code NOSPACE}. */
    public record AlarmView(long memberId, String alarm, String detail) {
    }

    /** One entry of {@code followers}, as the leader sees the member. */
    public record FollowerView(long id, long matchIndex, long lag, Long lastContactMs) {
    }

    /** The JSON object, field by field, in the order they are written. */
    public record View(long id, String role, long term, Long leaderId, String leaderAddress, long commitIndex,
                       long appliedIndex, long snapshotIndex, List<MemberView> members, String clusterId,
                       String address, long firstLogIndex, long lastLogIndex, String fsync, List<AlarmView> alarms,
                       String etcdClientUrl, boolean healthy, String healthReason, Long leaderContactMs,
                       List<FollowerView> followers) {
    }

    private final String clusterId;
    private final String address;
    private final String fsync;
    private final MemberHealth health;
    private final Supplier<Contact> contact;
    private volatile String etcdClientUrl;

    public StatusReport(String clusterId, String address, String fsync, MemberHealth health, Supplier<Contact> contact) {
        this.clusterId = clusterId;
        this.address = address;
        this.fsync = fsync;
        this.health = health;
        this.contact = contact;
    }

    /** Where this member serves etcd's API from now on, or null once it stops. */
    public void etcdClientUrl(String url) {
        this.etcdClientUrl = url;
    }

    public String json(NodeStatus status, List<Alarm> alarms) {
        try {
            return JSON.writeValueAsString(view(status, alarms));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("STATUS could not be written as JSON", e);
        }
    }

    View view(NodeStatus status, List<Alarm> alarms) {
        List<MemberView> members = status.members().members().stream()
                .map(m -> new MemberView(m.id(), m.address(), m.voter())).toList();
        MemberHealth.Verdict verdict = health.check(status);
        Contact seen = contact.get();
        List<FollowerView> followers = seen.followers().stream().map(f -> new FollowerView(f.id(), f.matchIndex(),
                Math.max(0, status.lastLogIndex() - f.matchIndex()),
                f.lastContactMillis() < 0 ? null : f.lastContactMillis())).toList();
        return new View(status.id(), role(status), status.term(), status.leaderId() == 0 ? null : status.leaderId(),
                status.leaderAddress(), status.commitIndex(), status.appliedIndex(), status.snapshotIndex(), members,
                clusterId, address, status.firstLogIndex(), status.lastLogIndex(), fsync,
                alarms.stream().map(a -> new AlarmView(a.memberId(), a.type().name(), a.detail())).toList(),
                etcdClientUrl, verdict.healthy(), verdict.reason(),
                seen.leaderContactMillis() < 0 ? null : seen.leaderContactMillis(), followers);
    }

    /**
     * The contract's four roles. Raft's core has no learner role (a learner runs as a follower that
     * does not vote), so it is read off the membership; a node waiting to join, not yet in any
     * membership, is a learner too. A pre-candidate is probing for an election, so it shows as one.
     */
    static String role(NodeStatus status) {
        Membership members = status.members();
        boolean voter = members.member(status.id()).map(Member::voter).orElse(false);
        if (!voter && status.role() != Role.LEADER) {
            return "LEARNER";
        }
        return switch (status.role()) {
            case LEADER -> "LEADER";
            case CANDIDATE, PRE_CANDIDATE -> "CANDIDATE";
            case FOLLOWER -> "FOLLOWER";
        };
    }
}
