package io.tern.etcd;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.tern.client.protocol.Request;
import io.tern.client.protocol.Response;
import io.tern.engine.StorageEngine;
import io.tern.engine.snapshot.SnapshotBackup;
import io.tern.engine.state.Alarm;
import io.tern.engine.state.KvHash;
import io.tern.engine.state.StateHash;
import io.tern.engine.state.StateSize;
import io.tern.etcd.api.EtcdServerPb;
import io.tern.etcd.api.MaintenanceGrpc;
import io.tern.raft.core.Role;
import io.tern.raft.node.NodeStatus;
import io.tern.raft.types.Member;
import io.tern.server.service.Backups;
import io.tern.server.service.Caller;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * etcd's Maintenance service on one member. Status, Alarm's list and the member's own reads answer
 * from this member; alarm changes, the leader move and the snapshot are the native ALARM,
 * TRANSFER_LEADER and SNAPSHOT requests. What reads the whole state (Hash, HashKV) or rewrites it
 * (Defragment) runs on this service's own thread, {@code tern-etcd-N-maintenance}, one at a time, so
 * that no gRPC thread waits for it.
 *
 * <p>Snapshot sends a {@link SnapshotBackup}: Tern's format, not etcd's bbolt file, so etcdctl saves
 * it (its length ends in a SHA-256 as etcdctl checks) but {@code etcdctl snapshot status} and
 * {@code restore} cannot read it. Downgrade stays UNIMPLEMENTED: Tern has no cluster version to lower.
 */
final class MaintenanceService extends MaintenanceGrpc.MaintenanceImplBase implements AutoCloseable {

    /**
     * The etcd server version Status reports. Tern implements etcd 3.5's v3 API; clients read the
     * version to know which calls and fields they may use.
     */
    static final String ETCD_VERSION = "3.5.0";
    private static final String RAISED_THROUGH_ETCD = "raised through etcd's Alarm API";

    private final NativeCalls calls;
    private final ResponseHeaders headers;
    private final Supplier<NodeStatus> status;
    private final StorageEngine engine;
    private final ExecutorService maintenance;
    private final Function<Caller, Optional<Response>> rootCheck;

    /**
     * @param rootCheck the member's check that a caller has the root role (while authentication is on),
     *                  for the calls that read or rewrite the whole state here, as etcd checks them
     */
    MaintenanceService(NativeCalls calls, ResponseHeaders headers, Supplier<NodeStatus> status, StorageEngine engine,
                       long memberId, Function<Caller, Optional<Response>> rootCheck) {
        this.calls = calls;
        this.rootCheck = rootCheck;
        this.headers = headers;
        this.status = status;
        this.engine = engine;
        this.maintenance = Executors.newSingleThreadExecutor(
                Thread.ofPlatform().name("tern-etcd-" + memberId + "-maintenance").factory());
    }

    /**
     * As etcd: {@code raftIndex} is the commit index, {@code errors} names a missing leader and every
     * alarm raised, {@code dbSize} and {@code dbSizeInUse} are the state's size and its live part.
     */
    @Override
    public void status(EtcdServerPb.StatusRequest request, StreamObserver<EtcdServerPb.StatusResponse> call) {
        NativeCalls.reply(call, storageRead(() -> {
            NodeStatus node = status.get();
            StateSize size = engine.stateSize();
            EtcdServerPb.StatusResponse.Builder answer = EtcdServerPb.StatusResponse.newBuilder()
                    .setHeader(headers.at(node.appliedIndex())).setVersion(ETCD_VERSION)
                    .setDbSize(size.totalBytes()).setDbSizeInUse(size.liveBytes()).setLeader(node.leaderId())
                    .setRaftIndex(node.commitIndex()).setRaftTerm(node.term()).setRaftAppliedIndex(node.appliedIndex())
                    .setIsLearner(!node.members().member(node.id()).map(Member::voter).orElse(false));
            if (node.leaderId() == 0) {
                answer.addErrors(EtcdErrors.NO_LEADER);
            }
            for (Alarm alarm : engine.alarms()) {
                // How etcd prints an AlarmMember there (its protobuf's compact text form).
                answer.addErrors("memberID:" + alarm.memberId() + " alarm:" + alarm.type().name() + " ");
            }
            return answer.build();
        }));
    }

