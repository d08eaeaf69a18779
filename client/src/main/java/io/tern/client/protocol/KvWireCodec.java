package io.tern.client.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.tern.kv.DeleteRangeRequest;
import io.tern.kv.KvCodec;
import io.tern.kv.KvOp;
import io.tern.kv.KvOpResponse;
import io.tern.kv.PutRequest;
import io.tern.kv.RangeRequest;
import io.tern.kv.RangeResponse;
import io.tern.kv.TxnRequest;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The fields of the key operations' requests and OK answers ({@code docs/protocol.md}, "Key
 * operations"). Operations and answers are {@link KvCodec}'s bytes as they are, so the wire and the
 * log share one form; only the read options and revisions around them are written here.
 */
final class KvWireCodec {

    private KvWireCodec() {
    }

    static void encode(Request.Kv request, ByteBuf out) {
        switch (request) {
            case KvRequest.Range r -> {
                out.writeByte(r.readMode().code());
                out.writeLong(r.minRevision());
                writeOp(out, r.range());
            }
            case KvRequest.Write r -> writeOp(out, r.op());
            case KvRequest.Compact r -> out.writeLong(r.revision());
        }
    }

    static void encode(Response.Kv response, ByteBuf out) {
        switch (response) {
            case KvResponse.OpOk r -> {
                out.writeLong(r.revision());
                try (DataOutputStream data = new DataOutputStream(new ByteBufOutputStream(out))) {
                    KvCodec.writeResponse(data, r.response());
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot happen: writing to a buffer", e);
                }
            }
            case KvResponse.CompactOk r -> out.writeLong(r.revision());
        }
    }

    /** The request of one of the key opcodes; the op must be of the opcode's kind. */
    static Request.Kv decodeRequest(Opcode opcode, long requestId, FieldReader in) {
        return switch (opcode) {
            case RANGE -> {
                ReadMode mode = ReadMode.fromCode(in.u8("readMode"));
                if (mode == null) {
                    throw in.malformed("unknown readMode");
                }
                long minRevision = in.u64("minRevision");
                yield new KvRequest.Range(requestId, mode, minRevision, expect(in, RangeRequest.class, "a range"));
            }
            case PUT_KV -> new KvRequest.Write(requestId, expect(in, PutRequest.class, "a put"));
            case DELETE_RANGE -> new KvRequest.Write(requestId, expect(in, DeleteRangeRequest.class, "a delete range"));
            case TXN -> new KvRequest.Write(requestId, expect(in, TxnRequest.class, "a txn"));
            case COMPACT -> new KvRequest.Compact(requestId, in.u64("revision"));
            default -> throw new IllegalArgumentException(opcode + " is not a key operation");
        };
    }

    /** The OK answer to one of the key opcodes; its response must be of the request's kind. */
    static Response.Kv decodeOk(Opcode opcode, long requestId, FieldReader in) {
        if (opcode == Opcode.COMPACT) {
            return new KvResponse.CompactOk(requestId, in.u64("revision"));
        }
        long revision = in.u64("revision");
        KvOpResponse response = in.kvRecord("response", KvCodec::decodeResponse);
        boolean matches = switch (opcode) {
            case RANGE -> response instanceof RangeResponse;
            case PUT_KV -> response instanceof io.tern.kv.PutResponse;
            case DELETE_RANGE -> response instanceof io.tern.kv.DeleteRangeResponse;
            case TXN -> response instanceof io.tern.kv.TxnResponse;
            default -> false;
        };
        if (!matches) {
            throw in.malformed("a " + response.getClass().getSimpleName() + " does not answer " + opcode);
        }
        return new KvResponse.OpOk(requestId, revision, response);
    }

    private static <T extends KvOp> T expect(FieldReader in, Class<T> kind, String what) {
        KvOp op = in.kvRecord("op", KvCodec::decodeOp);
        if (!kind.isInstance(op)) {
            throw in.malformed("op must be " + what + ", was a " + op.getClass().getSimpleName());
        }
        return kind.cast(op);
    }

    private static void writeOp(ByteBuf out, KvOp op) {
        try (DataOutputStream data = new DataOutputStream(new ByteBufOutputStream(out))) {
            KvCodec.writeOp(data, op);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot happen: writing to a buffer", e);
        }
    }
}
