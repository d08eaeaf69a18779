package io.tern.server.service;

import io.tern.client.protocol.LeaseRequests;
import io.tern.client.protocol.LeaseResponses;
import io.tern.client.protocol.Request;
import io.tern.client.protocol.Response;
import io.tern.engine.StorageEngine;
import io.tern.engine.state.Command;
import io.tern.engine.state.CommandResult;
import io.tern.engine.state.LeaseInfo;
import io.tern.raft.node.NodeStatus;
import io.tern.raft.node.RaftNode;
import io.tern.raft.node.RaftNotLeaderException;
import io.tern.server.lease.LeaseKeeper;
import io.tern.server.lease.LeaseTtl;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The lease requests, with etcd's semantics. Grant and revoke go through the log; keep-alive and
 * time-to-live are answered by the leader's {@link LeaseKeeper} after a read barrier, so that only a
 * member that still leads renews a lease; list reads the state after a read barrier. On a follower,
 * each fails as not leading and {@link LeaderRouting} sends it to the leader.
 */
final class LeaseOperations {

    /** etcd's words for a lease that does not exist (what etcd clients match on). */
    static final String NOT_FOUND = "etcdserver: requested lease not found";

    private final RaftNode node;
    private final StorageEngine engine;
    private final LeaseKeeper keeper;
    private final KeyValueOperations keyValues;

    LeaseOperations(RaftNode node, StorageEngine engine, LeaseKeeper keeper, KeyValueOperations keyValues) {
        this.node = node;
        this.engine = engine;
        this.keeper = keeper;
        this.keyValues = keyValues;
    }

    /** Whether {@code request} changes the state (so that a lost answer leaves its outcome unknown). */
    static boolean writes(Request.Lease request) {
        return request instanceof LeaseRequests.Grant || request instanceof LeaseRequests.Revoke;
    }

    CompletableFuture<Response> serve(Request.Lease request, Proposer proposer) {
        return switch (request) {
            case LeaseRequests.Grant r -> grant(r, proposer);
            case LeaseRequests.Revoke r -> revoke(r, proposer);
            case LeaseRequests.KeepAlive r -> keepAlive(r);
            case LeaseRequests.TimeToLive r -> timeToLive(r);
            case LeaseRequests.ListLeases r -> list(r);
        };
    }

    /**
     * A TTL over etcd's maximum is refused, one under the minimum raised to it (as etcd does, so the
     * answer says the TTL the lease really has). An id of 0 becomes a random positive one here, before
     * proposing, so that every member applies the same. Refused like a put while a NOSPACE alarm is
     * raised, as etcd refuses it.
     */
    private CompletableFuture<Response> grant(LeaseRequests.Grant grant, Proposer proposer) {
        long requestId = grant.requestId();
        if (grant.ttlSeconds() > LeaseTtl.MAX_SECONDS) {
            return done(Failures.invalid(requestId, LeaseTtl.TOO_LARGE));
        }
        if (grant.id() < 0) {
            return done(Failures.invalid(requestId, "lease id must be positive (at most 2^63 - 1), was "
                    + Long.toUnsignedString(grant.id())));
        }
        Optional<Response> refused = keyValues.refusedForSpace(requestId);
        if (refused.isPresent()) {
            return done(refused.get());
        }
        long id = grant.id() != 0 ? grant.id() : ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
        long ttl = Math.max(grant.ttlSeconds(), keeper.minimumTtlSeconds());
        return proposer.propose(new Command.LeaseGrant(id, ttl)).thenApply(applied -> switch (applied.result()) {
            case CommandResult.LeaseGranted granted -> {
                keeper.granted(granted.id(), granted.ttlSeconds());
                yield new LeaseResponses.Granted(requestId, applied.revision(), granted.id(), granted.ttlSeconds());
            }
            case CommandResult.Refused refusal -> Failures.refused(requestId, refusal);
            default -> Failures.unexpectedResult(requestId, applied.result());
        });
    }

    private CompletableFuture<Response> revoke(LeaseRequests.Revoke revoke, Proposer proposer) {
        long requestId = revoke.requestId();
        return proposer.propose(new Command.LeaseRevoke(revoke.id())).thenApply(applied ->
                applied.result() instanceof CommandResult.Refused refusal ? Failures.refused(requestId, refusal)
                        : new LeaseResponses.Revoked(requestId, applied.revision()));
    }

    private CompletableFuture<Response> keepAlive(LeaseRequests.KeepAlive keepAlive) {
        long requestId = keepAlive.requestId();
        return node.readBarrier()
                .thenCompose(index -> leaderOnly(keeper.keepAlive(keepAlive.id())))
                .thenApply(renewed -> renewed.<Response>map(lease ->
                                new LeaseResponses.KeptAlive(requestId, lease.lease().ttlSeconds()))
                        .orElseGet(() -> new Response.LeaseNotFound(requestId, NOT_FOUND)));
    }

    /** As etcd: an unknown lease is no error here but a remaining TTL of -1. */
    private CompletableFuture<Response> timeToLive(LeaseRequests.TimeToLive request) {
        long requestId = request.requestId();
        return node.readBarrier()
                .thenCompose(index -> leaderOnly(keeper.timeToLive(request.id())))
                .thenApply(found -> {
                    if (found.isEmpty()) {
                        return new LeaseResponses.TimeToLive(requestId, -1, 0, List.of());
                    }
                    LeaseInfo lease = found.get().lease();
                    List<byte[]> keys = request.keys() ? lease.keys() : List.of();
                    long bytes = keys.stream().mapToLong(key -> 4L + key.length).sum();
                    if (bytes > KeyValueOperations.SCAN_ANSWER_BYTES) {
                        return new Response.TooLarge(requestId, "lease " + Long.toHexString(request.id()) + " has "
                                + keys.size() + " keys, too many for one answer; ask without the keys");
                    }
                    return new LeaseResponses.TimeToLive(requestId, found.get().remainingSeconds(),
                            lease.ttlSeconds(), keys);
                });
    }

    private CompletableFuture<Response> list(LeaseRequests.ListLeases list) {
        return node.readBarrier().thenApply(index -> {
            List<Long> ids = engine.leases().stream().map(LeaseInfo::id).toList();
            if (8L * ids.size() > KeyValueOperations.SCAN_ANSWER_BYTES) {
                return new Response.TooLarge(list.requestId(), ids.size() + " leases are too many for one answer");
            }
            return new LeaseResponses.Leases(list.requestId(), ids);
        });
    }

    /**
     * The keeper's answer, with "not leading" (it was told of a lost leadership after the barrier
     * passed) made Raft's own refusal, so that {@link LeaderRouting} sends the request to the leader.
     */
    private <T> CompletableFuture<T> leaderOnly(CompletableFuture<T> answer) {
        return answer.exceptionallyCompose(error -> {
            if (Failures.unwrap(error) instanceof LeaseKeeper.NotLeadingException) {
                NodeStatus status = node.status();
                return CompletableFuture.failedFuture(new RaftNotLeaderException("not the leader", status.leaderId(),
                        status.leaderAddress() == null ? "" : status.leaderAddress()));
            }
            return CompletableFuture.failedFuture(error);
        });
    }

    private static CompletableFuture<Response> done(Response response) {
        return CompletableFuture.completedFuture(response);
    }
}