    /**
     * GET lists the alarms this member has applied (all of them, or those of the type asked for).
     * ACTIVATE and DEACTIVATE of NOSPACE go through the log (the native ALARM), as the member's disk
     * monitor and {@code tern alarm disarm} do; each answers with the alarm it changed, or none if
     * there was nothing to change, as etcd does. Tern has no CORRUPT alarm.
     */
    @Override
    public void alarm(EtcdServerPb.AlarmRequest request, StreamObserver<EtcdServerPb.AlarmResponse> call) {
        EtcdServerPb.AlarmMember asked = EtcdServerPb.AlarmMember.newBuilder().setMemberID(request.getMemberID())
                .setAlarm(request.getAlarm()).build();
        CompletableFuture<EtcdServerPb.AlarmResponse> answer = switch (request.getAction()) {
            case GET -> CompletableFuture.completedFuture(alarms(raised().stream()
                    .filter(a -> request.getAlarm() == EtcdServerPb.AlarmType.NONE || a.getAlarm() == request.getAlarm())
                    .toList()));
            case ACTIVATE -> switch (request.getAlarm()) {
                case NONE -> CompletableFuture.completedFuture(alarms(List.of()));
                case NOSPACE -> changeAlarm(CallerInterceptor.current(), true, asked);
                default -> CompletableFuture.failedFuture(Status.UNIMPLEMENTED.withDescription(
                        "etcdserver: Tern raises no " + request.getAlarm() + " alarm, only NOSPACE").asRuntimeException());
            };
            case DEACTIVATE -> request.getAlarm() == EtcdServerPb.AlarmType.NOSPACE
                    && status.get().members().contains(request.getMemberID())
                    ? changeAlarm(CallerInterceptor.current(), false, asked) : CompletableFuture.completedFuture(alarms(List.of()));
            case UNRECOGNIZED -> CompletableFuture.failedFuture(
                    EtcdErrors.invalid("etcdserver: unknown alarm action " + request.getActionValue()));
        };
        NativeCalls.reply(call, answer);
    }

    private CompletableFuture<EtcdServerPb.AlarmResponse> changeAlarm(Caller caller, boolean raise,
                                                                      EtcdServerPb.AlarmMember alarm) {
        boolean wasRaised = raised().contains(alarm);
        return calls.dispatch(caller, rid -> new Request.Alarm(rid, raise, alarm.getMemberID(), Request.Alarm.NOSPACE,
                raise ? RAISED_THROUGH_ETCD : "")).thenApply(response -> {
                    if (response instanceof Response.Failure failure) {
                        throw EtcdErrors.ofMembershipChange(failure);
                    }
                    return alarms(wasRaised != raise ? List.of(alarm) : List.of());
                });
    }

    private List<EtcdServerPb.AlarmMember> raised() {
        return engine.alarms().stream().map(alarm -> EtcdServerPb.AlarmMember.newBuilder().setMemberID(alarm.memberId())
                .setAlarm(EtcdServerPb.AlarmType.valueOf(alarm.type().name())).build()).toList();
    }

    private EtcdServerPb.AlarmResponse alarms(List<EtcdServerPb.AlarmMember> alarms) {
        return EtcdServerPb.AlarmResponse.newBuilder().setHeader(headers.at(engine.appliedIndex())).addAllAlarms(alarms)
                .build();
    }

    /** Rewrites the state's table files (a full RocksDB compaction) and answers once done, as etcd does. */
    @Override
    public void defragment(EtcdServerPb.DefragmentRequest request, StreamObserver<EtcdServerPb.DefragmentResponse> call) {
        NativeCalls.reply(call, asRootOnMaintenanceThread(() -> {
            engine.compactState();
            return EtcdServerPb.DefragmentResponse.getDefaultInstance();
        }));
    }

    /** The CRC32C of the whole state; equal on members at the same applied index (the header's revision). */
    @Override
    public void hash(EtcdServerPb.HashRequest request, StreamObserver<EtcdServerPb.HashResponse> call) {
        NativeCalls.reply(call, asRootOnMaintenanceThread(() -> {
            StateHash hash = engine.hash();
            return EtcdServerPb.HashResponse.newBuilder().setHeader(headers.at(hash.appliedIndex()))
                    .setHash(hash.hash()).build();
        }));
    }

