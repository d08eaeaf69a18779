package io.tern.client.protocol;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * Request bodies ({@code u8 opcode | u64 requestId | fields}) per contract section 2, without the
 * frame's length prefix. The client encodes; the server decodes untrusted bytes.
 */
public final class RequestCodec {

    // kind byte + u32 key length: the least one BATCH op can take, to bound a claimed op count.
    private static final int MIN_BATCH_OP_BYTES = 1 + 4;

    private RequestCodec() {
    }

    /**
     * Appends {@code request}'s body to {@code out}. Sizes are not checked here, so that tests and
     * tools can produce what a server must refuse; {@link FrameWriter} checks the frame's size.
     */
    public static void encode(Request request, ByteBuf out) {
        out.writeByte(request.opcode().code());
        out.writeLong(request.requestId());
        encodeFields(request, out);
    }

    private static void encodeFields(Request request, ByteBuf out) {
        switch (request) {
            case Request.Get r -> {
                out.writeByte(r.readMode().code());
                out.writeLong(r.minRevision());
                FieldWriter.bytes(out, r.key());
            }
            case Request.Put r -> {
                FieldWriter.bytes(out, r.key());
                FieldWriter.bytes(out, r.value());
            }
            case Request.Delete r -> FieldWriter.bytes(out, r.key());
            case Request.Cas r -> {
                FieldWriter.bytes(out, r.key());
                FieldWriter.optionalBytes(out, r.expected());
                FieldWriter.optionalBytes(out, r.newValue());
            }
            case Request.Scan r -> {
                out.writeByte(r.readMode().code());
                out.writeLong(r.minRevision());
                FieldWriter.bytes(out, r.start());
                FieldWriter.bytes(out, r.end());
                out.writeInt(r.limit());
            }
            case Request.Batch r -> {
                out.writeInt(r.ops().size());
                for (BatchOp op : r.ops()) {
                    out.writeByte(op.kind());
                    FieldWriter.bytes(out, op.key());
                    if (op instanceof BatchOp.Put put) {
                        FieldWriter.bytes(out, put.value());
                    }
                }
            }
            case Request.MemberAdd r -> {
                out.writeLong(r.id());
                FieldWriter.utf8(out, r.address());
                FieldWriter.flag(out, r.voter());
            }
            case Request.MemberRemove r -> out.writeLong(r.id());
            case Request.MemberPromote r -> out.writeLong(r.id());
            case Request.TransferLeader r -> out.writeLong(r.targetId());
            case Request.Ping r -> { }
            case Request.Status r -> { }
            case Request.Snapshot r -> { }
            case Request.Backup r -> { }
            case Request.Kv r -> KvWireCodec.encode(r, out);
            case Request.Alarm r -> {
                out.writeByte(r.activate() ? 1 : 2);
                out.writeLong(r.memberId());
                out.writeByte(r.alarm());
                FieldWriter.utf8(out, r.detail());
            }
            case Request.Lease r -> LeaseCodec.encode(r, out);
            case Request.WatchRequest r -> WatchCodec.encodeRequest(r, out);
            case Request.Auth r -> AuthCodec.encode(r, out);
            case Request.WithToken r -> {
                FieldWriter.utf8(out, r.token());
                out.writeByte(r.request().opcode().code());
                encodeFields(r.request(), out);
            }
        }
    }

    /**
     * Decodes one whole request body, consuming {@code body}. The result holds copies, so the
     * caller may release {@code body} afterwards.
     *
     * @throws BadRequestException if the body is not a valid client request: unknown or peer
     *                             opcode, unknown readMode or BATCH kind, a flag other than 0 or 1,
     *                             invalid UTF-8, a field that overruns the body, or trailing bytes
     * @throws TooLargeException   if a key is over {@link ProtocolLimits#MAX_KEY_BYTES}
     */
    public static Request decode(ByteBuf body) {
        if (body.readableBytes() < ProtocolLimits.BODY_HEADER_BYTES) {
            // The requestId may still be unreadable; name the opcode when there is one.
            String opcode = body.isReadable() ? " (opcode 0x" + hex(body.getUnsignedByte(body.readerIndex())) + ")" : "";
            throw new BadRequestException("malformed request" + opcode + ": body of " + body.readableBytes()
                    + " bytes is shorter than the " + ProtocolLimits.BODY_HEADER_BYTES + "-byte header");
        }
        int code = body.readUnsignedByte();
        long requestId = body.readLong();
        Opcode opcode = Opcode.fromCode(code);
        if (opcode == null) {
            String kind = Opcode.isPeerOpcode(code) ? "reserved for members" : "unknown";
            throw new BadRequestException("opcode 0x" + hex(code) + " is " + kind, requestId);
        }
        FieldReader in = new FieldReader(body, opcode + " request", m -> new BadRequestException(m, requestId));
        Request request = fields(opcode, requestId, in);
        in.requireFullyRead();
        return request;
    }

