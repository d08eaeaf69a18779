package io.tern.etcd;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.tern.client.protocol.ReadMode;
import io.tern.client.protocol.Request;
import io.tern.client.protocol.Response;
import io.tern.etcd.api.ClusterGrpc;
import io.tern.etcd.api.EtcdServerPb;
import io.tern.raft.node.NodeStatus;
import io.tern.raft.types.Member;
import io.tern.raft.types.Membership;
import io.tern.server.service.Caller;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.LongFunction;
import java.util.function.Supplier;

/**
 * etcd's Cluster service. A member's etcd id is its Tern id, its peer URL its native address
 * ({@link PeerUrls}), its name and client URLs what {@link MemberAttributes} learns. Changes are the
 * native MEMBER_ADD, MEMBER_REMOVE and MEMBER_PROMOTE, so any member takes them (a follower forwards
 * them to the leader), and each answers with the membership once this member has applied the change.
 * What the gateway can tell from the membership it checks first, with etcd's words; the rest (a
 * cluster too unhealthy for the change, a learner behind the leader) the leader decides, and its
 * refusal is translated by {@link EtcdErrors#ofMembershipChange}.
 *
 * <p>Tern's ids are small numbers: an added member gets the next id above every current member's
 * (etcd picks a random one). etcd 3.5 allows one learner at a time, and so does this service.
 */
final class ClusterService extends ClusterGrpc.ClusterImplBase {

    /** etcd 3.5's limit ({@code maxLearners}); Tern's own protocol has none. */
    private static final int MAX_LEARNERS = 1;
    /** Any key: a linearizable read of it yields a revision that covers every change made before. */
    private static final byte[] BARRIER_KEY = {0};

    private final NativeCalls calls;
    private final ResponseHeaders headers;
    private final Supplier<NodeStatus> status;
    private final MemberAttributes attributes;
    private final Executor executor;
    private final String peerScheme;

    /**
     * @param status   this member's Raft status, for the membership it holds
     * @param executor the gateway's threads, where answers are built
     * @param peerScheme {@code https} when members speak TLS to each other, else {@code http}
     */
    ClusterService(NativeCalls calls, ResponseHeaders headers, Supplier<NodeStatus> status,
                   MemberAttributes attributes, Executor executor, String peerScheme) {
        this.peerScheme = peerScheme;
        this.calls = calls;
        this.headers = headers;
        this.status = status;
        this.attributes = attributes;
        this.executor = executor;
    }

    /**
     * Linearizable: first a linearizable read (the leader confirms it leads), then this member waits
     * until it has applied what that read saw, so the membership it lists is at least as new as any
     * change acknowledged before. Serializable: this member's membership as it is.
     */
    @Override
    public void memberList(EtcdServerPb.MemberListRequest request, StreamObserver<EtcdServerPb.MemberListResponse> call) {
        Caller caller = CallerInterceptor.current();
        CompletableFuture<Void> fresh = request.getLinearizable()
                ? linearizableRevision(caller).thenCompose(revision -> appliedThrough(caller, revision))
                : CompletableFuture.completedFuture(null);
        NativeCalls.reply(call, fresh.thenCompose(ignored -> members(membership()))
                .thenApply(members -> EtcdServerPb.MemberListResponse.newBuilder().setHeader(header())
                        .addAllMembers(members).build()));
    }

    @Override
    public void memberAdd(EtcdServerPb.MemberAddRequest request, StreamObserver<EtcdServerPb.MemberAddResponse> call) {
        Caller caller = CallerInterceptor.current();
        NativeCalls.reply(call, checked(() -> {
            String address = PeerUrls.address(request.getPeerURLsList());
            Membership current = membership();
            if (current.members().stream().anyMatch(m -> m.address().equals(address))) {
                throw EtcdErrors.Refusal.PEER_URL_EXISTS.exception();
            }
            boolean learner = request.getIsLearner();
            if (learner && current.members().stream().filter(m -> !m.voter()).count() >= MAX_LEARNERS) {
                throw EtcdErrors.Refusal.TOO_MANY_LEARNERS.exception();
            }
            long id = current.members().stream().mapToLong(Member::id).max().orElse(0) + 1;
            EtcdServerPb.Member added = EtcdServerPb.Member.newBuilder().setID(id)
                    .addPeerURLs(PeerUrls.of(peerScheme, address)).setIsLearner(learner).build();
            return change(caller, rid -> new Request.MemberAdd(rid, id, address, !learner), response -> response
                    instanceof Response.MemberAddOk ok ? ok.revision() : unexpected(response))
                    .thenCompose(revision -> appliedThrough(caller, revision))
                    .thenCompose(ignored -> members(membership()))
                    .thenApply(members -> EtcdServerPb.MemberAddResponse.newBuilder().setHeader(header())
                            .setMember(added).addAllMembers(members).build());
        }));
    }

    @Override
    public void memberRemove(EtcdServerPb.MemberRemoveRequest request,
                             StreamObserver<EtcdServerPb.MemberRemoveResponse> call) {
        Caller caller = CallerInterceptor.current();
        NativeCalls.reply(call, checked(() -> {
            long id = request.getID();
            if (!membership().contains(id)) {
                throw EtcdErrors.Refusal.MEMBER_NOT_FOUND.exception();
            }
            CompletableFuture<Long> removed = change(caller, rid -> new Request.MemberRemove(rid, id), response -> response
                    instanceof Response.MemberRemoveOk ok ? ok.revision() : unexpected(response));
            // A member that removed itself may never learn that its removal committed: it lists what it
            // holds, without itself, instead of waiting for that.
            CompletableFuture<Membership> after = id == status.get().id()
                    ? removed.thenApply(revision -> membership().without(id))
                    : removed.thenCompose(revision -> appliedThrough(caller, revision)).thenApply(ignored -> membership());
            return after.thenCompose(this::members)
                    .thenApply(members -> EtcdServerPb.MemberRemoveResponse.newBuilder().setHeader(header())
                            .addAllMembers(members).build());
        }));
    }

