package io.tern.server.forward;

import io.tern.client.protocol.Request;
import io.tern.client.protocol.Response;

/**
 * Re-labels requests and responses with another requestId: a forwarded request travels to the
 * leader under an id unique on the forwarding connection, and its answer returns under the id the
 * client chose.
 */
final class RequestIds {

    private RequestIds() {
    }

    static Request relabel(Request request, long id) {
        return switch (request) {
            case Request.Get r -> new Request.Get(id, r.readMode(), r.minRevision(), r.key());
            case Request.Put r -> new Request.Put(id, r.key(), r.value());
            case Request.Delete r -> new Request.Delete(id, r.key());
            case Request.Cas r -> new Request.Cas(id, r.key(), r.expected(), r.newValue());
            case Request.Scan r -> new Request.Scan(id, r.readMode(), r.minRevision(), r.start(), r.end(), r.limit());
            case Request.Batch r -> new Request.Batch(id, r.ops());
            case Request.Ping r -> new Request.Ping(id);
            case Request.Status r -> new Request.Status(id);
            case Request.MemberAdd r -> new Request.MemberAdd(id, r.id(), r.address(), r.voter());
            case Request.MemberRemove r -> new Request.MemberRemove(id, r.id());
            case Request.MemberPromote r -> new Request.MemberPromote(id, r.id());
            case Request.TransferLeader r -> new Request.TransferLeader(id, r.targetId());
            case Request.Snapshot r -> new Request.Snapshot(id);
            case Request.Alarm r -> new Request.Alarm(id, r.activate(), r.memberId(), r.alarm(), r.detail());
            case Request.Lease r -> r.withRequestId(id);
            case Request.WatchRequest r -> throw new IllegalArgumentException("watches are served where they arrive");
            case Request.Backup r -> throw new IllegalArgumentException("a backup is served where it arrives");
            case Request.Kv r -> r.withRequestId(id);
            case Request.Auth r -> r.withRequestId(id);
            case Request.WithToken r -> new Request.WithToken(r.token(), relabel(r.request(), id));
        };
    }

    static Response relabel(Response response, long id) {
        return switch (response) {
            case Response.GetOk r -> new Response.GetOk(id, r.revision(), r.value());
            case Response.NotFound r -> new Response.NotFound(id, r.revision());
            case Response.PutOk r -> new Response.PutOk(id, r.revision());
            case Response.DeleteOk r -> new Response.DeleteOk(id, r.revision(), r.existed());
            case Response.CasOk r -> new Response.CasOk(id, r.revision());
            case Response.CasMismatch r -> new Response.CasMismatch(id, r.revision(), r.current());
            case Response.ScanOk r -> new Response.ScanOk(id, r.revision(), r.entries(), r.more());
            case Response.BatchOk r -> new Response.BatchOk(id, r.revision());
            case Response.PingOk r -> new Response.PingOk(id);
            case Response.StatusOk r -> new Response.StatusOk(id, r.json());
            case Response.MemberAddOk r -> new Response.MemberAddOk(id, r.revision());
            case Response.MemberRemoveOk r -> new Response.MemberRemoveOk(id, r.revision());
            case Response.MemberPromoteOk r -> new Response.MemberPromoteOk(id, r.revision());
            case Response.TransferOk r -> new Response.TransferOk(id);
            case Response.SnapshotOk r -> new Response.SnapshotOk(id, r.snapshotIndex());
            case Response.AlarmOk r -> new Response.AlarmOk(id, r.revision());
            case Response.BackupPiece r -> new Response.BackupPiece(id, r.snapshotIndex(), r.remainingBytes(), r.piece());
            case Response.LeaseOk r -> r.withRequestId(id);
            case Response.Kv r -> r.withRequestId(id);
            case Response.NotLeader r -> new Response.NotLeader(id, r.leaderAddress());
            case Response.BadRequest r -> new Response.BadRequest(id, r.message());
            case Response.Unavailable r -> new Response.Unavailable(id, r.message());
            case Response.Timeout r -> new Response.Timeout(id, r.message());
            case Response.TooLarge r -> new Response.TooLarge(id, r.message());
            case Response.Internal r -> new Response.Internal(id, r.message());
            case Response.NoSpace r -> new Response.NoSpace(id, r.message());
            case Response.Compacted r -> new Response.Compacted(id, r.compactRevision(), r.message());
            case Response.FutureRevision r -> new Response.FutureRevision(id, r.currentRevision(), r.message());
            case Response.LeaseNotFound r -> new Response.LeaseNotFound(id, r.message());
            case Response.AuthOk r -> r.withRequestId(id);
            case Response.Unauthenticated r -> new Response.Unauthenticated(id, r.message());
            case Response.PermissionDenied r -> new Response.PermissionDenied(id, r.message());
            case Response.WatchResponse r -> throw new IllegalArgumentException("watches are served where they arrive");
        };
    }
}
