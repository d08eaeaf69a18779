package io.tern.kv;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The one binary form of the key operations and their answers: the Raft log stores operations in it
 * and the native wire protocol carries operations and answers in it ({@code docs/protocol.md},
 * "Key operations"). Big-endian:
 *
 * <pre>
 * bytes       := u32 n | n bytes
 * keyRange    := bytes key | bytes rangeEnd
 * op          := u8 kind (1 range, 2 put, 3 deleteRange, 4 txn) | that kind's fields
 * range       := keyRange | u64 limit | u64 revision | u8 sortOrder | u8 sortTarget
 *                | u8 flags (1 keysOnly, 2 countOnly) | u64 minMod | u64 maxMod | u64 minCreate | u64 maxCreate
 * put         := bytes key | bytes value | u64 lease | u8 flags (1 prevKv, 2 ignoreValue, 4 ignoreLease)
 * deleteRange := keyRange | u8 prevKv (0 or 1)
 * txn         := u32 n | n x compare | u32 n | n x op (success) | u32 n | n x op (failure)
 * compare     := keyRange | u8 target | u8 result | (u64 number, or bytes value when target is VALUE)
 * kv          := bytes key | bytes value | u64 createRevision | u64 modRevision | u64 version | u64 lease
 * optionalKv  := u8 present (0 or 1) | [kv]
 * response    := u8 kind (as op) | that kind's fields
 * rangeResp   := u32 n | n x kv | u8 more | u64 count
 * putResp     := optionalKv (prevKv)
 * deleteResp  := u64 deleted | u32 n | n x kv (prevKvs)
 * txnResp     := u8 succeeded | u32 n | n x response
 * event       := u8 type (0 put, 1 delete) | kv | optionalKv (prevKv)
 * </pre>
 *
 * <p>The log keeps what is written today for good, so a layout here never changes meaning; new
 * fields get new kinds. Decoding treats its input as untrusted: every length and count is checked
 * against the bytes that remain before anything is allocated, unknown codes and flag bits are
 * refused, and transactions nest at most {@link #MAX_TXN_DEPTH} deep. Problems are
 * {@link IllegalArgumentException}s whose message says what is wrong and where.
 */
public final class KvCodec {

    /** How deep transactions may nest, so that a hostile request cannot exhaust the decoder's stack. */
    public static final int MAX_TXN_DEPTH = 16;

    private static final int KIND_RANGE = 1;
    private static final int KIND_PUT = 2;
    private static final int KIND_DELETE_RANGE = 3;
    private static final int KIND_TXN = 4;

    private static final int RANGE_KEYS_ONLY = 1;
    private static final int RANGE_COUNT_ONLY = 2;
    private static final int PUT_PREV_KV = 1;
    private static final int PUT_IGNORE_VALUE = 2;
    private static final int PUT_IGNORE_LEASE = 4;

    /** The fewest bytes one op, compare or kv can take, to bound a claimed count. */
    private static final int MIN_OP_BYTES = 1 + 4 + 4;
    private static final int MIN_COMPARE_BYTES = 4 + 4 + 1 + 1 + 4;
    private static final int MIN_KV_BYTES = 4 + 4 + 4 * 8;
    private static final int MIN_RESPONSE_BYTES = 1 + 1;

    private KvCodec() {
    }

    public static byte[] encode(KvOp op) {
        return encodeWith(out -> writeOp(out, op));
    }

    public static byte[] encode(KvOpResponse response) {
        return encodeWith(out -> writeResponse(out, response));
    }

    public static byte[] encode(WatchEvent event) {
        return encodeWith(out -> writeEvent(out, event));
    }

    /** Reads one op from {@code in}, leaving it just after the op. */
    public static KvOp decodeOp(ByteBuffer in) {
        return read(in, "operation", () -> readOp(in, 0));
    }

    /** Reads one answer from {@code in}, leaving it just after it. */
    public static KvOpResponse decodeResponse(ByteBuffer in) {
        return read(in, "response", () -> readResponse(in, 0));
    }

    /** Reads one event from {@code in}, leaving it just after it. */
    public static WatchEvent decodeEvent(ByteBuffer in) {
        return read(in, "watch event", () -> readEvent(in));
    }

    /** Decodes a whole array holding exactly one op. */
    public static KvOp decodeOp(byte[] encoded) {
        ByteBuffer in = ByteBuffer.wrap(encoded);
        KvOp op = decodeOp(in);
        requireEnd(in, "operation");
        return op;
    }

    /** Decodes a whole array holding exactly one answer. */
    public static KvOpResponse decodeResponse(byte[] encoded) {
        ByteBuffer in = ByteBuffer.wrap(encoded);
        KvOpResponse response = decodeResponse(in);
        requireEnd(in, "response");
        return response;
    }

    // ---- writing

    public static void writeOp(DataOutputStream out, KvOp op) throws IOException {
        switch (op) {
            case RangeRequest r -> {
                out.writeByte(KIND_RANGE);
                writeRange(out, r.range());
                out.writeLong(r.limit());
                out.writeLong(r.revision());
                out.writeByte(r.sortOrder().code());
                out.writeByte(r.sortTarget().code());
                out.writeByte((r.keysOnly() ? RANGE_KEYS_ONLY : 0) | (r.countOnly() ? RANGE_COUNT_ONLY : 0));
                out.writeLong(r.minModRevision());
                out.writeLong(r.maxModRevision());
                out.writeLong(r.minCreateRevision());
                out.writeLong(r.maxCreateRevision());
            }
            case PutRequest p -> {
                out.writeByte(KIND_PUT);
                writeBytes(out, p.key());
                writeBytes(out, p.value());
                out.writeLong(p.lease());
                out.writeByte((p.prevKv() ? PUT_PREV_KV : 0) | (p.ignoreValue() ? PUT_IGNORE_VALUE : 0)
                        | (p.ignoreLease() ? PUT_IGNORE_LEASE : 0));
            }
            case DeleteRangeRequest d -> {
                out.writeByte(KIND_DELETE_RANGE);
                writeRange(out, d.range());
                out.writeByte(d.prevKv() ? 1 : 0);
            }
            case TxnRequest t -> {
                out.writeByte(KIND_TXN);
                out.writeInt(t.compare().size());
                for (Compare compare : t.compare()) {
                    writeRange(out, compare.range());
                    out.writeByte(compare.target().code());
                    out.writeByte(compare.result().code());
                    if (compare.target() == Compare.Target.VALUE) {
                        writeBytes(out, compare.value());
                    } else {
                        out.writeLong(compare.number());
                    }
                }
                writeOps(out, t.success());
                writeOps(out, t.failure());
            }
        }
    }

    public static void writeResponse(DataOutputStream out, KvOpResponse response) throws IOException {
        switch (response) {
            case RangeResponse r -> {
                out.writeByte(KIND_RANGE);
                writeKvs(out, r.kvs());
                out.writeByte(r.more() ? 1 : 0);
                out.writeLong(r.count());
            }
            case PutResponse p -> {
                out.writeByte(KIND_PUT);
                writeOptionalKv(out, p.prevKv());
            }
            case DeleteRangeResponse d -> {
                out.writeByte(KIND_DELETE_RANGE);
                out.writeLong(d.deleted());
                writeKvs(out, d.prevKvs());
            }
            case TxnResponse t -> {
                out.writeByte(KIND_TXN);
                out.writeByte(t.succeeded() ? 1 : 0);
                out.writeInt(t.responses().size());
                for (KvOpResponse nested : t.responses()) {
                    writeResponse(out, nested);
                }
            }
        }
    }

    public static void writeEvent(DataOutputStream out, WatchEvent event) throws IOException {
        out.writeByte(event.type().code());
        writeKv(out, event.kv());
        writeOptionalKv(out, event.prevKv());
    }

    public static void writeKv(DataOutputStream out, VersionedKeyValue kv) throws IOException {
        writeBytes(out, kv.key());
        writeBytes(out, kv.value());
        out.writeLong(kv.createRevision());
        out.writeLong(kv.modRevision());
        out.writeLong(kv.version());
        out.writeLong(kv.lease());
    }

    private static void writeOps(DataOutputStream out, List<KvOp> ops) throws IOException {
        out.writeInt(ops.size());
        for (KvOp op : ops) {
            writeOp(out, op);
        }
    }

    private static void writeKvs(DataOutputStream out, List<VersionedKeyValue> kvs) throws IOException {
        out.writeInt(kvs.size());
        for (VersionedKeyValue kv : kvs) {
            writeKv(out, kv);
        }
    }

    private static void writeOptionalKv(DataOutputStream out, VersionedKeyValue kv) throws IOException {
        out.writeByte(kv == null ? 0 : 1);
        if (kv != null) {
            writeKv(out, kv);
        }
    }

    private static void writeRange(DataOutputStream out, KeyRange range) throws IOException {
        writeBytes(out, range.key());
        writeBytes(out, range.rangeEnd());
    }

    private static void writeBytes(DataOutputStream out, byte[] bytes) throws IOException {
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private interface Writing {
        void to(DataOutputStream out) throws IOException;
    }

    private static byte[] encodeWith(Writing writing) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            writing.to(out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot happen: writing to memory", e);
        }
        return bytes.toByteArray();
    }

    // ---- reading

    private interface Reading<T> {
        T from();
    }

    private static <T> T read(ByteBuffer in, String what, Reading<T> reading) {
        int start = in.position();
        try {
            return reading.from();
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("malformed " + what + ": truncated after " + (in.position() - start)
                    + " bytes");
        }
    }

    private static void requireEnd(ByteBuffer in, String what) {
        if (in.hasRemaining()) {
            throw new IllegalArgumentException("malformed " + what + ": " + in.remaining()
                    + " unexpected bytes after it");
        }
    }

    private static KvOp readOp(ByteBuffer in, int depth) {
        int kind = Byte.toUnsignedInt(in.get());
        return switch (kind) {
            case KIND_RANGE -> {
                KeyRange range = readRange(in);
                long limit = nonNegative(in, "range limit");
                long revision = nonNegative(in, "range revision");
                SortOrder order = SortOrder.fromCode(Byte.toUnsignedInt(in.get()));
                if (order == null) {
                    throw malformed(in, "unknown sort order");
                }
                SortTarget target = SortTarget.fromCode(Byte.toUnsignedInt(in.get()));
                if (target == null) {
                    throw malformed(in, "unknown sort target");
                }
                int flags = flags(in, RANGE_KEYS_ONLY | RANGE_COUNT_ONLY, "range flags");
                yield new RangeRequest(range, limit, revision, order, target, (flags & RANGE_KEYS_ONLY) != 0,
                        (flags & RANGE_COUNT_ONLY) != 0, nonNegative(in, "min mod revision"),
                        nonNegative(in, "max mod revision"), nonNegative(in, "min create revision"),
                        nonNegative(in, "max create revision"));
            }
            case KIND_PUT -> {
                byte[] key = readBytes(in, "key");
                byte[] value = readBytes(in, "value");
                long lease = in.getLong();
                int flags = flags(in, PUT_PREV_KV | PUT_IGNORE_VALUE | PUT_IGNORE_LEASE, "put flags");
                yield new PutRequest(key, value, lease, (flags & PUT_PREV_KV) != 0, (flags & PUT_IGNORE_VALUE) != 0,
                        (flags & PUT_IGNORE_LEASE) != 0);
            }
            case KIND_DELETE_RANGE -> new DeleteRangeRequest(readRange(in), flags(in, 1, "prevKv flag") != 0);
            case KIND_TXN -> {
                if (depth >= MAX_TXN_DEPTH) {
                    throw malformed(in, "transactions nest deeper than " + MAX_TXN_DEPTH);
                }
                int compares = count(in, MIN_COMPARE_BYTES, "compare count");
                List<Compare> compare = new ArrayList<>(compares);
                for (int i = 0; i < compares; i++) {
                    compare.add(readCompare(in));
                }
                List<KvOp> success = readOps(in, depth + 1);
                List<KvOp> failure = readOps(in, depth + 1);
                yield new TxnRequest(compare, success, failure);
            }
            default -> throw malformed(in, "unknown operation kind " + kind);
        };
    }

    private static List<KvOp> readOps(ByteBuffer in, int depth) {
        int count = count(in, MIN_OP_BYTES, "operation count");
        List<KvOp> ops = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            ops.add(readOp(in, depth));
        }
        return ops;
    }

    private static Compare readCompare(ByteBuffer in) {
        KeyRange range = readRange(in);
        Compare.Target target = Compare.Target.fromCode(Byte.toUnsignedInt(in.get()));
        if (target == null) {
            throw malformed(in, "unknown compare target");
        }
        Compare.Result result = Compare.Result.fromCode(Byte.toUnsignedInt(in.get()));
        if (result == null) {
            throw malformed(in, "unknown compare result");
        }
        if (target == Compare.Target.VALUE) {
            return new Compare(range, target, result, 0, readBytes(in, "compare value"));
        }
        return new Compare(range, target, result, in.getLong(), Bytes.EMPTY);
    }

    private static KvOpResponse readResponse(ByteBuffer in, int depth) {
        int kind = Byte.toUnsignedInt(in.get());
        return switch (kind) {
            case KIND_RANGE -> new RangeResponse(readKvs(in), flags(in, 1, "more flag") != 0,
                    nonNegative(in, "count"));
            case KIND_PUT -> new PutResponse(readOptionalKv(in));
            case KIND_DELETE_RANGE -> new DeleteRangeResponse(nonNegative(in, "deleted count"), readKvs(in));
            case KIND_TXN -> {
                if (depth >= MAX_TXN_DEPTH) {
                    throw malformed(in, "transaction responses nest deeper than " + MAX_TXN_DEPTH);
                }
                boolean succeeded = flags(in, 1, "succeeded flag") != 0;
                int count = count(in, MIN_RESPONSE_BYTES, "response count");
                List<KvOpResponse> responses = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    responses.add(readResponse(in, depth + 1));
                }
                yield new TxnResponse(succeeded, responses);
            }
            default -> throw malformed(in, "unknown response kind " + kind);
        };
    }

    private static WatchEvent readEvent(ByteBuffer in) {
        WatchEvent.Type type = WatchEvent.Type.fromCode(Byte.toUnsignedInt(in.get()));
        if (type == null) {
            throw malformed(in, "unknown event type");
        }
        return new WatchEvent(type, readKv(in), readOptionalKv(in));
    }

    public static VersionedKeyValue readKv(ByteBuffer in) {
        byte[] key = readBytes(in, "key");
        byte[] value = readBytes(in, "value");
        return new VersionedKeyValue(key, value, in.getLong(), in.getLong(), in.getLong(), in.getLong());
    }

    private static List<VersionedKeyValue> readKvs(ByteBuffer in) {
        int count = count(in, MIN_KV_BYTES, "key count");
        List<VersionedKeyValue> kvs = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            kvs.add(readKv(in));
        }
        return kvs;
    }

    private static VersionedKeyValue readOptionalKv(ByteBuffer in) {
        return flags(in, 1, "presence flag") == 0 ? null : readKv(in);
    }

    private static KeyRange readRange(ByteBuffer in) {
        return new KeyRange(readBytes(in, "key"), readBytes(in, "range end"));
    }

    private static byte[] readBytes(ByteBuffer in, String what) {
        long length = Integer.toUnsignedLong(in.getInt());
        if (length > in.remaining()) {
            throw malformed(in, what + " claims " + length + " bytes but only " + in.remaining() + " remain");
        }
        byte[] bytes = new byte[(int) length];
        in.get(bytes);
        return bytes;
    }

    private static int count(ByteBuffer in, int minBytesEach, String what) {
        long count = Integer.toUnsignedLong(in.getInt());
        if (count * minBytesEach > in.remaining()) {
            throw malformed(in, what + " " + count + " needs at least " + count * minBytesEach
                    + " bytes but only " + in.remaining() + " remain");
        }
        return (int) count;
    }

    private static int flags(ByteBuffer in, int allowed, String what) {
        int flags = Byte.toUnsignedInt(in.get());
        if ((flags & ~allowed) != 0) {
            throw malformed(in, what + " has unknown bits: " + flags);
        }
        return flags;
    }

    private static long nonNegative(ByteBuffer in, String what) {
        long value = in.getLong();
        if (value < 0) {
            throw malformed(in, what + " is negative: " + value);
        }
        return value;
    }

    private static IllegalArgumentException malformed(ByteBuffer in, String problem) {
        return new IllegalArgumentException("malformed key operation at byte " + in.position() + ": " + problem);
    }
}
