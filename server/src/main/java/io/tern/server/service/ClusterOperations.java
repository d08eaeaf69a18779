package io.tern.server.service;

import io.tern.client.protocol.Request;
import io.tern.client.protocol.Response;
import io.tern.engine.state.Alarm;
import io.tern.engine.state.Command;
import io.tern.platform.HostPort;
import io.tern.raft.core.Rejection;
import io.tern.raft.core.Role;
import io.tern.raft.node.Applied;
import io.tern.raft.node.NodeStatus;
import io.tern.raft.node.RaftNode;
import io.tern.raft.node.RaftNotLeaderException;
import io.tern.raft.node.RejectedException;
import io.tern.raft.types.Member;
import io.tern.raft.types.Membership;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * MEMBER_ADD, MEMBER_REMOVE, MEMBER_PROMOTE and TRANSFER_LEADER, which only the leader can carry out,
 * and SNAPSHOT, which any node does for itself. A leader refuses a configuration change while another
 * is in flight, or before it has committed an entry of its term; such refusals are transient, so they
 * are retried here until the request's time is up rather than bounced to the operator.
 *
 * <p>The leader also refuses a change of voters that would leave fewer healthy voters than a quorum,
 * and the promotion of a learner not in sync with it (the Raft core's strict reconfiguration check).
 * Those are answered at once (UNAVAILABLE: nothing was applied, a client may retry), with one
 * exception: a new voter that the cluster could not do without from the start (the second member of
 * a one-member cluster, or one added while other voters are down) is first added as a learner and
 * promoted once it has caught up, so that a node that never answers is never made a voter.
 */
final class ClusterOperations {

    private static final long RETRY_MILLIS = 50;

    /** Refusals that pass once the change before has committed. */
    private static final Set<Rejection> UNTIL_NOT_PENDING = EnumSet.of(Rejection.CONFIG_CHANGE_PENDING);

    /** Refusals that pass once a new learner has caught up and answers the leader. */
    private static final Set<Rejection> UNTIL_CAUGHT_UP = EnumSet.of(Rejection.CONFIG_CHANGE_PENDING,
            Rejection.LEARNER_NOT_CAUGHT_UP, Rejection.UNHEALTHY_CLUSTER);

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
        if (!HostPort.isValid(add.address())) {
            return done(new Response.BadRequest(add.requestId(), "member address must be HOST:PORT, was '"
                    + add.address() + "'"));
        }
        long deadline = deadline();
        Member member = new Member(add.id(), add.address(), add.voter());
        boolean isNew = !node.status().members().contains(add.id());
        CompletableFuture<Response> direct = change(members -> addProblem(members, add),
                members -> members.with(member), UNTIL_NOT_PENDING, deadline)
                .thenApply(applied -> new Response.MemberAddOk(add.requestId(), applied.revision()));
        return answered(add.requestId(), direct.exceptionallyCompose(error ->
                isNew && add.voter() && refusedFor(error, Rejection.UNHEALTHY_CLUSTER)
                        ? addAsLearnerFirst(add, deadline)
                        : CompletableFuture.failedFuture(error)));
    }

    private static String addProblem(Membership members, Request.MemberAdd add) {
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
    }

    /**
     * Adds {@code add} as a learner, then promotes it once it is in sync and answering, within the
     * request's time. The learner stays if that time runs out: the answer is then TIMEOUT, since the
     * cluster did change, and says what to do next.
     */
    private CompletableFuture<Response> addAsLearnerFirst(Request.MemberAdd add, long deadline) {
        Member learner = new Member(add.id(), add.address(), false);
        return change(members -> members.contains(add.id()) ? "member " + add.id() + " was added meanwhile" : null,
                members -> members.with(learner), UNTIL_NOT_PENDING, deadline)
                .thenCompose(added -> change(
                        members -> members.member(add.id()).filter(learner::equals).isPresent() ? null
                                : "member " + add.id() + " changed while it was catching up",
                        members -> members.with(new Member(add.id(), add.address(), true)), UNTIL_CAUGHT_UP, deadline)
                        .handle((promoted, error) -> error == null
                                ? new Response.MemberAddOk(add.requestId(), promoted.revision())
                                : new Response.Timeout(add.requestId(), notPromoted(add, error))));
    }

    private String notPromoted(Request.MemberAdd add, Throwable error) {
        Throwable cause = Failures.unwrap(error);
        String added = "member " + add.id() + " was added as a learner";
        String next = "; run 'member promote " + add.id() + "' once it is running (with --join) and in sync, or 'member remove "
                + add.id() + "'";
        return switch (cause) {
            case RaftNotLeaderException e -> added + " but not made a voter, as leadership moved (" + e.getMessage() + ")" + next;
            case RejectedException e -> added + " but not made a voter within " + timeout.toMillis() + " ms: "
                    + e.getMessage() + next;
            default -> added + "; whether it was also made a voter is unknown: " + cause.getMessage();
        };
    }

    CompletableFuture<Response> memberRemove(Request.MemberRemove remove) {
        return answered(remove.requestId(), change(
                members -> members.contains(remove.id()) ? null : "there is no member " + remove.id(),
                members -> members.without(remove.id()), UNTIL_NOT_PENDING, deadline())
                .thenApply(applied -> new Response.MemberRemoveOk(remove.requestId(), applied.revision())));
    }

    CompletableFuture<Response> memberPromote(Request.MemberPromote promote) {
        return answered(promote.requestId(), change(members -> {
            Optional<Member> member = members.member(promote.id());
            if (member.isEmpty()) {
                return "there is no member " + promote.id();
            }
            return member.get().voter() ? "member " + promote.id() + " is not a learner, it is already a voter" : null;
        }, members -> members.with(new Member(promote.id(), members.member(promote.id()).orElseThrow().address(), true)),
                UNTIL_NOT_PENDING, deadline())
                .thenApply(applied -> new Response.MemberPromoteOk(promote.requestId(), applied.revision())));
    }

    /** {@code answer}, with a change the request itself made impossible answered BAD_REQUEST. */
    private static CompletableFuture<Response> answered(long requestId, CompletableFuture<Response> answer) {
        return answer.exceptionallyCompose(error -> Failures.unwrap(error) instanceof InvalidChange invalid
                ? done(new Response.BadRequest(requestId, invalid.getMessage()))
                : CompletableFuture.failedFuture(error));
    }

    private long deadline() {
        return System.nanoTime() + timeout.toNanos();
    }

    private static boolean refusedFor(Throwable error, Rejection reason) {
        return Failures.unwrap(error) instanceof RejectedException rejected && rejected.reason() == reason;
    }

    /**
     * Proposes {@code next(current members)} and completes once it is applied. Fails with
     * {@link InvalidChange} if {@code problem(current)} names one, and with the core's refusal once
     * it is not among {@code retried} or the deadline has passed.
     */
    private CompletableFuture<Applied> change(Function<Membership, String> problem,
                                              Function<Membership, Membership> next, Set<Rejection> retried,
                                              long deadline) {
        CompletableFuture<Applied> result = new CompletableFuture<>();
        attemptChange(problem, next, retried, result, deadline);
        return result;
    }

    private void attemptChange(Function<Membership, String> problem, Function<Membership, Membership> next,
                               Set<Rejection> retried, CompletableFuture<Applied> result, long deadline) {
        NodeStatus status = node.status();
        if (status.role() != Role.LEADER) {
            result.completeExceptionally(notLeader(status));
            return;
        }
        String refusal = problem.apply(status.members());
        if (refusal != null) {
            result.completeExceptionally(new InvalidChange(refusal));
            return;
        }
        node.proposeMembership(next.apply(status.members())).whenComplete((applied, error) -> {
            if (error == null) {
                result.complete(applied);
            } else if (Failures.unwrap(error) instanceof RejectedException rejected
                    && !(rejected instanceof RaftNotLeaderException)
                    && retried.contains(rejected.reason()) && System.nanoTime() < deadline) {
                CompletableFuture.delayedExecutor(RETRY_MILLIS, TimeUnit.MILLISECONDS)
                        .execute(() -> attemptChange(problem, next, retried, result, deadline));
            } else {
                result.completeExceptionally(error);
            }
        });
    }

    /** The requested change cannot be made from the current configuration: answered BAD_REQUEST. */
    private static final class InvalidChange extends RuntimeException {
        InvalidChange(String message) {
            super(message, null, false, false);
        }
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

    /**
     * Raises or clears an alarm through the log (on the leader; a follower's refusal sends it there).
     * Only about a member: an alarm about any other id could never be cleared by its member.
     */
    CompletableFuture<Response> alarm(Request.Alarm alarm) {
        NodeStatus status = node.status();
        if (status.role() != Role.LEADER) {
            return CompletableFuture.failedFuture(notLeader(status));
        }
        if (!status.members().contains(alarm.memberId())) {
            return done(new Response.BadRequest(alarm.requestId(), "there is no member " + alarm.memberId()));
        }
        Command command = new Command.SetAlarm(alarm.memberId(), Alarm.Type.NOSPACE, alarm.activate(),
                alarm.activate() ? alarm.detail() : "");
        return node.propose(command.encode()).thenApply(applied -> new Response.AlarmOk(alarm.requestId(),
                applied.revision()));
    }

    CompletableFuture<Response> snapshot(Request.Snapshot snapshot) {
        return node.snapshotNow().thenApply(index -> new Response.SnapshotOk(snapshot.requestId(), index));
    }

    private static RaftNotLeaderException notLeader(NodeStatus status) {
        return new RaftNotLeaderException("not the leader", status.leaderId(),
                status.leaderAddress() == null ? "" : status.leaderAddress());
    }

    private static CompletableFuture<Response> done(Response response) {
        return CompletableFuture.completedFuture(response);
    }
}
