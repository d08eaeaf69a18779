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
 * is wherever it is read. Why two families, and why they are flushed atomically (no write syncs the WAL), is
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
 * 0x01 | key                       current record: u8 state (0 live, 1 deleted) | u64 create | u64 mod
 *                                         | u64 version | u64 lease | chain | value
 * 0x02 | u64 revision | u32 sub    (events family) event: u8 type (0 put, 1 delete) | u32 n | n bytes key
 *                                         | links | for a put: u64 create | u64 version | u64 lease | value
 * 0x04 | u64 lease id              u64 granted TTL in seconds
 * 0x05 | u64 lease id | key        (empty): the key is attached to the lease
 *
 * chain: u64 changes n | popcount(n) x (u64 revision | u32 sub), the newest change's first: {@link ChangeChain}
 * links: u64 previous revision | u32 sub | u64 jump revision | u32 sub   (revision 0: none)
 * </pre>
 *
 * <p>A revision is the index of the log entry that made the change; {@code sub} orders the changes
 * one entry made (a batch, a transaction, a revoke deleting several keys). A current read is one
 * get of the current record. A key's changes form a chain back from its current record: each event
 * links to the key's previous change and to one further back ({@link ChangeChain}), so a read at a
 * past revision walks a few events per key instead of reading a per-key index, which every put
 * would have had to insert at a random place in RocksDB's memtable as well as the current record.
 * A deleted key keeps a current record in state "deleted" as the head of its chain until the history
 * below its delete is purged. A watch catching up walks the events by revision.
 *
 * <p>Every current record sorts after every metadata key and before {@link #USER_END}, so a scan of
 * current records bounded by {@code [0x01, 0x02)} can never meet anything else, whatever bytes the
 * user key holds.
 */
final class StateLayout {

    /** The layout described here; stored so that a later, different layout is recognised. */
    static final byte FORMAT_VERSION = 4;

    static final byte USER_PREFIX = 0x01;
    static final byte EVENT_PREFIX = 0x02;
    static final byte LEASE_PREFIX = 0x04;
    static final byte ATTACHMENT_PREFIX = 0x05;

    /** The exclusive upper bound of all current records. */
    static final byte[] USER_END = {USER_PREFIX + 1};
    static final byte[] EVENT_END = {EVENT_PREFIX + 1};
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

    static final byte RECORD_LIVE = 0;
    static final byte RECORD_DELETED = 1;
    /** state, create, mod, version and lease ahead of a current record's chain. */
    private static final int RECORD_FIXED_BYTES = 1 + 8 * 4;
    static final byte TYPE_PUT = 0;
    static final byte TYPE_DELETE = 1;
    static final int POSITION_BYTES = ChangeChain.POSITION_BYTES;
    private static final int LINKS_BYTES = ChangeChain.Links.BYTES;

    private StateLayout() {
    }

    // ---- current records

    static byte[] userKey(byte[] key) {
        return prefixed(USER_PREFIX, key);
    }

    static byte[] stripUserPrefix(byte[] stored) {
        return Arrays.copyOfRange(stored, 1, stored.length);
    }

    /** The current record of a key that is {@code kv} after the change {@code chain} ends with. */
    static byte[] encodeLiveRecord(VersionedKeyValue kv, ChangeChain chain) {
        ByteBuffer out = ByteBuffer.allocate(RECORD_FIXED_BYTES + chain.encodedLength() + kv.value().length);
        out.put(RECORD_LIVE).putLong(kv.createRevision()).putLong(kv.modRevision()).putLong(kv.version())
                .putLong(kv.lease());
        chain.encode(out);
        return out.put(kv.value()).array();
    }

    /**
     * The current record of a key whose newest change, the one {@code chain} ends with, deleted it: the
     * head of its history until that is purged.
     */
    static byte[] encodeDeletedRecord(ChangeChain chain) {
        ByteBuffer out = ByteBuffer.allocate(RECORD_FIXED_BYTES + chain.encodedLength());
        out.put(RECORD_DELETED).putLong(0).putLong(chain.newestRevision()).putLong(0).putLong(0);
        chain.encode(out);
        return out.array();
    }

    /** Whether a current record says the key is deleted (it is only the head of the key's history). */
    static boolean isDeleted(byte[] record) {
        return record[0] == RECORD_DELETED;
    }

    /** The revision of the key's newest change (for a deleted key, its delete). */
    static long recordRevision(byte[] record) {
        return ByteBuffer.wrap(record).getLong(1 + 8);
    }

    static int recordSub(byte[] record) {
        return ByteBuffer.wrap(record).getInt(RECORD_FIXED_BYTES + 8 + 8);
    }

    static ChangeChain recordChain(byte[] record) {
        return ChangeChain.decode(ByteBuffer.wrap(record, RECORD_FIXED_BYTES, record.length - RECORD_FIXED_BYTES));
    }

    /** The value of a live current record, without its metadata. */
    static byte[] recordValue(byte[] record) {
        return Arrays.copyOfRange(record, valueOffset(record), record.length);
    }

    /** A live current record as the key-value it says. */
    static VersionedKeyValue decodeRecord(byte[] key, byte[] record) {
        ByteBuffer in = ByteBuffer.wrap(record);
        return new VersionedKeyValue(key, recordValue(record), in.getLong(1), in.getLong(1 + 8), in.getLong(1 + 16),
                in.getLong(1 + 24));
    }

    private static int valueOffset(byte[] record) {
        return RECORD_FIXED_BYTES + ChangeChain.encodedLength(ByteBuffer.wrap(record).getLong(RECORD_FIXED_BYTES));
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

    static int eventSub(byte[] eventKey) {
        return ByteBuffer.wrap(eventKey).getInt(1 + 8);
    }

    /** The event of a put that left the key as {@code kv}, linked back through {@code links}. */
    static byte[] encodePutEvent(VersionedKeyValue kv, ChangeChain.Links links) {
        ByteBuffer out = ByteBuffer.allocate(1 + 4 + kv.key().length + LINKS_BYTES + 24 + kv.value().length)
                .put(TYPE_PUT).putInt(kv.key().length).put(kv.key());
        links.encode(out);
        return out.putLong(kv.createRevision()).putLong(kv.version()).putLong(kv.lease()).put(kv.value()).array();
    }

    static byte[] encodeDeleteEvent(byte[] key, ChangeChain.Links links) {
        ByteBuffer out = ByteBuffer.allocate(1 + 4 + key.length + LINKS_BYTES).put(TYPE_DELETE).putInt(key.length)
                .put(key);
        links.encode(out);
        return out.array();
    }

    static boolean isDeleteEvent(byte[] event) {
        return event[0] == TYPE_DELETE;
    }

    /** Where an event's key changed before it, and further back. */
    static ChangeChain.Links eventLinks(byte[] event) {
        ByteBuffer in = ByteBuffer.wrap(event);
        in.position(1 + 4 + in.getInt(1));
        return ChangeChain.Links.decode(in);
    }

    /** The key an event changed. */
    static byte[] eventKeyOf(byte[] event) {
        ByteBuffer in = ByteBuffer.wrap(event);
        return Arrays.copyOfRange(event, 5, 5 + in.getInt(1));
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
        in.position(in.position() + LINKS_BYTES);
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
