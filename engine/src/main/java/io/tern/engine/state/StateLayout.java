package io.tern.engine.state;

import io.tern.kv.Bytes;
import io.tern.kv.VersionedKeyValue;
import io.tern.kv.WatchEvent;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * How the applied state is laid out in RocksDB's keyspace.
 *
 * <p>The events ({@code 0x02}) live in a column family of their own, everything else in the default
 * one, told apart by a one-byte prefix; the events keep their prefix there too, so a key says what it
 * is wherever it is read. Why two families, and why they are flushed atomically (the WAL is off), is
 * {@link StateFamilies}'s story. All integers are big-endian, so numeric order is byte order.
 *
 * <pre>
 * 0x00 'f'                         format version (u8 {@link #FORMAT_VERSION})
 * 0x00 'a'                         u64 applied index | u64 applied term
 * 0x00 'm'                         membership
 * 0x00 'A' | u64 member | u8 type  alarm detail (UTF-8)
 * 0x00 'c'                         u64 compaction revision (absent: 0)
 * 0x00 'p'                         u64 revision below which superseded history is deleted (absent: 0)
 * 0x00 'u'                         the auth state ({@code AuthState.encode()}; absent: never changed, off)
 * 0x01 | key                       current record: u64 create | u64 mod | u64 version | u64 lease | value
 * 0x02 | u64 revision | u32 sub    (events family) event: u8 type (0 put, 1 delete) | u32 n | n bytes key
 *                                         | for a put: u64 create | u64 version | u64 lease | value
 * 0x03 | escaped key | u64 revision | u32 sub    u8 type: the per-key index of the events
 * 0x04 | u64 lease id              u64 granted TTL in seconds
 * 0x05 | u64 lease id | key        (empty): the key is attached to the lease
 * </pre>
 *
 * <p>A revision is the index of the log entry that made the change; {@code sub} orders the changes
 * one entry made (a batch, a transaction, a revoke deleting several keys). A current read is one
 * get of the current record; a read at a past revision finds each key's newest index entry at or
 * below it and reads that event; a watch catching up walks the events by revision.
 *
 * <p>The index escapes keys so that they sort as the keys do and none is a prefix of another: each
 * 0x00 byte becomes 0x00 0xFF and the key ends with 0x00 0x01. The unterminated escape of a range's
 * bounds therefore bounds exactly the index entries of the range's keys.
 *
 * <p>Every current record sorts after every metadata key and before {@link #USER_END}, so a scan of
 * current records bounded by {@code [0x01, 0x02)} can never meet anything else, whatever bytes the
 * user key holds.
 */
final class StateLayout {

    /** The layout described here; stored so that a later, different layout is recognised. */
    static final byte FORMAT_VERSION = 3;

    static final byte USER_PREFIX = 0x01;
    static final byte EVENT_PREFIX = 0x02;
    static final byte INDEX_PREFIX = 0x03;
    static final byte LEASE_PREFIX = 0x04;
    static final byte ATTACHMENT_PREFIX = 0x05;

    /** The exclusive upper bound of all current records. */
    static final byte[] USER_END = {USER_PREFIX + 1};
    static final byte[] EVENT_END = {EVENT_PREFIX + 1};
    static final byte[] INDEX_START = {INDEX_PREFIX};
    static final byte[] INDEX_END = {INDEX_PREFIX + 1};
    static final byte[] LEASE_START = {LEASE_PREFIX};
    static final byte[] LEASE_END = {LEASE_PREFIX + 1};

    static final byte[] FORMAT_KEY = {0x00, 'f'};
    /** Value: u64 applied index, u64 applied term (big-endian). */
    static final byte[] APPLIED_KEY = {0x00, 'a'};
    /** Value: {@code Membership.encode()}. */
    static final byte[] MEMBERSHIP_KEY = {0x00, 'm'};
    /** Value: u64 compaction revision; absent before the first compaction. */
    static final byte[] COMPACTION_KEY = {0x00, 'c'};
    /**
     * Value: u64 revision; absent before the first purge. Written by {@link HistoryCompactor} when a pass
     * is complete, not by the applier: members may differ here while passes are under way.
     */
    static final byte[] PURGED_KEY = {0x00, 'p'};

    /**
     * Value: the whole auth state (users with password hashes, roles, enabled). Added without a format
     * change: a state written before it has no such key and reads as authentication off.
     */
    static final byte[] AUTH_KEY = {0x00, 'u'};

    /** Prefix of the raised alarms: {@code ALARM_PREFIX | u64 memberId | u8 type}; value: the detail, UTF-8. */
    static final byte[] ALARM_PREFIX = {0x00, 'A'};
    /** The exclusive upper bound of the alarm keys. */
    static final byte[] ALARM_END = {0x00, 'A' + 1};

    static final int APPLIED_VALUE_BYTES = 16;

    /** create, mod, version and lease ahead of the value in a current record. */
    static final int RECORD_HEADER_BYTES = 32;
    static final byte TYPE_PUT = 0;
    static final byte TYPE_DELETE = 1;
    /** u64 revision | u32 sub after a prefix or an escaped key. */
    static final int POSITION_BYTES = 12;

    private StateLayout() {
    }

    // ---- current records

    static byte[] userKey(byte[] key) {
        return prefixed(USER_PREFIX, key);
    }

    static byte[] stripUserPrefix(byte[] stored) {
        return Arrays.copyOfRange(stored, 1, stored.length);
    }

    static byte[] encodeRecord(long createRevision, long modRevision, long version, long lease, byte[] value) {
        return ByteBuffer.allocate(RECORD_HEADER_BYTES + value.length).putLong(createRevision).putLong(modRevision)
                .putLong(version).putLong(lease).put(value).array();
    }

    /** The value of a current record, without its metadata. */
    static byte[] recordValue(byte[] record) {
        return Arrays.copyOfRange(record, RECORD_HEADER_BYTES, record.length);
    }

    static VersionedKeyValue decodeRecord(byte[] key, byte[] record) {
        ByteBuffer in = ByteBuffer.wrap(record);
        return new VersionedKeyValue(key, recordValue(record), in.getLong(0), in.getLong(8), in.getLong(16),
                in.getLong(24));
    }

    // ---- events, by revision

    static byte[] eventKey(long revision, int sub) {
        return ByteBuffer.allocate(1 + POSITION_BYTES).put(EVENT_PREFIX).putLong(revision).putInt(sub).array();
    }

    /** The first event key at or after {@code revision}. */
    static byte[] eventKey(long revision) {
        return eventKey(revision, 0);
    }

    static long eventRevision(byte[] eventKey) {
        return ByteBuffer.wrap(eventKey).getLong(1);
    }

    static byte[] encodePutEvent(VersionedKeyValue kv) {
        return ByteBuffer.allocate(1 + 4 + kv.key().length + 24 + kv.value().length).put(TYPE_PUT)
                .putInt(kv.key().length).put(kv.key()).putLong(kv.createRevision()).putLong(kv.version())
                .putLong(kv.lease()).put(kv.value()).array();
    }

    static byte[] encodeDeleteEvent(byte[] key) {
        return ByteBuffer.allocate(1 + 4 + key.length).put(TYPE_DELETE).putInt(key.length).put(key).array();
    }

    /**
     * The change an event records. A delete's kv has the key, the delete's revision as mod revision,
     * an empty value and zero metadata, as {@link WatchEvent} says.
     */
    static WatchEvent decodeEvent(long revision, byte[] event) {
        ByteBuffer in = ByteBuffer.wrap(event);
        byte type = in.get();
        byte[] key = new byte[in.getInt()];
        in.get(key);
        if (type == TYPE_DELETE) {
            return new WatchEvent(WatchEvent.Type.DELETE, new VersionedKeyValue(key, Bytes.EMPTY, 0, revision, 0, 0),
                    null);
        }
        long create = in.getLong();
        long version = in.getLong();
        long lease = in.getLong();
        byte[] value = new byte[in.remaining()];
        in.get(value);
        return new WatchEvent(WatchEvent.Type.PUT, new VersionedKeyValue(key, value, create, revision, version, lease),
                null);
    }

    // ---- the per-key index

    /** The escape of {@code key} with its terminator: the prefix of every index entry of the key. */
    static byte[] indexKeyPrefix(byte[] key) {
        ByteBuffer out = ByteBuffer.allocate(1 + escapedLength(key) + 2);
        out.put(INDEX_PREFIX);
        putEscapedBody(out, key);
        return out.put((byte) 0).put((byte) 1).array();
    }

    static byte[] indexKey(byte[] key, long revision, int sub) {
        ByteBuffer out = ByteBuffer.allocate(1 + escapedLength(key) + 2 + POSITION_BYTES);
        out.put(INDEX_PREFIX);
        putEscapedBody(out, key);
        return out.put((byte) 0).put((byte) 1).putLong(revision).putInt(sub).array();
    }

    /**
     * The index bound for a range bound: the escaped key without its terminator (every key at or
     * above {@code key} has index entries at or above it, every key below has them all below).
     */
    static byte[] indexBound(byte[] key) {
        ByteBuffer out = ByteBuffer.allocate(1 + escapedLength(key));
        out.put(INDEX_PREFIX);
        putEscapedBody(out, key);
        return out.array();
    }

    /** The length of the prefix ({@link #indexKeyPrefix}) of an index entry's key. */
    static int indexPrefixLength(byte[] indexKey) {
        for (int i = 1; i + 1 < indexKey.length; i++) {
            if (indexKey[i] == 0) {
                if (indexKey[i + 1] == 1) {
                    return i + 2;
                }
                i++; // an escaped 0x00: skip its 0xFF
            }
        }
        throw new IllegalStateException("an index key without a terminator: " + Bytes.show(indexKey));
    }

    /** The user key an index entry's key belongs to, given its {@link #indexPrefixLength}. */
    static byte[] unescapeIndexKey(byte[] indexKey, int prefixLength) {
        ByteBuffer out = ByteBuffer.allocate(prefixLength - 3);
        for (int i = 1; i < prefixLength - 2; i++) {
            out.put(indexKey[i]);
            if (indexKey[i] == 0) {
                i++;
            }
        }
        return Arrays.copyOf(out.array(), out.position());
    }

    /** The smallest index key above every entry whose key prefix is {@code prefix} (a terminated escape). */
    static byte[] afterIndexPrefix(byte[] prefix) {
        byte[] after = prefix.clone();
        after[after.length - 1]++;
        return after;
    }

    static long indexRevision(byte[] indexKey) {
        return ByteBuffer.wrap(indexKey).getLong(indexKey.length - POSITION_BYTES);
    }

    static int indexSub(byte[] indexKey) {
        return ByteBuffer.wrap(indexKey).getInt(indexKey.length - 4);
    }

    private static int escapedLength(byte[] key) {
        int length = key.length;
        for (byte b : key) {
            if (b == 0) {
                length++;
            }
        }
        return length;
    }

    private static void putEscapedBody(ByteBuffer out, byte[] key) {
        for (byte b : key) {
            out.put(b);
            if (b == 0) {
                out.put((byte) 0xFF);
            }
        }
    }

    // ---- leases

    static byte[] leaseKey(long id) {
        return ByteBuffer.allocate(9).put(LEASE_PREFIX).putLong(id).array();
    }

    static long leaseId(byte[] leaseKey) {
        return ByteBuffer.wrap(leaseKey).getLong(1);
    }

    static byte[] encodeLong(long value) {
        return ByteBuffer.allocate(8).putLong(value).array();
    }

    static long decodeLong(byte[] value) {
        return ByteBuffer.wrap(value).getLong();
    }

    static byte[] attachmentKey(long leaseId, byte[] key) {
        return ByteBuffer.allocate(9 + key.length).put(ATTACHMENT_PREFIX).putLong(leaseId).put(key).array();
    }

    /** The first attachment key of lease {@code id}; {@code attachmentsEnd(id)} bounds them above. */
    static byte[] attachmentsStart(long leaseId) {
        return attachmentKey(leaseId, Bytes.EMPTY);
    }

    static byte[] attachmentsEnd(long leaseId) {
        return leaseId == -1 ? new byte[] {ATTACHMENT_PREFIX + 1} : attachmentKey(leaseId + 1, Bytes.EMPTY);
    }

    static byte[] attachedKey(byte[] attachmentKey) {
        return Arrays.copyOfRange(attachmentKey, 9, attachmentKey.length);
    }

    // ---- metadata

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

    /** The compaction revision in a value of {@link #COMPACTION_KEY}; 0 when there is none. */
    static long compactionRevision(byte[] value) {
        return value == null ? 0 : decodeLong(value);
    }

    private static byte[] prefixed(byte prefix, byte[] key) {
        byte[] stored = new byte[key.length + 1];
        stored[0] = prefix;
        System.arraycopy(key, 0, stored, 1, key.length);
        return stored;
    }
}
