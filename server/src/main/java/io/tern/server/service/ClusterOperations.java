package io.tern.server.service;

import io.tern.client.protocol.Request;
import io.tern.client.protocol.Response;
import io.tern.engine.cluster.Member;
import io.tern.engine.cluster.Membership;
import io.tern.engine.state.Alarm;
import io.tern.engine.state.Command;
import io.tern.raft.core.Rejection;
import io.tern.raft.core.Role;
import io.tern.raft.node.Applied;
import io.tern.raft.node.NodeStatus;
import io.tern.raft.node.NotLeaderException;
import io.tern.raft.node.RaftNode;
import io.tern.raft.node.RejectedException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * MEMBER_ADD, MEMBER_REMOVE and TRANSFER_LEADER, which only the leader can carry out, and SNAPSHOT,
 * which any node does for itself. A leader refuses a configuration change while another is
 * in flight, or before it has committed an entry of its term; such refusals are transient, so they
 * are retried here until the request's time is up rather than bounced to the operator.
 */
final class ClusterOperations {

    private static final long RETRY_MILLIS = 50;

    private final RaftNode node;
    private final Duration timeout;

    ClusterOperations(RaftNode node, Duration timeout) {
        this.node = node;
        this.timeout = timeout;
    }

    CompletableFuture<Response> memberAdd(Request.MemberAdd add) {
        if (add.id() < 1) {
            return done(new Response.BadRequest(add.requestId(), "member id must be positive, was " + add.id()));
        }
        if (!validAddress(add.address())) {
            return done(new Response.BadRequest(add.requestId(), "member address must be HOST:PORT, was '"
                    + add.address() + "'"));
        }
        return change(add.requestId(), members -> {
            Optional<Member> existing = members.member(add.id());
            if (existing.isPresent() && existing.get().equals(new Member(add.id(), add.address(), add.voter()))) {
                return "member " + add.id() + " is already in the cluster at " + add.address();
            }
            if (existing.isPresent() && !existing.get().address().equals(add.address())) {
                return "member " + add.id() + " already exists at " + existing.get().address();
            }
            if (existing.isPresent() && existing.get().voter() && !add.voter()) {
                return "member " + add.id() + " is a voter; demoting it to a learner is not supported";
            }
            for (Member other : members.members()) {
                if (other.id() != add.id() && other.address().equals(add.address())) {
                    return "address " + add.address() + " already belongs to member " + other.id();
                }
            }
            return null;
        }, members -> members.with(new Member(add.id(), add.address(), add.voter())),
                applied -> new Response.MemberAddOk(add.requestId(), applied.revision()));
    }

    CompletableFuture<Response> memberRemove(Request.MemberRemove remove) {
        return change(remove.requestId(),
                members -> members.contains(remove.id()) ? null : "there is no member " + remove.id(),
                members -> members.without(remove.id()),
                applied -> new Response.MemberRemoveOk(remove.requestId(), applied.revision()));
    }

    /**
     * Proposes {@code next(current members)} unless {@code problem(current)} names one, which is
     * answered BAD_REQUEST; answers {@code ok(applied change)} once the change is applied.
     */
    private CompletableFuture<Response> change(long requestId, Function<Membership, String> problem,
                                               Function<Membership, Membership> next, Function<Applied, Response> ok) {
        CompletableFuture<Response> result = new CompletableFuture<>();
        attemptChange(requestId, problem, next, ok, result, System.nanoTime() + timeout.toNanos());
        return result;
    }

    private void attemptChange(long requestId, Function<Membership, String> problem,
                               Function<Membership, Membership> next, Function<Applied, Response> ok,
                               CompletableFuture<Response> result, long deadline) {
        NodeStatus status = node.status();
        if (status.role() != Role.LEADER) {
            result.completeExceptionally(notLeader(status));
            return;
        }
        String refusal = problem.apply(status.members());
        if (refusal != null) {
            result.complete(new Response.BadRequest(requestId, refusal));
            return;
        }
        node.proposeMembership(next.apply(status.members())).whenComplete((applied, error) -> {
            if (error == null) {
                result.complete(ok.apply(applied));
            } else if (Failures.unwrap(error) instanceof RejectedException rejected
                    && rejected.reason() == Rejection.CONFIG_CHANGE_PENDING && System.nanoTime() < deadline) {
                CompletableFuture.delayedExecutor(RETRY_MILLIS, TimeUnit.MILLISECONDS)
                        .execute(() -> attemptChange(requestId, problem, next, ok, result, deadline));
            } else {
                result.completeExceptionally(error);
            }
        });
    }

    CompletableFuture<Response> transferLeader(Request.TransferLeader transfer) {
        NodeStatus status = node.status();
        if (status.role() != Role.LEADER) {
            return CompletableFuture.failedFuture(notLeader(status));
        }
        if (!status.members().contains(transfer.targetId())) {
            return done(new Response.BadRequest(transfer.requestId(), "there is no member " + transfer.targetId()));
        }
        if (transfer.targetId() == status.id()) {
            return done(new Response.TransferOk(transfer.requestId()));
        }
        return node.transferLeadership(transfer.targetId())
                .thenApply(ignored -> new Response.TransferOk(transfer.requestId()));
    }

    /** Raises or clears an alarm through the log (on the leader; a follower's refusal sends it there). */
    CompletableFuture<Response> alarm(Request.Alarm alarm) {
        Command command = new Command.SetAlarm(alarm.memberId(), Alarm.Type.NOSPACE, alarm.activate(),
                alarm.activate() ? alarm.detail() : "");
        return node.propose(command.encode()).thenApply(applied -> new Response.AlarmOk(alarm.requestId(),
                applied.revision()));
    }

    CompletableFuture<Response> snapshot(Request.Snapshot snapshot) {
        return node.snapshotNow().thenApply(index -> new Response.SnapshotOk(snapshot.requestId(), index));
    }

    private static NotLeaderException notLeader(NodeStatus status) {
        return new NotLeaderException("not the leader", status.leaderId(),
                status.leaderAddress() == null ? "" : status.leaderAddress());
    }

    private static boolean validAddress(String address) {
        int colon = address.lastIndexOf(':');
        if (colon <= 0 || colon == address.length() - 1) {
            return false;
        }
        try {
            int port = Integer.parseInt(address.substring(colon + 1));
            return port > 0 && port < 65536;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static CompletableFuture<Response> done(Response response) {
        return CompletableFuture.completedFuture(response);
    }
}
