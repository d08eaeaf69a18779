package io.tern.client;

import io.tern.client.protocol.BatchOp;
import io.tern.client.protocol.ProtocolLimits;
import io.tern.client.protocol.Status;
import io.tern.kv.Compare;
import io.tern.kv.DeleteRangeRequest;
import io.tern.kv.KeyRange;
import io.tern.kv.KvOp;
import io.tern.kv.KvRequestChecks;
import io.tern.kv.PutRequest;
import io.tern.kv.RangeRequest;
import io.tern.kv.TxnRequest;
import java.util.List;

/**
 * The size limits a node would answer TOO_LARGE to, checked before anything is sent: a key over
 * {@link ProtocolLimits#MAX_KEY_BYTES}, or a frame body over {@link ProtocolLimits#MAX_FRAME_BODY_BYTES}
 * (a node closes the connection on such a frame, which would fail every other request on it).
 * Each method returns the refusal, or {@code null} when the request may go.
 */
final class RequestChecks {

    // u8 opcode + u64 requestId.
    private static final long HEADER = ProtocolLimits.BODY_HEADER_BYTES;
    // u32 length of a bytes field.
    private static final long LENGTH = 4;
    // u8 readMode + u64 minRevision.
    private static final long READ_OPTIONS = 1 + 8;

    private RequestChecks() {
    }

    static RequestRefusedException get(byte[] key) {
        return refusal(key, HEADER + READ_OPTIONS + LENGTH + key.length);
    }

    static RequestRefusedException put(byte[] key, byte[] value) {
        return refusal(key, HEADER + LENGTH + key.length + LENGTH + value.length);
    }

    static RequestRefusedException delete(byte[] key) {
        return refusal(key, HEADER + LENGTH + key.length);
    }

    static RequestRefusedException cas(byte[] key, byte[] expected, byte[] newValue) {
        return refusal(key, HEADER + LENGTH + key.length + optional(expected) + optional(newValue));
    }

    static RequestRefusedException scan(byte[] start, byte[] end) {
        return frame(HEADER + READ_OPTIONS + LENGTH + start.length + LENGTH + end.length + 4);
    }

    static RequestRefusedException batch(List<BatchOp> ops) {
        long body = HEADER + 4;
        for (int i = 0; i < ops.size(); i++) {
            BatchOp op = ops.get(i);
            if (op.key().length > ProtocolLimits.MAX_KEY_BYTES) {
                return keyTooLarge("key of op " + i, op.key());
            }
            body += 1 + LENGTH + op.key().length;
            if (op instanceof BatchOp.Put put) {
                body += LENGTH + put.value().length;
            }
        }
        return frame(body);
    }

    /**
     * An etcd key operation: etcd's rules ({@link KvRequestChecks}, BAD_REQUEST), the key limit, and
     * the frame limit.
     *
     * @param fieldsBefore the bytes of the request's fields ahead of the op (read options of a RANGE)
     */
    static RequestRefusedException kv(KvOp op, long fieldsBefore) {
        String problem = KvRequestChecks.problem(op);
        if (problem != null) {
            return new RequestRefusedException(Status.BAD_REQUEST, problem);
        }
        int key = KvRequestChecks.longestKey(op);
        if (key > ProtocolLimits.MAX_KEY_BYTES) {
            return new RequestRefusedException(Status.TOO_LARGE, "key of " + key
                    + " bytes is over the limit of " + ProtocolLimits.MAX_KEY_BYTES);
        }
        return frame(HEADER + fieldsBefore + encodedSize(op));
    }

    /** The length of {@code op} in {@link io.tern.kv.KvCodec}'s form, computed without encoding it. */
    static long encodedSize(KvOp op) {
        return 1 + switch (op) {
            case RangeRequest r -> size(r.range()) + 8 + 8 + 1 + 1 + 1 + 4 * 8;
            case PutRequest p -> LENGTH + p.key().length + LENGTH + p.value().length + 8 + 1;
            case DeleteRangeRequest d -> size(d.range()) + 1;
            case TxnRequest t -> {
                long size = 4;
                for (Compare compare : t.compare()) {
                    size += size(compare.range()) + 2
                            + (compare.target() == Compare.Target.VALUE ? LENGTH + compare.value().length : 8);
                }
                size += 4;
                for (KvOp nested : t.success()) {
                    size += encodedSize(nested);
                }
                size += 4;
                for (KvOp nested : t.failure()) {
                    size += encodedSize(nested);
                }
                yield size;
            }
        };
    }

    private static long size(KeyRange range) {
        return LENGTH + range.key().length + LENGTH + range.rangeEnd().length;
    }

    private static long optional(byte[] value) {
        return 1 + (value == null ? 0 : LENGTH + value.length);
    }

    private static RequestRefusedException refusal(byte[] key, long bodyBytes) {
        if (key.length > ProtocolLimits.MAX_KEY_BYTES) {
            return keyTooLarge("key", key);
        }
        return frame(bodyBytes);
    }

    private static RequestRefusedException keyTooLarge(String what, byte[] key) {
        return new RequestRefusedException(Status.TOO_LARGE, what + " of " + key.length
                + " bytes is over the limit of " + ProtocolLimits.MAX_KEY_BYTES);
    }

    private static RequestRefusedException frame(long bodyBytes) {
        if (bodyBytes > ProtocolLimits.MAX_FRAME_BODY_BYTES) {
            return new RequestRefusedException(Status.TOO_LARGE, "request of " + bodyBytes
                    + " bytes is over the frame limit of " + ProtocolLimits.MAX_FRAME_BODY_BYTES);
        }
        return null;
    }
}