    /**
     * The CRC32C of the key history up to the revision asked for (0: this member's current one), which
     * members that applied as far and compacted alike share; with the compaction revision and the
     * revision hashed (etcd 3.6's {@code hash_revision}).
     */
    @Override
    public void hashKV(EtcdServerPb.HashKVRequest request, StreamObserver<EtcdServerPb.HashKVResponse> call) {
        if (request.getRevision() < 0) {
            // etcd reads a negative revision as none; Tern's history has no revision below 1.
            call.onError(EtcdErrors.invalid("etcdserver: the revision must not be negative"));
            return;
        }
        NativeCalls.reply(call, asRootOnMaintenanceThread(() -> {
            KvHash hash = engine.hashKv(request.getRevision());
            return EtcdServerPb.HashKVResponse.newBuilder().setHeader(headers.at(hash.currentRevision()))
                    .setHash(hash.hash()).setCompactRevision(hash.compactRevision())
                    .setHashRevision(hash.hashRevision()).build();
        }));
    }

    /**
     * A backup of this member, opened as the native BACKUP opens one (a snapshot that holds every
     * write acknowledged before the call; taking it also compacts the member's log, as a periodic
     * snapshot does), streamed in Tern's backup format.
     */
    @Override
    public void snapshot(EtcdServerPb.SnapshotRequest request, StreamObserver<EtcdServerPb.SnapshotResponse> call) {
        BackupStream stream = BackupStream.of((ServerCallStreamObserver<EtcdServerPb.SnapshotResponse>) call);
        calls.openBackup(CallerInterceptor.current()).thenAccept(opened -> {
            switch (opened) {
                case Backups.Opened.Refused refused -> stream.fail(refused.answer() instanceof Response.Failure failure
                        ? EtcdErrors.of(failure) : EtcdErrors.unexpected(refused.answer()));
                case Backups.Opened.Ready ready -> stream.send(ready.backup(), headers.at(ready.backup().snapshotIndex()));
            }
        }).exceptionally(error -> {
            stream.fail(EtcdErrors.unknown(String.valueOf(error.getMessage())));
            return null;
        });
    }

    /**
     * Only the leader moves leadership, as in etcd (etcdctl sends it to the leader's endpoint); the
     * target must be a voter. Answers once the target leads.
     */
    @Override
    public void moveLeader(EtcdServerPb.MoveLeaderRequest request, StreamObserver<EtcdServerPb.MoveLeaderResponse> call) {
        NodeStatus node = status.get();
        if (node.role() != Role.LEADER) {
            call.onError(EtcdErrors.Refusal.NOT_LEADER.exception());
            return;
        }
        if (!node.members().member(request.getTargetID()).map(Member::voter).orElse(false)) {
            call.onError(EtcdErrors.Refusal.BAD_LEADER_TRANSFEREE.exception());
            return;
        }
        NativeCalls.reply(call, calls.dispatch(CallerInterceptor.current(), rid -> new Request.TransferLeader(rid, request.getTargetID()))
                .thenApply(response -> switch (response) {
                    case Response.TransferOk ok -> EtcdServerPb.MoveLeaderResponse.getDefaultInstance();
                    case Response.Failure failure -> throw EtcdErrors.ofLeaderTransfer(failure);
                    default -> throw EtcdErrors.unexpected(response);
                }));
    }

    /** Runs {@code read} here and now, with the storage's failures answered as etcd answers them. */
    private static <T> CompletableFuture<T> storageRead(Supplier<T> read) {
        try {
            return CompletableFuture.completedFuture(read.get());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(EtcdErrors.ofStorage(e));
        }
    }

    /** {@link #onMaintenanceThread} once the call's caller may (root, while authentication is on). */
    private <T> CompletableFuture<T> asRootOnMaintenanceThread(Supplier<T> work) {
        Optional<Response> refusal = rootCheck.apply(CallerInterceptor.current());
        if (refusal.isPresent()) {
            return CompletableFuture.failedFuture(refusal.get() instanceof Response.Failure failure
                    ? EtcdErrors.of(failure) : EtcdErrors.unexpected(refusal.get()));
        }
        return onMaintenanceThread(work);
    }

    private <T> CompletableFuture<T> onMaintenanceThread(Supplier<T> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        try {
            maintenance.execute(() -> storageRead(work).whenComplete((value, error) -> {
                if (error == null) {
                    result.complete(value);
                } else {
                    result.completeExceptionally(error);
                }
            }));
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(Status.UNAVAILABLE.withDescription(EtcdErrors.STOPPED).asRuntimeException());
        }
        return result;
    }

    @Override
    public void close() {
        maintenance.shutdownNow();
    }
}
