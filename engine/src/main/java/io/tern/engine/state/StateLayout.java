package io.tern.engine.state;

import io.tern.raft.types.Membership;
import java.nio.ByteBuffer;

/**
 * How the applied state is laid out in RocksDB's keyspace.
 *
 * <p>User data and metadata share the default column family, told apart by a one-byte prefix:
 * {@code 0x00} metadata, {@code 0x01} user keys. One column family because the WAL is off: RocksDB
 * flushes column families independently, so after a crash two of them could hold different points in
 * history, and the applied index would no longer describe the data. Within one column family, a
 * write batch lands in one memtable and is flushed as a whole.
 *
 * <p>Every user key sorts after every metadata key and before {@link #USER_END}, so a scan of user
 * keys bounded by {@code [0x01, 0x02)} can never meet metadata, whatever bytes the user key holds.
 */
final class StateLayout {

    /** The layout described here; stored so that a later, different layout is recognised. */
    static final byte FORMAT_VERSION = 1;

    static final byte USER_PREFIX = 0x01;

    /** The exclusive upper bound of all user keys. */
    static final byte[] USER_END = {USER_PREFIX + 1};

    static final byte[] FORMAT_KEY = {0x00, 'f'};
    /** Value: u64 applied index, u64 applied term (big-endian). */
    static final byte[] APPLIED_KEY = {0x00, 'a'};
    /** Value: {@code Membership.encode()}. */
    static final byte[] MEMBERSHIP_KEY = {0x00, 'm'};

    /** Prefix of the raised alarms: {@code ALARM_PREFIX | u64 memberId | u8 type}; value: the detail, UTF-8. */
    static final byte[] ALARM_PREFIX = {0x00, 'A'};
    /** The exclusive upper bound of the alarm keys. */
    static final byte[] ALARM_END = {0x00, 'A' + 1};

    static final int APPLIED_VALUE_BYTES = 16;

    private StateLayout() {
    }

    static byte[] userKey(byte[] key) {
        byte[] stored = new byte[key.length + 1];
        stored[0] = USER_PREFIX;
        System.arraycopy(key, 0, stored, 1, key.length);
        return stored;
    }

    static byte[] stripUserPrefix(byte[] stored) {
        byte[] key = new byte[stored.length - 1];
        System.arraycopy(stored, 1, key, 0, key.length);
        return key;
    }

    static byte[] alarmKey(long memberId, Alarm.Type type) {
        return ByteBuffer.allocate(ALARM_PREFIX.length + 9).put(ALARM_PREFIX).putLong(memberId)
                .put((byte) type.code()).array();
    }

    /** The alarm a key under {@link #ALARM_PREFIX} and its value describe, or {@code null} if the key is not one. */
    static Alarm alarm(byte[] key, byte[] value) {
        if (key.length != ALARM_PREFIX.length + 9) {
            return null;
        }
        ByteBuffer in = ByteBuffer.wrap(key, ALARM_PREFIX.length, 9);
        long memberId = in.getLong();
        Alarm.Type type = Alarm.Type.fromCode(Byte.toUnsignedInt(in.get()));
        return type == null ? null : new Alarm(memberId, type, new String(value, java.nio.charset.StandardCharsets.UTF_8));
    }

    static byte[] encodeApplied(long index, long term) {
        return ByteBuffer.allocate(APPLIED_VALUE_BYTES).putLong(index).putLong(term).array();
    }

    /** The applied index in a value of {@link #APPLIED_KEY}; 0 when nothing was applied (no value). */
    static long appliedIndex(byte[] value) {
        return value == null ? 0 : ByteBuffer.wrap(value).getLong(0);
    }

    static long appliedTerm(byte[] value) {
        return value == null ? 0 : ByteBuffer.wrap(value).getLong(8);
    }
}
