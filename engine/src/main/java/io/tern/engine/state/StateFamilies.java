package io.tern.engine.state;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;

/**
 * The state's database and its two column families: the events of the history, and everything else.
 *
 * <p>Events are keyed by revision, so each new one sorts after all that exist. In a family of their
 * own, the table files a flush makes never overlap one another, and RocksDB moves them down the levels
 * without rewriting them. Sharing a family with the current records (keys in random order), every
 * flushed file spanned the whole keyspace, and compaction rewrote the events, values and all, at every
 * level (measured: a third of the CPU a put costs a member; see bench/README.md).
 *
 * <p>Atomic flush keeps the two families at one point in history. No write syncs the WAL, so what
 * survives a power cut for certain is what was flushed; flushed one family at a time, a power cut could
 * leave a current record without its event, or the applied index ahead of the events it covers. An
 * open flushes whatever it recovered from the WAL (RocksDB's default, set here because
 * {@link RocksStateStore#durableAppliedIndex()} counts on it): the recovered writes are then as durable
 * as the rest, and the next open has no WAL to read.
 */
final class StateFamilies implements AutoCloseable {

    private static final byte[] EVENTS_NAME = "events".getBytes(StandardCharsets.UTF_8);

    private final DBOptions dbOptions;
    private final ColumnFamilyOptions familyOptions;
    private final RocksDB db;
    private final ColumnFamilyHandle main;
    private final ColumnFamilyHandle events;

    private StateFamilies(DBOptions dbOptions, ColumnFamilyOptions familyOptions, RocksDB db,
                          ColumnFamilyHandle main, ColumnFamilyHandle events) {
        this.dbOptions = dbOptions;
        this.familyOptions = familyOptions;
        this.db = db;
        this.main = main;
        this.events = events;
    }

    /** Opens the database in {@code dir}, creating it, or the events family, if missing. */
    static StateFamilies open(Path dir) throws RocksDBException {
        DBOptions dbOptions = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true)
                .setAtomicFlush(true).setAvoidFlushDuringRecovery(false)
                // RocksDB would reserve 1.1 memtables (70 MB) of disk for each WAL file up front: on a
                // small disk that alone set off the member's low-space alarm. (The option covers table
                // files too, which are written in one go anyway.)
                .setAllowFAllocate(false)
                // A flush wrote its table files (about 90 MB under load) and synced each at its end: a
                // burst of writeback on the disk the log syncs on, and the seconds with a flush had
                // the worst p99s. Written back a megabyte at a time, it is spread out (bench/README.md).
                .setBytesPerSync(1 << 20);
        ColumnFamilyOptions familyOptions = new ColumnFamilyOptions();
        List<ColumnFamilyHandle> handles = new ArrayList<>(2);
        try {
            RocksDB db = RocksDB.open(dbOptions, dir.toString(), List.of(
                    new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, familyOptions),
                    new ColumnFamilyDescriptor(EVENTS_NAME, familyOptions)), handles);
            return new StateFamilies(dbOptions, familyOptions, db, handles.get(0), handles.get(1));
        } catch (RocksDBException | RuntimeException e) {
            dbOptions.close();
            familyOptions.close();
            throw e;
        }
    }

    RocksDB db() {
        return db;
    }

    /** The current records, leases and metadata: everything but the events. */
    ColumnFamilyHandle main() {
        return main;
    }

    /** The events, keyed {@code 0x02 | u64 revision | u32 sub} as in {@link StateLayout}. */
    ColumnFamilyHandle events() {
        return events;
    }

    /** Both families, for the calls that must cover the whole state (flush, compaction, size). */
    List<ColumnFamilyHandle> all() {
        return List.of(main, events);
    }

    @Override
    public void close() {
        events.close();
        main.close();
        db.close();
        familyOptions.close();
        dbOptions.close();
    }
}