    /**
     * A Tern member's peer URL is its native address, and Raft's membership cannot move a member to
     * another address: an update that keeps the URL succeeds (and changes nothing), any other is
     * refused UNIMPLEMENTED, which etcd clients do not retry. Remove the member and add it anew.
     */
    @Override
    public void memberUpdate(EtcdServerPb.MemberUpdateRequest request,
                             StreamObserver<EtcdServerPb.MemberUpdateResponse> call) {
        NativeCalls.reply(call, checked(() -> {
            Membership current = membership();
            Optional<Member> member = current.member(request.getID());
            if (member.isEmpty()) {
                throw EtcdErrors.Refusal.MEMBER_NOT_FOUND.exception();
            }
            String address = PeerUrls.address(request.getPeerURLsList());
            if (current.members().stream().anyMatch(m -> m.id() != request.getID() && m.address().equals(address))) {
                throw EtcdErrors.Refusal.PEER_URL_EXISTS.exception();
            }
            if (!member.get().address().equals(address)) {
                throw Status.UNIMPLEMENTED.withDescription("etcdserver: a Tern member's peer URL is its native address, "
                        + "which cannot change (member " + request.getID() + " is at "
                        + PeerUrls.of(peerScheme, member.get().address()) + "); remove the member and add it again at the new address").asRuntimeException();
            }
            return members(current).thenApply(members -> EtcdServerPb.MemberUpdateResponse.newBuilder()
                    .setHeader(header()).addAllMembers(members).build());
        }));
    }

    @Override
    public void memberPromote(EtcdServerPb.MemberPromoteRequest request,
                              StreamObserver<EtcdServerPb.MemberPromoteResponse> call) {
        Caller caller = CallerInterceptor.current();
        NativeCalls.reply(call, checked(() -> {
            long id = request.getID();
            Optional<Member> member = membership().member(id);
            if (member.isEmpty()) {
                throw EtcdErrors.Refusal.MEMBER_NOT_FOUND.exception();
            }
            if (member.get().voter()) {
                throw EtcdErrors.Refusal.MEMBER_NOT_LEARNER.exception();
            }
            return change(caller, rid -> new Request.MemberPromote(rid, id), response -> response
                    instanceof Response.MemberPromoteOk ok ? ok.revision() : unexpected(response))
                    .thenCompose(revision -> appliedThrough(caller, revision))
                    .thenCompose(ignored -> members(membership()))
                    .thenApply(members -> EtcdServerPb.MemberPromoteResponse.newBuilder().setHeader(header())
                            .addAllMembers(members).build());
        }));
    }

    /** A native membership change, completing with its revision, or with etcd's refusal. */
    private CompletableFuture<Long> change(Caller caller, LongFunction<Request> request,
                                           Function<Response, Long> revision) {
        return calls.dispatch(caller, request).thenApply(response -> {
            if (response instanceof Response.Failure failure) {
                throw EtcdErrors.ofMembershipChange(failure);
            }
            return revision.apply(response);
        });
    }

    /** The revision of a linearizable read on this cluster, wherever its leader is. */
    private CompletableFuture<Long> linearizableRevision(Caller caller) {
        return calls.dispatch(caller, rid -> new Request.Get(rid, ReadMode.LINEARIZABLE, 0, BARRIER_KEY))
                .thenApply(ClusterService::readRevision);
    }

    /** Completes once this member has applied {@code revision}: a LOCAL read's wait, the one the native port has. */
    private CompletableFuture<Void> appliedThrough(Caller caller, long revision) {
        return calls.dispatch(caller, rid -> new Request.Get(rid, ReadMode.LOCAL, revision, BARRIER_KEY))
                .thenApply(response -> {
                    readRevision(response);
                    return null;
                });
    }

    private static long readRevision(Response response) {
        return switch (response) {
            case Response.GetOk ok -> ok.revision();
            case Response.NotFound none -> none.revision();
            case Response.Failure failure -> throw EtcdErrors.of(failure);
            default -> unexpected(response);
        };
    }

    private CompletableFuture<List<EtcdServerPb.Member>> members(Membership membership) {
        return attributes.of(membership.members()).thenApplyAsync(known -> membership.members().stream()
                .map(member -> {
                    MemberAttributes.Attributes attributes = known.get(member.id());
                    return EtcdServerPb.Member.newBuilder().setID(member.id()).setName(attributes.name())
                            .addPeerURLs(PeerUrls.of(peerScheme, member.address())).addAllClientURLs(attributes.clientUrls())
                            .setIsLearner(!member.voter()).build();
                }).toList(), executor);
    }

    private Membership membership() {
        return status.get().members();
    }

    /** etcd's Cluster answers carry no revision: the cluster, the member and the term. */
    private EtcdServerPb.ResponseHeader header() {
        return headers.at(0);
    }

    /** {@code start}'s future, or the etcd status it refused with before starting anything. */
    private static <T> CompletableFuture<T> checked(Supplier<CompletableFuture<T>> start) {
        try {
            return start.get();
        } catch (StatusRuntimeException refused) {
            return CompletableFuture.failedFuture(refused);
        }
    }

    private static long unexpected(Response response) {
        throw EtcdErrors.unexpected(response);
    }
}
