package io.tern.client.protocol;

import io.tern.kv.DeleteRangeRequest;
import io.tern.kv.KvOp;
import io.tern.kv.PutRequest;
import io.tern.kv.RangeRequest;
import io.tern.kv.TxnRequest;
import java.util.Objects;

/**
 * The requests of etcd's key operations on the native protocol (opcodes 0x20 to 0x24). Their
 * operations travel in {@link io.tern.kv.KvCodec}'s form, the one the Raft log stores; encode and
 * decode with {@link RequestCodec} as every request.
 */
public final class KvRequest {

    private KvRequest() {
    }

    /** RANGE: reads {@code range} as {@code readMode} says; {@code minRevision} is for LOCAL reads. */
    public record Range(long requestId, ReadMode readMode, long minRevision, RangeRequest range) implements Request.Kv {
        public Range {
            Objects.requireNonNull(readMode, "readMode");
            Objects.requireNonNull(range, "range");
        }

        @Override
        public Opcode opcode() {
            return Opcode.RANGE;
        }

        @Override
        public Range withRequestId(long id) {
            return new Range(id, readMode, minRevision, range);
        }
    }

    /**
     * PUT_KV, DELETE_RANGE or TXN, by the kind of {@code op}: a write through the replicated log. A
     * transaction goes this way even when it only reads, since it is decided at one revision.
     */
    public record Write(long requestId, KvOp op) implements Request.Kv {
        public Write {
            Objects.requireNonNull(op, "op");
            if (op instanceof RangeRequest) {
                throw new IllegalArgumentException("a range is read with KvRequest.Range, not written");
            }
        }

        @Override
        public Opcode opcode() {
            return opcodeOf(op);
        }

        @Override
        public Write withRequestId(long id) {
            return new Write(id, op);
        }

        /** The opcode that carries a write of {@code op}'s kind. */
        public static Opcode opcodeOf(KvOp op) {
            return switch (op) {
                case PutRequest p -> Opcode.PUT_KV;
                case DeleteRangeRequest d -> Opcode.DELETE_RANGE;
                case TxnRequest t -> Opcode.TXN;
                case RangeRequest r -> Opcode.RANGE;
            };
        }
    }

    /** COMPACT: drops the history below {@code revision}. */
    public record Compact(long requestId, long revision) implements Request.Kv {
        @Override
        public Opcode opcode() {
            return Opcode.COMPACT;
        }

        @Override
        public Compact withRequestId(long id) {
            return new Compact(id, revision);
        }
    }
}
