package io.tern.engine.state;

import io.tern.engine.auth.AuthChangeCodec;
import io.tern.kv.KvCodec;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The binary form of a {@link Command}, as stored in the Raft log. Big-endian, and shaped like the
 * wire protocol's requests so that the two are easy to check against each other:
 *
 * <pre>
 * command := u8 version (1) | u8 type | fields
 * bytes   := u32 n | n bytes
 * type 1 PUT    : bytes key, bytes value
 * type 2 DELETE : bytes key
 * type 3 CAS    : bytes key, u8 expectPresent, [bytes expected], u8 newPresent, [bytes new]
 * type 4 BATCH  : u32 n, n x (u8 kind (1 put, 2 delete), bytes key, [bytes value])
 * type 5 ALARM  : u8 active, u64 memberId, u8 alarm type, bytes detail (UTF-8)
 * type 6 KV     : an op in {@link KvCodec}'s form (range, put, delete range or txn)
 * type 7 COMPACT: u64 revision
 * type 8 LEASE_GRANT : u64 id, u64 ttlSeconds
 * type 9 LEASE_REVOKE: u64 id
 * type 10 AUTH  : an auth change ({@link io.tern.engine.auth.AuthChangeCodec})
 * type 11 AS_USER: bytes user (UTF-8), then a whole command (version byte included)
 * </pre>
 *
 * <p>Entries written today are read by every later version, so a code here never changes meaning; a
 * new layout gets a new version byte. Decoding treats its input as untrusted: every length is
 * checked against the bytes that remain before anything is allocated from it.
 */
final class CommandCodec {

    static final byte VERSION = 1;

    private static final byte TYPE_PUT = 1;
    private static final byte TYPE_DELETE = 2;
    private static final byte TYPE_CAS = 3;
    private static final byte TYPE_BATCH = 4;
    private static final byte TYPE_ALARM = 5;
    private static final byte TYPE_KV = 6;
    private static final byte TYPE_COMPACT = 7;
    private static final byte TYPE_LEASE_GRANT = 8;
    private static final byte TYPE_LEASE_REVOKE = 9;
    private static final byte TYPE_AUTH = 10;
    private static final byte TYPE_AS_USER = 11;

    private static final byte OP_PUT = 1;
    private static final byte OP_DELETE = 2;

    /** The smallest batch op: a kind byte and an empty key's length. */
    private static final int MIN_BATCH_OP_BYTES = 1 + 4;

    /** Leaves the JVM's array header slack, as {@code ArrayList} does. */
    private static final long MAX_ENCODED_BYTES = Integer.MAX_VALUE - 8;

    private CommandCodec() {
    }

    /** The exact length of {@link #encode}'s result, without encoding. */
    static long encodedSize(Command command) {
        return 2 + switch (command) {
            case Command.Put put -> sizeOf(put.key()) + sizeOf(put.value());
            case Command.Delete delete -> sizeOf(delete.key());
            case Command.CompareAndSet cas -> sizeOf(cas.key()) + 1 + sizeOfOptional(cas.expected())
                    + 1 + sizeOfOptional(cas.newValue());
            case Command.Batch batch -> {
                long ops = 4;
                for (Command.BatchOp op : batch.ops()) {
                    ops += 1 + sizeOf(op.key()) + (op instanceof Command.Put put ? sizeOf(put.value()) : 0);
                }
                yield ops;
            }
            case Command.SetAlarm alarm -> 1 + 8 + 1 + sizeOf(alarm.detail().getBytes(StandardCharsets.UTF_8));
            case Command.Kv kv -> kvOpSize(kv.op());
            case Command.Compact compact -> 8;
            case Command.LeaseGrant grant -> 16;
            case Command.LeaseRevoke revoke -> 8;
            case Command.Auth auth -> AuthChangeCodec.encode(auth.change()).length;
            case Command.AsUser asUser -> sizeOf(asUser.user().getBytes(StandardCharsets.UTF_8))
                    + encodedSize(asUser.command());
        };
    }

