package io.tern.client.protocol;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * The fields of the lease requests and their OK answers (opcodes 0x30 to 0x34), after the 9-byte
 * header that {@link RequestCodec} and {@link ResponseCodec} handle:
 *
 * <pre>
 * 0x30 LEASE_GRANT        u64 id, i64 ttlSeconds             OK: u64 revision, u64 id, i64 ttlSeconds
 * 0x31 LEASE_REVOKE       u64 id                             OK: u64 revision
 * 0x32 LEASE_KEEPALIVE    u64 id                             OK: i64 ttlSeconds
 * 0x33 LEASE_TIME_TO_LIVE u64 id, flag keys                  OK: i64 remaining, i64 granted, u32 n, n x bytes key
 * 0x34 LEASE_LIST         (nothing)                          OK: u32 n, n x u64 id
 * </pre>
 */
final class LeaseCodec {

    /** A listed key's least size (its length prefix), to bound a claimed count before allocating. */
    private static final int MIN_KEY_BYTES = 4;
    private static final int ID_BYTES = 8;

    private LeaseCodec() {
    }

    static void encode(Request.Lease request, ByteBuf out) {
        switch (request) {
            case LeaseRequests.Grant r -> {
                out.writeLong(r.id());
                out.writeLong(r.ttlSeconds());
            }
            case LeaseRequests.Revoke r -> out.writeLong(r.id());
            case LeaseRequests.KeepAlive r -> out.writeLong(r.id());
            case LeaseRequests.TimeToLive r -> {
                out.writeLong(r.id());
                FieldWriter.flag(out, r.keys());
            }
            case LeaseRequests.ListLeases r -> { }
        }
    }

    /** The fields of a lease request of {@code opcode}; null for an opcode that is not a lease's. */
    static Request.Lease decodeRequest(Opcode opcode, long requestId, FieldReader in) {
        return switch (opcode) {
            case LEASE_GRANT -> new LeaseRequests.Grant(requestId, in.u64("id"), in.u64("ttlSeconds"));
            case LEASE_REVOKE -> new LeaseRequests.Revoke(requestId, in.u64("id"));
            case LEASE_KEEPALIVE -> new LeaseRequests.KeepAlive(requestId, in.u64("id"));
            case LEASE_TIME_TO_LIVE -> new LeaseRequests.TimeToLive(requestId, in.u64("id"), in.flag("keys"));
            case LEASE_LIST -> new LeaseRequests.ListLeases(requestId);
            default -> null;
        };
    }

    static void encode(Response.LeaseOk response, ByteBuf out) {
        switch (response) {
            case LeaseResponses.Granted r -> {
                out.writeLong(r.revision());
                out.writeLong(r.id());
                out.writeLong(r.ttlSeconds());
            }
            case LeaseResponses.Revoked r -> out.writeLong(r.revision());
            case LeaseResponses.KeptAlive r -> out.writeLong(r.ttlSeconds());
            case LeaseResponses.TimeToLive r -> {
                out.writeLong(r.remainingSeconds());
                out.writeLong(r.grantedSeconds());
                out.writeInt(r.keys().size());
                for (byte[] key : r.keys()) {
                    FieldWriter.bytes(out, key);
                }
            }
            case LeaseResponses.Leases r -> {
                out.writeInt(r.ids().size());
                for (long id : r.ids()) {
                    out.writeLong(id);
                }
            }
        }
    }

    /** The OK answer to a lease request of {@code opcode}; null for an opcode that is not a lease's. */
    static Response.LeaseOk decodeOk(Opcode opcode, long requestId, FieldReader in) {
        return switch (opcode) {
            case LEASE_GRANT -> new LeaseResponses.Granted(requestId, in.u64("revision"), in.u64("id"),
                    in.u64("ttlSeconds"));
            case LEASE_REVOKE -> new LeaseResponses.Revoked(requestId, in.u64("revision"));
            case LEASE_KEEPALIVE -> new LeaseResponses.KeptAlive(requestId, in.u64("ttlSeconds"));
            case LEASE_TIME_TO_LIVE -> timeToLive(requestId, in);
            case LEASE_LIST -> {
                int n = in.count("lease count", ID_BYTES);
                List<Long> ids = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    ids.add(in.u64("id"));
                }
                yield new LeaseResponses.Leases(requestId, ids);
            }
            default -> null;
        };
    }

    private static LeaseResponses.TimeToLive timeToLive(long requestId, FieldReader in) {
        long remaining = in.u64("remainingSeconds");
        long granted = in.u64("grantedSeconds");
        int n = in.count("key count", MIN_KEY_BYTES);
        List<byte[]> keys = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            keys.add(in.lengthPrefixedBytes("key"));
        }
        return new LeaseResponses.TimeToLive(requestId, remaining, granted, keys);
    }
}
