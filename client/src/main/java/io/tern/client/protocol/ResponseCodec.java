package io.tern.client.protocol;

import io.tern.kv.KeyValue;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * Response bodies ({@code u8 status | u64 requestId | fields}) per contract section 2, without the
 * frame's length prefix. The server encodes; the client decodes.
 *
 * <p>An OK body's layout depends on the request's opcode, which the response does not carry: the
 * client looks it up by requestId ({@link #peekRequestId}) and passes it to {@link #decode}.
 */
public final class ResponseCodec {

    // u32 key length + u32 value length: the least one SCAN entry can take, to bound a claimed count.
    private static final int MIN_ENTRY_BYTES = 4 + 4;

    private ResponseCodec() {
    }

    /** Appends {@code response}'s body to {@code out}. */
    public static void encode(Response response, ByteBuf out) {
        out.writeByte(response.status().code());
        out.writeLong(response.requestId());
        switch (response) {
            case Response.GetOk r -> {
                out.writeLong(r.revision());
                FieldWriter.bytes(out, r.value());
            }
            case Response.NotFound r -> out.writeLong(r.revision());
            case Response.PutOk r -> out.writeLong(r.revision());
            case Response.DeleteOk r -> {
                out.writeLong(r.revision());
                FieldWriter.flag(out, r.existed());
            }
            case Response.CasOk r -> out.writeLong(r.revision());
            case Response.CasMismatch r -> {
                out.writeLong(r.revision());
                FieldWriter.optionalBytes(out, r.current());
            }
            case Response.ScanOk r -> {
                out.writeLong(r.revision());
                out.writeInt(r.entries().size());
                for (KeyValue entry : r.entries()) {
                    FieldWriter.bytes(out, entry.key());
                    FieldWriter.bytes(out, entry.value());
                }
                FieldWriter.flag(out, r.more());
            }
            case Response.BatchOk r -> out.writeLong(r.revision());
            case Response.PingOk r -> { }
            case Response.StatusOk r -> FieldWriter.utf8(out, r.json());
            case Response.MemberAddOk r -> out.writeLong(r.revision());
            case Response.MemberRemoveOk r -> out.writeLong(r.revision());
            case Response.MemberPromoteOk r -> out.writeLong(r.revision());
            case Response.TransferOk r -> { }
            case Response.SnapshotOk r -> out.writeLong(r.snapshotIndex());
            case Response.AlarmOk r -> out.writeLong(r.revision());
            case Response.BackupPiece r -> {
                out.writeLong(r.snapshotIndex());
                out.writeLong(r.remainingBytes());
                FieldWriter.bytes(out, r.piece());
            }
            case Response.LeaseOk r -> LeaseCodec.encode(r, out);
            case Response.Kv r -> KvWireCodec.encode(r, out);
            case Response.Compacted r -> {
                out.writeLong(r.compactRevision());
                FieldWriter.utf8(out, r.message());
            }
            case Response.FutureRevision r -> {
                out.writeLong(r.currentRevision());
                FieldWriter.utf8(out, r.message());
            }
            case Response.Failure r -> FieldWriter.utf8(out, r.message());
            case Response.WatchResponse r -> WatchCodec.encodeResponse(r, out);
            case Response.AuthOk r -> AuthCodec.encode(r, out);
        }
    }

    /**
     * The requestId of a response body, without consuming anything: the client needs it to find
     * the request's opcode before it can {@link #decode}.
     *
     * @throws MalformedResponseException if the body is shorter than its header
     */
    public static long peekRequestId(ByteBuf body) {
        if (body.readableBytes() < ProtocolLimits.BODY_HEADER_BYTES) {
            throw new MalformedResponseException("malformed response: body of " + body.readableBytes()
                    + " bytes is shorter than the " + ProtocolLimits.BODY_HEADER_BYTES + "-byte header");
        }
        return body.getLong(body.readerIndex() + 1);
    }

    /**
     * Decodes one whole response body, consuming {@code body}. The result holds copies, so the
     * caller may release {@code body} afterwards.
     *
     * @param requestOpcode the opcode of the request this answers, or {@code null} if no request
     *                      matches (a TOO_LARGE with requestId 0 for an oversized frame); then only
     *                      statuses whose body is a message are accepted
     * @throws MalformedResponseException if the body does not decode, has trailing bytes, or has a
     *                                    status the contract does not allow for {@code requestOpcode}
     */
    public static Response decode(ByteBuf body, Opcode requestOpcode) {
        long requestId = peekRequestId(body);
        int code = body.readUnsignedByte();
        body.skipBytes(8);
        Status status = Status.fromCode(code);
        if (status == null) {
            throw new MalformedResponseException("malformed response: unknown status " + code, requestId);
        }
        String what = status + " response to " + (requestOpcode == null ? "no request" : requestOpcode);
        FieldReader in = new FieldReader(body, what, m -> new MalformedResponseException(m, requestId));
        Response response = switch (status) {
            case OK -> ok(in, requestId, requestOpcode, body);
            case NOT_FOUND -> {
                expect(in, requestOpcode, Opcode.GET);
                yield new Response.NotFound(requestId, in.u64("revision"));
            }
            case CAS_MISMATCH -> {
                expect(in, requestOpcode, Opcode.CAS);
                yield new Response.CasMismatch(requestId, in.u64("revision"),
                        in.flag("present") ? in.lengthPrefixedBytes("current") : null);
            }
            case NOT_LEADER -> new Response.NotLeader(requestId, in.utf8("leaderAddress"));
            case BAD_REQUEST -> new Response.BadRequest(requestId, in.utf8("message"));
            case UNAVAILABLE -> new Response.Unavailable(requestId, in.utf8("message"));
            case TIMEOUT -> new Response.Timeout(requestId, in.utf8("message"));
            case TOO_LARGE -> new Response.TooLarge(requestId, in.utf8("message"));
            case INTERNAL -> new Response.Internal(requestId, in.utf8("message"));
            case NO_SPACE -> new Response.NoSpace(requestId, in.utf8("message"));
            case COMPACTED -> new Response.Compacted(requestId, in.u64("compactRevision"), in.utf8("message"));
            case FUTURE_REVISION -> new Response.FutureRevision(requestId, in.u64("currentRevision"),
                    in.utf8("message"));
            case LEASE_NOT_FOUND -> new Response.LeaseNotFound(requestId, in.utf8("message"));
            case UNAUTHENTICATED -> new Response.Unauthenticated(requestId, in.utf8("message"));
            case PERMISSION_DENIED -> new Response.PermissionDenied(requestId, in.utf8("message"));
        };
        in.requireFullyRead();
        return response;
    }

    private static Response ok(FieldReader in, long requestId, Opcode requestOpcode, ByteBuf body) {
        if (requestOpcode == null) {
            throw in.malformed("an OK body cannot be read without the request's opcode");
        }
        return switch (requestOpcode) {
            case GET -> new Response.GetOk(requestId, in.u64("revision"), in.lengthPrefixedBytes("value"));
            case PUT -> new Response.PutOk(requestId, in.u64("revision"));
            case DELETE -> new Response.DeleteOk(requestId, in.u64("revision"), in.flag("existed"));
            case CAS -> new Response.CasOk(requestId, in.u64("revision"));
            case SCAN -> scanOk(in, requestId);
            case BATCH -> new Response.BatchOk(requestId, in.u64("revision"));
            case PING -> new Response.PingOk(requestId);
            case STATUS -> new Response.StatusOk(requestId, in.utf8("json"));
            case MEMBER_ADD -> new Response.MemberAddOk(requestId, in.u64("revision"));
            case MEMBER_REMOVE -> new Response.MemberRemoveOk(requestId, in.u64("revision"));
            case MEMBER_PROMOTE -> new Response.MemberPromoteOk(requestId, in.u64("revision"));
            case TRANSFER_LEADER -> new Response.TransferOk(requestId);
            case SNAPSHOT -> new Response.SnapshotOk(requestId, in.u64("snapshotIndex"));
            case ALARM -> new Response.AlarmOk(requestId, in.u64("revision"));
            case BACKUP -> new Response.BackupPiece(requestId, in.u64("snapshotIndex"), in.u64("remainingBytes"),
                    in.lengthPrefixedBytes("piece"));
            case LEASE_GRANT, LEASE_REVOKE, LEASE_KEEPALIVE, LEASE_TIME_TO_LIVE, LEASE_LIST ->
                    LeaseCodec.decodeOk(requestOpcode, requestId, in);
            case WATCH_CREATE, WATCH_CANCEL, WATCH_PROGRESS -> WatchCodec.decodeResponse(requestOpcode, requestId, in, body);
            case RANGE, PUT_KV, DELETE_RANGE, TXN, COMPACT -> KvWireCodec.decodeOk(requestOpcode, requestId, in);
            case AUTHENTICATE, AUTH_ENABLE, AUTH_DISABLE, AUTH_STATUS, USER_ADD, USER_DELETE, USER_GET, USER_LIST,
                 USER_CHANGE_PASSWORD, USER_GRANT_ROLE, USER_REVOKE_ROLE, ROLE_ADD, ROLE_DELETE, ROLE_GET, ROLE_LIST,
                 ROLE_GRANT_PERMISSION, ROLE_REVOKE_PERMISSION -> AuthCodec.decodeOk(requestOpcode, requestId, in);
            case WITH_TOKEN -> throw in.malformed("a WITH_TOKEN request is answered as the request it carries");
        };
    }

    private static Response.ScanOk scanOk(FieldReader in, long requestId) {
        long revision = in.u64("revision");
        int count = in.count("count", MIN_ENTRY_BYTES);
        List<KeyValue> entries = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            entries.add(new KeyValue(in.lengthPrefixedBytes("key " + i), in.lengthPrefixedBytes("value " + i)));
        }
        return new Response.ScanOk(requestId, revision, entries, in.flag("more"));
    }

    /** NOT_FOUND and CAS_MISMATCH belong to one opcode each; elsewhere the sides disagree. */
    private static void expect(FieldReader in, Opcode actual, Opcode allowed) {
        if (actual != allowed) {
            throw in.malformed("the contract allows this status only for " + allowed);
        }
    }
}
