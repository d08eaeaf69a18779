package io.tern.etcd;

import com.google.protobuf.UnsafeByteOperations;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.tern.client.protocol.LeaseRequests;
import io.tern.client.protocol.LeaseResponses;
import io.tern.etcd.api.EtcdServerPb;
import io.tern.etcd.api.LeaseGrpc;
import java.util.function.LongSupplier;

/**
 * etcd's Lease service, each call the native lease request (opcodes 0x30 to 0x34) served by the
 * member's dispatcher: grants and revokes go through the log, keep-alives and time-to-live are
 * answered by the leader's lease clock after a read barrier (a follower forwards them), as for a
 * native client. A TTL under the cluster's minimum (1.5 election timeouts, whole seconds) is raised
 * to it, as etcd raises it to its own, and the answer says the TTL the lease got.
 */
final class LeaseService extends LeaseGrpc.LeaseImplBase {

    private final NativeCalls calls;
    private final ResponseHeaders headers;
    private final LongSupplier currentRevision;
    private final OpenStreams streams;

    /** @param currentRevision the member's applied revision, for the answers that change nothing */
    LeaseService(NativeCalls calls, ResponseHeaders headers, LongSupplier currentRevision, OpenStreams streams) {
        this.calls = calls;
        this.headers = headers;
        this.currentRevision = currentRevision;
        this.streams = streams;
    }

    /** An ID of 0 lets the member pick one. */
    @Override
    public void leaseGrant(EtcdServerPb.LeaseGrantRequest request, StreamObserver<EtcdServerPb.LeaseGrantResponse> call) {
        calls.serve(call, id -> new LeaseRequests.Grant(id, request.getID(), request.getTTL()), response -> {
            LeaseResponses.Granted granted = NativeCalls.answer(response, LeaseResponses.Granted.class);
            return EtcdServerPb.LeaseGrantResponse.newBuilder().setHeader(headers.at(granted.revision()))
                    .setID(granted.id()).setTTL(granted.ttlSeconds()).build();
        });
    }

    @Override
    public void leaseRevoke(EtcdServerPb.LeaseRevokeRequest request, StreamObserver<EtcdServerPb.LeaseRevokeResponse> call) {
        calls.serve(call, id -> new LeaseRequests.Revoke(id, request.getID()), response -> {
            LeaseResponses.Revoked revoked = NativeCalls.answer(response, LeaseResponses.Revoked.class);
            return EtcdServerPb.LeaseRevokeResponse.newBuilder().setHeader(headers.at(revoked.revision())).build();
        });
    }

    /** As etcd: a lease that does not exist (or has expired) is no error, but a TTL of -1. */
    @Override
    public void leaseTimeToLive(EtcdServerPb.LeaseTimeToLiveRequest request,
                                StreamObserver<EtcdServerPb.LeaseTimeToLiveResponse> call) {
        calls.serve(call, id -> new LeaseRequests.TimeToLive(id, request.getID(), request.getKeys()), response -> {
            LeaseResponses.TimeToLive found = NativeCalls.answer(response, LeaseResponses.TimeToLive.class);
            EtcdServerPb.LeaseTimeToLiveResponse.Builder answer = EtcdServerPb.LeaseTimeToLiveResponse.newBuilder()
                    .setHeader(headers.at(currentRevision.getAsLong())).setID(request.getID())
                    .setTTL(found.remainingSeconds()).setGrantedTTL(found.grantedSeconds());
            for (byte[] key : found.keys()) {
                answer.addKeys(UnsafeByteOperations.unsafeWrap(key));
            }
            return answer.build();
        });
    }

    @Override
    public void leaseLeases(EtcdServerPb.LeaseLeasesRequest request,
                            StreamObserver<EtcdServerPb.LeaseLeasesResponse> call) {
        calls.serve(call, LeaseRequests.ListLeases::new, response -> {
            LeaseResponses.Leases leases = NativeCalls.answer(response, LeaseResponses.Leases.class);
            EtcdServerPb.LeaseLeasesResponse.Builder answer = EtcdServerPb.LeaseLeasesResponse.newBuilder()
                    .setHeader(headers.at(currentRevision.getAsLong()));
            for (long id : leases.ids()) {
                answer.addLeases(EtcdServerPb.LeaseStatus.newBuilder().setID(id));
            }
            return answer.build();
        });
    }

    @Override
    public StreamObserver<EtcdServerPb.LeaseKeepAliveRequest> leaseKeepAlive(
            StreamObserver<EtcdServerPb.LeaseKeepAliveResponse> responses) {
        return KeepAliveStream.open((ServerCallStreamObserver<EtcdServerPb.LeaseKeepAliveResponse>) responses, calls,
                headers, currentRevision, streams);
    }
}