    private static Request fields(Opcode opcode, long requestId, FieldReader in) {
        return switch (opcode) {
            case GET -> new Request.Get(requestId, readMode(in), in.u64("minRevision"), key(in, "key", requestId));
            case PUT -> new Request.Put(requestId, key(in, "key", requestId), in.lengthPrefixedBytes("value"));
            case DELETE -> new Request.Delete(requestId, key(in, "key", requestId));
            case CAS -> new Request.Cas(requestId, key(in, "key", requestId),
                    optionalBytes(in, "expectPresent", "expected"), optionalBytes(in, "newPresent", "new"));
            case SCAN -> new Request.Scan(requestId, readMode(in), in.u64("minRevision"),
                    in.lengthPrefixedBytes("start"), in.lengthPrefixedBytes("end"), limit(in));
            case BATCH -> new Request.Batch(requestId, batchOps(in, requestId));
            case PING -> new Request.Ping(requestId);
            case STATUS -> new Request.Status(requestId);
            case MEMBER_ADD -> new Request.MemberAdd(requestId, in.u64("id"), in.utf8("address"), in.flag("voter"));
            case MEMBER_REMOVE -> new Request.MemberRemove(requestId, in.u64("id"));
            case MEMBER_PROMOTE -> new Request.MemberPromote(requestId, in.u64("id"));
            case TRANSFER_LEADER -> new Request.TransferLeader(requestId, in.u64("targetId"));
            case SNAPSHOT -> new Request.Snapshot(requestId);
            case BACKUP -> new Request.Backup(requestId);
            case ALARM -> alarm(in, requestId);
            case LEASE_GRANT, LEASE_REVOKE, LEASE_KEEPALIVE, LEASE_TIME_TO_LIVE, LEASE_LIST ->
                    LeaseCodec.decodeRequest(opcode, requestId, in);
            case WATCH_CREATE, WATCH_CANCEL, WATCH_PROGRESS -> WatchCodec.decodeRequest(opcode, requestId, in);
            case RANGE, PUT_KV, DELETE_RANGE, TXN, COMPACT -> KvWireCodec.decodeRequest(opcode, requestId, in);
            case AUTHENTICATE, AUTH_ENABLE, AUTH_DISABLE, AUTH_STATUS, USER_ADD, USER_DELETE, USER_GET, USER_LIST,
                 USER_CHANGE_PASSWORD, USER_GRANT_ROLE, USER_REVOKE_ROLE, ROLE_ADD, ROLE_DELETE, ROLE_GET, ROLE_LIST,
                 ROLE_GRANT_PERMISSION, ROLE_REVOKE_PERMISSION -> AuthCodec.decodeRequest(opcode, requestId, in);
            case WITH_TOKEN -> withToken(requestId, in);
        };
    }

    private static Request.WithToken withToken(long requestId, FieldReader in) {
        String token = in.utf8("token");
        int code = in.u8("inner opcode");
        Opcode inner = Opcode.fromCode(code);
        if (inner == null || inner == Opcode.WITH_TOKEN) {
            throw in.malformed("WITH_TOKEN cannot carry opcode 0x" + hex(code));
        }
        return new Request.WithToken(token, fields(inner, requestId, in));
    }

    private static Request.Alarm alarm(FieldReader in, long requestId) {
        int action = in.u8("action");
        if (action != 1 && action != 2) {
            throw in.malformed("unknown alarm action " + action + " (1 activates, 2 deactivates)");
        }
        long memberId = in.u64("memberId");
        int alarm = in.u8("alarm");
        if (alarm != Request.Alarm.NOSPACE) {
            throw in.malformed("unknown alarm " + alarm);
        }
        return new Request.Alarm(requestId, action == 1, memberId, alarm, in.utf8("detail"));
    }

    private static ReadMode readMode(FieldReader in) {
        int code = in.u8("readMode");
        ReadMode mode = ReadMode.fromCode(code);
        if (mode == null) {
            throw in.malformed("unknown readMode " + code);
        }
        return mode;
    }

    /** A {@code bytes} that is a key: over the key limit is TOO_LARGE, not BAD_REQUEST. */
    private static byte[] key(FieldReader in, String field, long requestId) {
        int length = in.length(field);
        if (length > ProtocolLimits.MAX_KEY_BYTES) {
            throw new TooLargeException(field + " of " + length + " bytes is over the limit of "
                    + ProtocolLimits.MAX_KEY_BYTES, requestId);
        }
        return in.bytes(length, field);
    }

    private static byte[] optionalBytes(FieldReader in, String flag, String field) {
        return in.flag(flag) ? in.lengthPrefixedBytes(field) : null;
    }

    /**
     * A u32 limit kept as an {@code int}: any value over {@code Integer.MAX_VALUE} is far above
     * {@link ProtocolLimits#SCAN_MAX_LIMIT}, so saturating it changes nothing the server does.
     */
    private static int limit(FieldReader in) {
        return (int) Math.min(in.u32("limit"), Integer.MAX_VALUE);
    }

    private static List<BatchOp> batchOps(FieldReader in, long requestId) {
        int n = in.count("op count", MIN_BATCH_OP_BYTES);
        List<BatchOp> ops = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int kind = in.u8("kind of op " + i);
            ops.add(switch (kind) {
                case BatchOp.Put.KIND -> new BatchOp.Put(key(in, "key of op " + i, requestId),
                        in.lengthPrefixedBytes("value of op " + i));
                case BatchOp.Delete.KIND -> new BatchOp.Delete(key(in, "key of op " + i, requestId));
                default -> throw in.malformed("unknown kind " + kind + " of op " + i);
            });
        }
        return ops;
    }

    private static String hex(int unsignedByte) {
        return String.format("%02x", unsignedByte);
    }
}