    static byte[] encode(Command command) {
        if (command instanceof Command.AsUser asUser) {
            byte[] user = asUser.user().getBytes(StandardCharsets.UTF_8);
            byte[] inner = encode(asUser.command());
            return ByteBuffer.allocate(2 + 4 + user.length + inner.length).put(VERSION).put(TYPE_AS_USER)
                    .putInt(user.length).put(user).put(inner).array();
        }
        if (command instanceof Command.Kv kv) {
            // Encoded once: the op's encoding gives the size too.
            byte[] op = KvCodec.encode(kv.op());
            if (op.length > MAX_ENCODED_BYTES - 2) {
                throw new IllegalArgumentException("command too large to encode: " + (2L + op.length) + " bytes");
            }
            return ByteBuffer.allocate(2 + op.length).put(VERSION).put(TYPE_KV).put(op).array();
        }
        long size = encodedSize(command);
        if (size > MAX_ENCODED_BYTES) {
            throw new IllegalArgumentException("command too large to encode: " + size + " bytes");
        }
        ByteBuffer out = ByteBuffer.allocate((int) size);
        out.put(VERSION);
        switch (command) {
            case Command.Put put -> {
                out.put(TYPE_PUT);
                putBytes(out, put.key());
                putBytes(out, put.value());
            }
            case Command.Delete delete -> {
                out.put(TYPE_DELETE);
                putBytes(out, delete.key());
            }
            case Command.CompareAndSet cas -> {
                out.put(TYPE_CAS);
                putBytes(out, cas.key());
                putOptional(out, cas.expected());
                putOptional(out, cas.newValue());
            }
            case Command.Batch batch -> {
                out.put(TYPE_BATCH);
                out.putInt(batch.ops().size());
                for (Command.BatchOp op : batch.ops()) {
                    switch (op) {
                        case Command.Put put -> {
                            out.put(OP_PUT);
                            putBytes(out, put.key());
                            putBytes(out, put.value());
                        }
                        case Command.Delete delete -> {
                            out.put(OP_DELETE);
                            putBytes(out, delete.key());
                        }
                    }
                }
            }
            case Command.SetAlarm alarm -> {
                out.put(TYPE_ALARM);
                out.put((byte) (alarm.active() ? 1 : 0));
                out.putLong(alarm.memberId());
                out.put((byte) alarm.type().code());
                putBytes(out, alarm.detail().getBytes(StandardCharsets.UTF_8));
            }
            case Command.Kv kv -> {
                out.put(TYPE_KV);
                out.put(KvCodec.encode(kv.op()));
            }
            case Command.Compact compact -> {
                out.put(TYPE_COMPACT);
                out.putLong(compact.revision());
            }
            case Command.LeaseGrant grant -> {
                out.put(TYPE_LEASE_GRANT);
                out.putLong(grant.id());
                out.putLong(grant.ttlSeconds());
            }
            case Command.LeaseRevoke revoke -> {
                out.put(TYPE_LEASE_REVOKE);
                out.putLong(revoke.id());
            }
            case Command.Auth auth -> {
                out.put(TYPE_AUTH);
                out.put(AuthChangeCodec.encode(auth.change()));
            }
            case Command.AsUser asUser -> throw new IllegalStateException("encoded above");
        }
        return out.array();
    }

    static Command decode(byte[] encoded) {
        if (encoded == null) {
            throw new IllegalArgumentException("malformed command: no bytes");
        }
        ByteBuffer in = ByteBuffer.wrap(encoded);
        try {
            return decode(in);
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("malformed command: truncated after " + in.position()
                    + " of " + encoded.length + " bytes");
        }
    }

    /** The command from {@code in}'s position to its limit (a user's command reads its own this way, uncopied). */
    private static Command decode(ByteBuffer in) {
        byte version = in.get();
        if (version != VERSION) {
            throw malformed(in, "unsupported encoding version " + Byte.toUnsignedInt(version)
                    + " (this build reads version " + VERSION + ")");
        }
        byte type = in.get();
        Command command = switch (type) {
            case TYPE_PUT -> new Command.Put(getBytes(in, "key"), getBytes(in, "value"));
            case TYPE_DELETE -> new Command.Delete(getBytes(in, "key"));
            case TYPE_CAS -> new Command.CompareAndSet(getBytes(in, "key"),
                    getOptional(in, "expected"), getOptional(in, "new value"));
            case TYPE_BATCH -> decodeBatch(in);
            case TYPE_ALARM -> decodeAlarm(in);
            case TYPE_KV -> decodeKv(in);
            case TYPE_COMPACT -> new Command.Compact(in.getLong());
            case TYPE_LEASE_GRANT -> new Command.LeaseGrant(in.getLong(), in.getLong());
            case TYPE_LEASE_REVOKE -> new Command.LeaseRevoke(in.getLong());
            case TYPE_AUTH -> decodeAuth(in);
            case TYPE_AS_USER -> decodeAsUser(in);
            default -> throw malformed(in, "unknown command type " + Byte.toUnsignedInt(type));
        };
        if (in.hasRemaining()) {
            throw malformed(in, in.remaining() + " unexpected bytes after the command");
        }
        return command;
    }

    /** The length of {@code KvCodec.encode(op)}, counted as the codec writes it rather than kept. */
    private static long kvOpSize(io.tern.kv.KvOp op) {
        long[] count = {0};
        java.io.OutputStream counter = new java.io.OutputStream() {
            @Override
            public void write(int b) {
                count[0]++;
            }

            @Override
            public void write(byte[] b, int off, int len) {
                count[0] += len;
            }
        };
        try {
            KvCodec.writeOp(new java.io.DataOutputStream(counter), op);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e); // the counter never throws
        }
        return count[0];
    }

    private static Command.Kv decodeKv(ByteBuffer in) {
        try {
            return new Command.Kv(KvCodec.decodeOp(in));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("malformed command: in its key operation: " + e.getMessage(), e);
        }
    }

    private static Command.Auth decodeAuth(ByteBuffer in) {
        byte[] rest = new byte[in.remaining()];
        in.get(rest);
        try {
            return new Command.Auth(AuthChangeCodec.decode(rest));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("malformed command: " + e.getMessage(), e);
        }
    }

    private static Command.AsUser decodeAsUser(ByteBuffer in) {
        String user = new String(getBytes(in, "user"), StandardCharsets.UTF_8);
        Command inner = decode(in);
        if (inner instanceof Command.AsUser) {
            throw new IllegalArgumentException("malformed command: a user's command carries another user's");
        }
        return new Command.AsUser(user, inner);
    }

    private static Command.Batch decodeBatch(ByteBuffer in) {
        long count = Integer.toUnsignedLong(in.getInt());
        if (count > in.remaining() / MIN_BATCH_OP_BYTES) {
            throw malformed(in, "batch claims " + count + " operations but only " + in.remaining()
                    + " bytes remain");
        }
        List<Command.BatchOp> ops = new ArrayList<>((int) count);
        for (long i = 0; i < count; i++) {
            byte kind = in.get();
            ops.add(switch (kind) {
                case OP_PUT -> new Command.Put(getBytes(in, "key"), getBytes(in, "value"));
                case OP_DELETE -> new Command.Delete(getBytes(in, "key"));
                default -> throw malformed(in, "unknown batch operation kind " + Byte.toUnsignedInt(kind));
            });
        }
        return new Command.Batch(ops);
    }

    private static Command.SetAlarm decodeAlarm(ByteBuffer in) {
        byte active = in.get();
        if (active != 0 && active != 1) {
            throw malformed(in, "alarm flag is " + Byte.toUnsignedInt(active) + ", expected 0 or 1");
        }
        long memberId = in.getLong();
        int code = Byte.toUnsignedInt(in.get());
        Alarm.Type type = Alarm.Type.fromCode(code);
        if (type == null) {
            throw malformed(in, "unknown alarm type " + code);
        }
        return new Command.SetAlarm(memberId, type, active == 1,
                new String(getBytes(in, "alarm detail"), StandardCharsets.UTF_8));
    }

    private static long sizeOf(byte[] bytes) {
        return 4L + bytes.length;
    }

    private static long sizeOfOptional(byte[] bytes) {
        return bytes == null ? 0 : sizeOf(bytes);
    }

    private static void putBytes(ByteBuffer out, byte[] bytes) {
        out.putInt(bytes.length);
        out.put(bytes);
    }

    private static void putOptional(ByteBuffer out, byte[] bytes) {
        if (bytes == null) {
            out.put((byte) 0);
        } else {
            out.put((byte) 1);
            putBytes(out, bytes);
        }
    }

    private static byte[] getBytes(ByteBuffer in, String what) {
        long length = Integer.toUnsignedLong(in.getInt());
        if (length > in.remaining()) {
            throw malformed(in, what + " claims " + length + " bytes but only " + in.remaining() + " remain");
        }
        byte[] bytes = new byte[(int) length];
        in.get(bytes);
        return bytes;
    }

    private static byte[] getOptional(ByteBuffer in, String what) {
        byte present = in.get();
        return switch (present) {
            case 0 -> null;
            case 1 -> getBytes(in, what);
            default -> throw malformed(in, "presence flag of " + what + " is " + Byte.toUnsignedInt(present)
                    + ", expected 0 or 1");
        };
    }

    private static IllegalArgumentException malformed(ByteBuffer in, String problem) {
        return new IllegalArgumentException("malformed command at byte " + in.position() + ": " + problem);
    }
}
