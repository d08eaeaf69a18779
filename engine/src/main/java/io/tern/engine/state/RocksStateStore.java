package io.tern.engine.state;

import io.tern.kv.KeyValue;
import io.tern.kv.KeyRange;
import io.tern.kv.Permission;
import io.tern.kv.Bytes;
import io.tern.kv.RangeRequest;
import io.tern.kv.WatchEvent;
import io.tern.engine.CorruptStorageException;
import io.tern.engine.auth.AuthRefusedException;
import io.tern.engine.auth.AuthState;
import io.tern.engine.auth.RequiredAccess;
import io.tern.engine.StorageException;
import io.tern.raft.types.Membership;
import io.tern.engine.io.DurableFiles;
import io.tern.raft.types.EntryKind;
import io.tern.raft.types.LogEntry;

import org.rocksdb.AbstractWriteBatch;
import org.rocksdb.Checkpoint;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.CompactRangeOptions;
import org.rocksdb.FlushOptions;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteBatchWithIndex;
import org.rocksdb.WriteOptions;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The applied state of the replicated log, kept in RocksDB: the user's keys with etcd's metadata
 * (versions, create and mod revisions, leases), every change since the compaction revision, the
 * leases, and the index, term and membership of the last applied entry ({@link StateLayout}).
 *
 * <p><b>Durability.</b> The Raft log is the source of truth: after a crash the engine replays it from
 * {@link #appliedIndex()} as reopened. The applied index is written in the same batch as the data it
 * covers, so the two never disagree. Each batch also goes to RocksDB's WAL, which no write syncs
 * (RocksDB syncs a closed WAL file only before a flush that covers it): a killed process leaves it
 * whole (the kernel holds what was written), so a restart finds every applied write, where replaying
 * a memtable's worth from the log in a JVM just started took seconds. A power
 * cut may keep only a prefix of the WAL; RocksDB then recovers to the last whole batch, and the log
 * replays the rest. What survives a power cut for certain is what was flushed to table files:
 * {@link #durableAppliedIndex()} says how far, and the log must not be compacted past it.
 * {@link #flush()}, {@link #checkpoint(Path)}, a clean {@link #close()} and an open (which flushes
 * what the WAL held) move it forward; RocksDB's own flushes are only ever more durable than reported.
 *
 * <p><b>Threads.</b> One thread (the applier) calls {@link #apply(List)}. Reads ({@link #get},
 * {@link #scan}), the accessors, {@link #flush()} and {@link #checkpoint(Path)} may be called from
 * any thread, concurrently with each other and with apply. Each read sees one consistent snapshot,
 * never part of an apply. {@link #close()} waits for calls in progress and makes later calls fail
 * with {@link IllegalStateException} (a RocksDB handle used after close would crash the JVM).
 *
 * <p><b>Errors.</b> RocksDB failures surface as {@link StorageException} naming the directory;
 * misuse (a gap or a repeat in the applied indexes, a closed store) as {@link IllegalStateException}.
 */
public final class RocksStateStore implements AutoCloseable {

    /** The most pairs one scan returns; a limit of 0 asks for this many. */
    public static final int MAX_SCAN_LIMIT = 1000;
    /** Deleted records the history purge has the applier drop per hold of its lock. */
    private static final int DROPS_PER_LOCK = 256;

    /** How long a full compaction waits for the history purge it follows. */
    private static final long PURGE_WAIT_MILLIS = 60_000;

    static {
        RocksNativeLibrary.load();
    }

    private final Path dir;
    private final StateFamilies families;
    private final RocksDB db;
    /** Chosen once: to the WAL, unsynced, because the Raft log already holds every write durably. */
    private final WriteOptions writeOptions;
    /** Used by the applier only, under {@link #applyLock}. */
    private final ReadOptions applyReadOptions;
    private final CommandApplier commandApplier;
    private final HistoryCompactor historyCompactor;

    /**
     * Keeps apply and checkpoint apart, so that a checkpoint and the point it reports describe the
     * same moment; also keeps two callers of apply from interleaving if the single-applier rule is
     * ever broken.
     */
    private final Lock applyLock = new ReentrantLock();
    /** Read side: any call that uses the database; write side: close. */
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private boolean closed;

    /** Replaced as a whole after each write, so readers see index, term and membership in step. */
    private volatile StatePoint applied;
    /** The raised alarms, by member and type; replaced as a whole after a write that changes them. */
    private volatile List<Alarm> alarms;
    /** The auth state as of {@link #applied}; replaced, never changed, by the applier. */
    private volatile AuthState auth;
    private final AtomicLong durableAppliedIndex;

    private RocksStateStore(Path dir, StateFamilies families) throws RocksDBException {
        this.dir = dir;
        this.families = families;
        this.db = families.db();
        this.writeOptions = new WriteOptions().setSync(false);
        this.applyReadOptions = new ReadOptions();
        try {
            checkFormat();
            this.commandApplier = new CommandApplier(families, applyReadOptions, writeOptions);
            this.applied = loadPoint();
            this.alarms = loadAlarms();
            this.auth = loadAuth();
        } catch (RocksDBException | RuntimeException e) {
            writeOptions.close();
            applyReadOptions.close();
            throw e;
        }
        this.historyCompactor = new HistoryCompactor(this::whileOpen, this::dropDeletedRecords, families, writeOptions,
                dir.toString());
        // The open flushed what the WAL held (StateFamilies), so all that the database holds is in table files.
        this.durableAppliedIndex = new AtomicLong(applied.index());
        historyCompactor.requestPass(); // a pass cut short before a crash or close is run again
    }

    /**
     * Opens the state in {@code dir}, creating an empty one (applied index 0) if there is none.
     *
     * @throws StorageException if the directory cannot be opened (in use by another store, unreadable,
     *     written by an incompatible version, corrupt metadata)
     */
    public static RocksStateStore open(Path dir) {
        Path absolute = dir.toAbsolutePath();
        try {
            Files.createDirectories(absolute);
        } catch (IOException e) {
            throw new StorageException("cannot create the state directory " + absolute + ": " + e.getMessage(), e);
        }
        StateFamilies families = null;
        try {
            families = StateFamilies.open(absolute);
            return new RocksStateStore(absolute, families);
        } catch (RocksDBException e) {
            closeQuietly(families);
            throw failure(absolute, "cannot open", e);
        } catch (RuntimeException e) {
            closeQuietly(families);
            throw e;
        }
    }

    /**
     * Applies a run of consecutive committed entries, starting right after {@link #appliedIndex()}.
     * Each entry sees the effects of the entries before it in the run. The run is written as few
     * atomic RocksDB writes, each recording the index and term of its last entry: usually one; a command
     * that reads more than single keys' current records (a range, a lease, a compaction) is written
     * on its own, after what precedes it (see {@code RunWriter}).
     *
     * <p>A COMMAND entry is decoded and executed; a NOOP only advances the index; a CONFIG entry
     * replaces the membership and drops the alarms of members it removes. The whole run is refused,
     * with nothing written, if any entry is out of order or cannot be decoded: both mean a bug upstream
     * or a log written by a newer version, and skipping an entry would make this replica diverge from
     * the others.
     *
     * @return one result per entry, in order: what the command did, or {@link CommandResult.NoResult}
     *     for NOOP and CONFIG entries
     * @throws IllegalStateException if an entry's index is not the next one, its term is lower than
     *     the term before it, or its payload cannot be decoded
     * @throws StorageException if RocksDB fails; the entries written before the failure stay applied
     *     ({@link #appliedIndex()} says how far), the rest is not
     */
    public List<CommandResult> apply(List<LogEntry> entries) {
        return apply(entries, null);
    }

    /**
     * Like {@link #apply(List)}, and adds to {@code events} (unless {@code null}) every key change the
     * run made, in revision order, each with the key as it was before ({@code prevKv}) where it existed.
     */
    public List<CommandResult> apply(List<LogEntry> entries, List<WatchEvent> events) {
        Objects.requireNonNull(entries, "entries");
        if (entries.isEmpty()) {
            return List.of();
        }
        lifecycle.readLock().lock();
        applyLock.lock();
        try {
            ensureOpen();
            List<Command> commands = checkedCommands(entries);
            RunWriter run = new RunWriter(applied);
            List<CommandResult> results = new ArrayList<>(entries.size());
            try {
                for (int i = 0; i < entries.size(); i++) {
                    LogEntry entry = entries.get(i);
                    switch (entry.kind()) {
                        case COMMAND -> results.add(applyCommand(commands.get(i), entry, run, events));
                        case NOOP -> results.add(new CommandResult.NoResult());
                        case CONFIG -> {
                            run.membership = decodeMembership(entry);
                            run.plainBatch().put(StateLayout.MEMBERSHIP_KEY, run.membership.encode());
                            run.alarmsAfter = dropAlarmsOfNonMembers(run.alarmsAfter, run.membership, run.plainBatch());
                            results.add(new CommandResult.NoResult());
                        }
                    }
                    run.index = entry.index();
                    run.term = entry.term();
                }
                run.write();
            } catch (RocksDBException e) {
                throw failure(dir, "cannot apply entries " + entries.getFirst().index() + " to "
                        + entries.getLast().index(), e);
            } finally {
                run.dropUnwritten();
            }
            return results;
        } finally {
            applyLock.unlock();
            lifecycle.readLock().unlock();
        }
    }

    /**
     * Checks that {@code entries} follow the applied point in order and decodes their commands
     * ({@code null} for other kinds), before anything is written, so that a bad run writes nothing.
     */
    private List<Command> checkedCommands(List<LogEntry> entries) {
        List<Command> commands = new ArrayList<>(entries.size());
        long index = applied.index();
        long term = applied.term();
        for (LogEntry entry : entries) {
            checkNext(entry, index, term);
            commands.add(entry.kind() == EntryKind.COMMAND ? decodeCommand(entry) : null);
            index = entry.index();
            term = entry.term();
        }
        return commands;
    }

    private CommandResult applyCommand(Command command, LogEntry entry, RunWriter run, List<WatchEvent> events)
            throws RocksDBException {
        AuthState authNow = run.authAfter != null ? run.authAfter : auth;
        if (command instanceof Command.AsUser asUser) {
            if (authNow.enabled()) {
                if (asUser.command() instanceof Command.LeaseRevoke) {
                    run.write(); // the lease's keys are read from the database, with the run's earlier writes in it
                }
                String refusal = authNow.refusal(asUser.user(), requiredAccess(asUser.command()));
                if (refusal != null) {
                    return new CommandResult.Refused(CommandResult.Refusal.PERMISSION_DENIED, 0, refusal);
                }
            }
            command = asUser.command();
        }
        if (command instanceof Command.Auth change) {
            AuthState next;
            try {
                next = authNow.apply(change.change(), entry.index());
            } catch (AuthRefusedException e) {
                return new CommandResult.Refused(CommandResult.Refusal.AUTH_REFUSED, 0, e.getMessage());
            }
            run.plainBatch().put(StateLayout.AUTH_KEY, next.encode());
            run.authAfter = next;
            return new CommandResult.Written();
        }
        if (command instanceof Command.SetAlarm alarm && raisedForANonMember(alarm, run.membership)) {
            // Its member was removed after the leader took the request: nobody would ever clear it
            // (see dropAlarmsOfNonMembers).
            return new CommandResult.Written();
        }
        CommandResult result;
        if (CommandApplier.readsOnlyCurrentRecords(command)) {
            result = commandApplier.apply(command, entry.index(), run.plainBatch(), events);
        } else {
            // What came before is written first, so that the command's reads of the database see it;
            // the command's own writes are then read back through its indexed batch.
            run.write();
            result = commandApplier.apply(command, entry.index(), run.indexedBatch(), events);
            run.index = entry.index();
            run.term = entry.term();
            run.write();
            if (command instanceof Command.Compact && !(result instanceof CommandResult.Refused)) {
                historyCompactor.requestPass();
            }
        }
        if (command instanceof Command.SetAlarm alarm) {
            run.alarmsAfter = run.alarmsAfter != null ? run.alarmsAfter : alarmsByKey(alarms);
            changeAlarm(run.alarmsAfter, alarm);
        }
        return result;
    }

    /**
     * The writes of one run of entries, as one or more RocksDB batches. Commands that read only current
     * records share one plain batch, the cheapest to fill; any other command gets an indexed batch of
     * its own, written on its own ({@link #applyCommand}). Each batch written records the index and term
     * of its last entry with the data, so the state and its applied index never disagree, and
     * publishes that point.
     */
    private final class RunWriter {
        long index;
        long term;
        Membership membership;
        /** The alarms as changed by the run so far, or {@code null} while unchanged. */
        TreeMap<String, Alarm> alarmsAfter;
        /** The auth state as changed by the run so far, or {@code null} while unchanged. */
        AuthState authAfter;
        private AbstractWriteBatch batch;

        RunWriter(StatePoint start) {
            this.index = start.index();
            this.term = start.term();
            this.membership = start.membership();
        }

        AbstractWriteBatch plainBatch() {
            if (batch == null) {
                batch = new WriteBatch();
            }
            return batch;
        }

        AbstractWriteBatch indexedBatch() {
            if (batch != null) {
                throw new IllegalStateException("an indexed batch is opened only once the pending writes are written");
            }
            batch = new WriteBatchWithIndex(true);
            return batch;
        }

        /** Writes the pending batch (if any entry was applied since the last write) with the point reached. */
        void write() throws RocksDBException {
            if (index == applied.index()) {
                return;
            }
            AbstractWriteBatch writing = plainBatch();
            writing.put(StateLayout.APPLIED_KEY, StateLayout.encodeApplied(index, term));
            if (writing instanceof WriteBatchWithIndex indexed) {
                db.write(writeOptions, indexed);
            } else {
                db.write(writeOptions, (WriteBatch) writing);
            }
            batch = null;
            writing.close();
            commandApplier.batchWritten();
            applied = new StatePoint(index, term, membership);
            if (alarmsAfter != null) {
                alarms = List.copyOf(alarmsAfter.values());
            }
            if (authAfter != null) {
                auth = authAfter;
            }
        }

        /** After a failure: forgets what was not written. */
        void dropUnwritten() {
            if (batch != null) {
                batch.close();
                batch = null;
                commandApplier.batchDropped();
            }
        }
    }

    /** The index of the last applied entry; 0 if none. */
    public long appliedIndex() {
        return applied.index();
    }

    /** The term of the last applied entry; 0 if none. */
    public long appliedTerm() {
        return applied.term();
    }

    /** The auth state as of the applied index: users, roles, whether authentication is on. */
    public AuthState auth() {
        return auth;
    }

    /** The alarms raised and not cleared, ordered by member and type. */
    public List<Alarm> alarms() {
        return alarms;
    }

    /** The membership of the last applied CONFIG entry; {@link Membership#EMPTY} if none. */
    public Membership membership() {
        return applied.membership();
    }

    /** Index, term and membership of the last applied entry, read together. */
    public StatePoint appliedPoint() {
        return applied;
    }

    /**
     * The highest applied index that RocksDB has made durable: a crash now would reopen at least
     * here. The Raft log may be compacted up to this index, never beyond.
     */
    public long durableAppliedIndex() {
        return durableAppliedIndex.get();
    }

    /**
     * Reads one key.
     *
     * @return the value ({@code null} if absent) and the applied index of the state it was read from
     */
    public ReadResult get(byte[] key) {
        Objects.requireNonNull(key, "key");
        lifecycle.readLock().lock();
        try {
            ensureOpen();
            // The applied index is read from the database through the same snapshot as the value,
            // rather than from memory: the in-memory index is published after the write, so pairing
            // it with a value would need a lock shared with the applier on every read.
            try (SnapshotView view = new SnapshotView(db)) {
                long revision = StateLayout.appliedIndex(db.get(view.readOptions(), StateLayout.APPLIED_KEY));
                byte[] record = db.get(view.readOptions(), StateLayout.userKey(key));
                return new ReadResult(revision,
                        record == null || StateLayout.isDeleted(record) ? null : StateLayout.recordValue(record));
            }
        } catch (RocksDBException e) {
            throw failure(dir, "cannot read", e);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    /**
     * Reads the keys in {@code [startInclusive, endExclusive)} in ascending unsigned byte order.
     *
     * @param endExclusive the exclusive end; empty for no end
     * @param limit the most pairs to return; 0 or anything above {@link #MAX_SCAN_LIMIT} means
     *     {@link #MAX_SCAN_LIMIT}
     * @return the pairs, whether the limit cut the range short, and the applied index of the state
     *     they were read from (one snapshot for all of it)
     */
    public ScanResult scan(byte[] startInclusive, byte[] endExclusive, int limit) {
        return scan(startInclusive, endExclusive, limit, Long.MAX_VALUE);
    }

    /**
     * Like {@link #scan(byte[], byte[], int)}, but also stops (with {@code more}) before the keys and
     * values taken would pass {@code maxBytes}, so that one answer fits a frame. The first entry is
     * always taken, whatever its size, so a scan always makes progress.
     */
    public ScanResult scan(byte[] startInclusive, byte[] endExclusive, int limit, long maxBytes) {
        Objects.requireNonNull(startInclusive, "startInclusive");
        Objects.requireNonNull(endExclusive, "endExclusive");
        if (limit < 0) {
            throw new IllegalArgumentException("scan limit must not be negative, was " + limit);
        }
        int max = limit == 0 ? MAX_SCAN_LIMIT : Math.min(limit, MAX_SCAN_LIMIT);
        byte[] upper = endExclusive.length == 0 ? StateLayout.USER_END : StateLayout.userKey(endExclusive);
        lifecycle.readLock().lock();
        try {
            ensureOpen();
            // The bound's native slice must outlive the iterator, so it is opened first.
            try (Slice upperBound = new Slice(upper);
                 SnapshotView view = new SnapshotView(db)) {
                ReadOptions readOptions = view.readOptions().setIterateUpperBound(upperBound);
                long revision = StateLayout.appliedIndex(db.get(readOptions, StateLayout.APPLIED_KEY));
                List<KeyValue> entries = new ArrayList<>();
                boolean more = false;
                long bytes = 0;
                try (RocksIterator iterator = db.newIterator(readOptions)) {
                    for (iterator.seek(StateLayout.userKey(startInclusive)); iterator.isValid(); iterator.next()) {
                        if (StateLayout.isDeleted(iterator.value())) {
                            continue;
                        }
                        if (entries.size() == max) {
                            more = true;
                            break;
                        }
                        byte[] key = StateLayout.stripUserPrefix(iterator.key());
                        byte[] value = StateLayout.recordValue(iterator.value());
                        bytes += key.length + value.length;
                        if (bytes > maxBytes && !entries.isEmpty()) {
                            more = true;
                            break;
                        }
                        entries.add(new KeyValue(key, value));
                    }
                    iterator.status();
                }
                return new ScanResult(revision, entries, more);
            }
        } catch (RocksDBException e) {
            throw failure(dir, "cannot scan", e);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    /**
     * Reads the keys of {@code request}'s range at its revision (0: the applied index), with its
     * options, from one snapshot. A read at the applied index reads the current records; one at a past
     * revision walks each key's changes back from its current record.
     *
     * @param maxBytes the most bytes of keys and values in the answer, which always has at least one key
     * @throws CompactedRevisionException if the revision is below the compaction revision
     * @throws FutureRevisionException if the revision is above the applied index
     */
    public RangeResult range(RangeRequest request, long maxBytes) {
        Objects.requireNonNull(request, "request");
        return read("cannot read a range", (view, reads) -> {
            long applied = StateLayout.appliedIndex(db.get(view.readOptions(), StateLayout.APPLIED_KEY));
            long revision = request.revision();
            if (revision > applied) {
                throw new FutureRevisionException(applied);
            }
            if (revision != 0) {
                long compacted = reads.compactionRevision();
                if (revision < compacted) {
                    throw new CompactedRevisionException(compacted);
                }
            }
            boolean current = revision == 0 || revision == applied;
            return new RangeResult(current ? applied : revision,
                    RangeQuery.evaluate(reads, request, current ? 0 : revision, maxBytes));
        });
    }

    /**
     * The changes with revisions from {@code fromRevision} on, in order, from one snapshot: whole
     * revisions, stopping before the one that would pass {@code maxEvents} or {@code maxBytes} of keys
     * and values (the first revision is always taken whole).
     *
     * @param withPrevKv whether each event carries the key as it was before (when history still holds
     *     it, which it does for every change at or above the compaction revision)
     * @return the events and the revision to continue from: the applied index + 1 when caught up
     * @throws CompactedRevisionException if {@code fromRevision} is below the compaction revision
     */
    public HistoryBatch history(long fromRevision, int maxEvents, long maxBytes, boolean withPrevKv) {
        return read("cannot read history", (view, reads) -> {
            long compacted = reads.compactionRevision();
            if (fromRevision < compacted) {
                throw new CompactedRevisionException(compacted);
            }
            long applied = StateLayout.appliedIndex(db.get(view.readOptions(), StateLayout.APPLIED_KEY));
            if (fromRevision > applied) {
                return new HistoryBatch(List.of(), Math.max(fromRevision, applied + 1));
            }
            List<WatchEvent> events = new ArrayList<>();
            List<WatchEvent> pending = new ArrayList<>();
            long pendingRevision = -1;
            long bytes = 0;
            long pendingBytes = 0;
            try (RocksIterator iterator = db.newIterator(families.events(), view.readOptions())) {
                for (iterator.seek(StateLayout.eventKey(fromRevision)); iterator.isValid(); iterator.next()) {
                    byte[] eventKey = iterator.key();
                    if (Arrays.compareUnsigned(eventKey, StateLayout.EVENT_END) >= 0) {
                        break;
                    }
                    long revision = StateLayout.eventRevision(eventKey);
                    if (revision != pendingRevision && !pending.isEmpty()) {
                        if (!events.isEmpty() && (events.size() + pending.size() > maxEvents
                                || bytes + pendingBytes > maxBytes)) {
                            return new HistoryBatch(events, pendingRevision);
                        }
                        events.addAll(pending);
                        bytes += pendingBytes;
                        pending.clear();
                        pendingBytes = 0;
                        if (events.size() >= maxEvents || bytes >= maxBytes) {
                            return new HistoryBatch(events, pendingRevision + 1);
                        }
                    }
                    pendingRevision = revision;
                    byte[] stored = iterator.value();
                    WatchEvent event = StateLayout.decodeEvent(revision, stored);
                    if (withPrevKv) {
                        event = new WatchEvent(event.type(), event.kv(), reads.before(stored));
                    }
                    pending.add(event);
                    pendingBytes += event.kv().key().length + event.kv().value().length;
                }
                iterator.status();
            }
            if (!pending.isEmpty() && !events.isEmpty()
                    && (events.size() + pending.size() > maxEvents || bytes + pendingBytes > maxBytes)) {
                return new HistoryBatch(events, pendingRevision);
            }
            events.addAll(pending);
            return new HistoryBatch(events, applied + 1);
        });
    }

    /** The revision below which history is gone; 0 before the first compaction. */
    public long compactRevision() {
        return read("cannot read the compaction revision", (view, reads) -> reads.compactionRevision());
    }

    /** Every lease, in id order, without their keys. */
    public List<LeaseInfo> leases() {
        return read("cannot read the leases", (view, reads) -> {
            List<LeaseInfo> leases = new ArrayList<>();
            try (RocksIterator iterator = db.newIterator(view.readOptions())) {
                for (iterator.seek(StateLayout.LEASE_START); iterator.isValid(); iterator.next()) {
                    byte[] key = iterator.key();
                    if (Arrays.compareUnsigned(key, StateLayout.LEASE_END) >= 0) {
                        break;
                    }
                    leases.add(new LeaseInfo(StateLayout.leaseId(key), StateLayout.decodeLong(iterator.value()),
                            List.of()));
                }
                iterator.status();
            }
            return leases;
        });
    }

    /** Lease {@code id} with its keys in byte order, if it exists. */
    public Optional<LeaseInfo> lease(long id) {
        return read("cannot read lease " + id, (view, reads) -> {
            byte[] ttl = db.get(view.readOptions(), StateLayout.leaseKey(id));
            return ttl == null ? Optional.<LeaseInfo>empty()
                    : Optional.of(new LeaseInfo(id, StateLayout.decodeLong(ttl), reads.leaseKeys(id)));
        });
    }

    /** Runs {@code work} on the database unless the store is closed; says whether it ran. */
    private boolean whileOpen(HistoryCompactor.StoreWork work) throws RocksDBException {
        lifecycle.readLock().lock();
        try {
            if (closed) {
                return false;
            }
            work.run(db);
            return true;
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    /** The history purge's hand-off of deleted records to drop: current records are the applier's to write. */
    private boolean dropDeletedRecords(List<byte[]> userKeys) throws RocksDBException {
        // In slices, so that the applier never waits behind more than a few hundred reads.
        for (int from = 0; from < userKeys.size(); from += DROPS_PER_LOCK) {
            lifecycle.readLock().lock();
            applyLock.lock();
            try {
                if (closed) {
                    return false;
                }
                commandApplier.dropDeletedRecords(userKeys.subList(from, Math.min(userKeys.size(), from + DROPS_PER_LOCK)));
            } finally {
                applyLock.unlock();
                lifecycle.readLock().unlock();
            }
        }
        return true;
    }

    /** Waits until the history below the compaction revision is deleted (for tests). */
    void awaitHistoryPurged() throws InterruptedException {
        historyCompactor.awaitPurged(PURGE_WAIT_MILLIS);
    }

    /**
     * The CRC32C of the history up to {@code revision} (0: the applied index) as compaction leaves it
     * (see {@link StateHasher}), from one snapshot: equal on members that applied the same entries.
     *
     * @throws CompactedRevisionException if {@code revision} is below the compaction revision
     * @throws FutureRevisionException if {@code revision} is above the applied index
     */
    public KvHash hashKv(long revision) {
        if (revision < 0) {
            throw new IllegalArgumentException("the revision must not be negative, was " + revision);
        }
        return read("cannot hash the history", (view, reads) -> {
            long applied = StateLayout.appliedIndex(db.get(view.readOptions(), StateLayout.APPLIED_KEY));
            long compacted = reads.compactionRevision();
            if (revision > applied) {
                throw new FutureRevisionException(applied);
            }
            if (revision != 0 && revision < compacted) {
                throw new CompactedRevisionException(compacted);
            }
            long upTo = revision == 0 ? applied : revision;
            return new KvHash(StateHasher.history(families, view.readOptions(), compacted, upTo), compacted, upTo, applied);
        });
    }

    /** The CRC32C of the whole state as compaction leaves it (see {@link StateHasher}), from one snapshot. */
    public StateHash hash() {
        return read("cannot hash the state", (view, reads) -> {
            long applied = StateLayout.appliedIndex(db.get(view.readOptions(), StateLayout.APPLIED_KEY));
            return new StateHash(StateHasher.state(families, view.readOptions(), reads.compactionRevision(), applied), applied);
        });
    }

    /** What the state takes now: its table files and memtables, and the live data among them. */
    public StateSize size() {
        lifecycle.readLock().lock();
        try {
            ensureOpen();
            long memtables = db.getAggregatedLongProperty("rocksdb.cur-size-all-mem-tables");
            long tables = db.getAggregatedLongProperty("rocksdb.total-sst-files-size");
            long live = Math.min(tables, db.getAggregatedLongProperty("rocksdb.estimate-live-data-size"));
            return new StateSize(tables + memtables, live + memtables);
        } catch (RocksDBException e) {
            throw failure(dir, "cannot read its size", e);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    /** RocksDB's estimate of the bytes its compactions still have to rewrite ({@code rocksdb.estimate-pending-compaction-bytes}). */
    public long pendingCompactionBytes() {
        lifecycle.readLock().lock();
        try {
            ensureOpen();
            return db.getLongProperty("rocksdb.estimate-pending-compaction-bytes");
        } catch (RocksDBException e) {
            throw failure(dir, "cannot read its pending compaction bytes", e);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    /**
     * Flushes the memtables and rewrites every table file, dropping deleted and overwritten data (etcd's
     * defragmentation), once the history below the compaction revision is purged (so that its space is
     * given back too). Applies go on meanwhile; it may take long on a large state, so call it from a
     * thread of its own.
     *
     * @throws StorageException if the purge has not finished within a minute, or RocksDB fails
     */
    public void compactFully() {
        try {
            historyCompactor.awaitPurged(PURGE_WAIT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException("interrupted while waiting for the history purge of " + dir);
        } catch (IllegalStateException e) {
            throw new StorageException("cannot compact " + dir + ": " + e.getMessage());
        }
        lifecycle.readLock().lock();
        try (CompactRangeOptions everything = new CompactRangeOptions()
                .setBottommostLevelCompaction(CompactRangeOptions.BottommostLevelCompaction.kForce)) {
            ensureOpen();
            flushOpen();
            for (ColumnFamilyHandle family : families.all()) {
                db.compactRange(family, null, null, everything);
            }
        } catch (RocksDBException e) {
            throw failure(dir, "cannot compact", e);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    private interface SnapshotRead<T> {
        T from(SnapshotView view, VersionedReads reads) throws RocksDBException;
    }

    /** Runs {@code read} on one snapshot of the open store. */
    private <T> T read(String action, SnapshotRead<T> read) {
        lifecycle.readLock().lock();
        try {
            ensureOpen();
            try (SnapshotView view = new SnapshotView(db)) {
                return read.from(view, new VersionedReads(StateReader.of(families, view.readOptions())));
            }
        } catch (RocksDBException e) {
            throw failure(dir, action, e);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    /**
     * Writes the memtable to table files and waits until they are durable.
     *
     * @return the applied index now durable (also {@link #durableAppliedIndex()})
     */
    public long flush() {
        lifecycle.readLock().lock();
        try {
            ensureOpen();
            return flushOpen();
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    /**
     * Creates a RocksDB checkpoint of the state in {@code targetDir} (hard links where possible, so
     * it is cheap). No apply runs while it is made, so the returned point describes exactly what the
     * checkpoint holds. The checkpoint flushes the memtable first, so it holds every applied write,
     * and the point becomes durable in this store too. The result can be opened with
     * {@link #open(Path)}.
     *
     * @param targetDir a directory that does not exist yet; its parent is created if missing
     * @return the index, term and membership the checkpoint holds
     * @throws StorageException if the target exists or the checkpoint cannot be made
     */
    public StatePoint checkpoint(Path targetDir) {
        Path target = targetDir.toAbsolutePath();
        lifecycle.readLock().lock();
        applyLock.lock();
        try {
            ensureOpen();
            if (Files.exists(target)) {
                throw new StorageException("cannot create a checkpoint of " + dir + " in " + target
                        + ": it already exists");
            }
            Files.createDirectories(target.getParent());
            StatePoint point = applied;
            try (Checkpoint checkpoint = Checkpoint.create(db)) {
                checkpoint.createCheckpoint(target.toString());
            }
            // RocksDB builds the checkpoint in a temporary directory and renames it: make the
            // rename durable before anyone relies on the checkpoint.
            DurableFiles.fsyncDirectory(target.getParent());
            durableAppliedIndex.accumulateAndGet(point.index(), Math::max);
            return point;
        } catch (RocksDBException e) {
            throw failure(dir, "cannot create a checkpoint in " + target, e);
        } catch (IOException e) {
            throw new StorageException("cannot create a checkpoint of " + dir + " in " + target + ": "
                    + e.getMessage(), e);
        } finally {
            applyLock.unlock();
            lifecycle.readLock().unlock();
        }
    }

    /**
     * Flushes the memtable (so the next open starts at the current applied index) and releases every
     * native resource. Waits for calls in progress; closing again does nothing.
     *
     * @throws StorageException if the final flush fails; the store is closed all the same
     */
    @Override
    public void close() {
        historyCompactor.close(); // before the lock: a batch it is writing holds the read side
        lifecycle.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            try {
                flushOpen();
            } finally {
                families.close();
                writeOptions.close();
                applyReadOptions.close();
            }
        } finally {
            lifecycle.writeLock().unlock();
        }
    }

    @Override
    public String toString() {
        return "RocksStateStore[" + dir + ", applied=" + applied.index() + "]";
    }

    private long flushOpen() {
        // Every write up to this index has returned, so it sits in a memtable that the flush below
        // covers. A concurrent apply may make the flush cover more; reporting less is safe.
        long covered = applied.index();
        try (FlushOptions flushOptions = new FlushOptions().setWaitForFlush(true)) {
            db.flush(flushOptions, families.all()); // atomic: both families at the same point
        } catch (RocksDBException e) {
            throw failure(dir, "cannot flush", e);
        }
        return durableAppliedIndex.accumulateAndGet(covered, Math::max);
    }

    private void checkFormat() throws RocksDBException {
        byte[] format = db.get(StateLayout.FORMAT_KEY);
        if (format == null) {
            // Lost in a crash before the first flush, in which case it is simply written again.
            db.put(writeOptions, StateLayout.FORMAT_KEY, new byte[] {StateLayout.FORMAT_VERSION});
        } else if (format.length == 1 && format[0] == 1) {
            throw new StorageException("the state in " + dir + " has format 1 (keys without versions or history),"
                    + " this version of Tern reads format " + StateLayout.FORMAT_VERSION
                    + ": start this member from an empty data directory so that it takes the state from the"
                    + " leader, or export the keys with the previous version and load them again");
        } else if (format.length == 1 && format[0] == 2) {
            throw new StorageException("the state in " + dir + " has format 2 (history among the current records),"
                    + " this version of Tern reads format " + StateLayout.FORMAT_VERSION
                    + ": start this member from an empty data directory so that it takes the state from the"
                    + " leader");
        } else if (format.length == 1 && format[0] == 3) {
            throw new StorageException("the state in " + dir + " has format 3 (history found through a per-key index),"
                    + " this version of Tern reads format " + StateLayout.FORMAT_VERSION
                    + ": start this member from an empty data directory so that it takes the state from the"
                    + " leader");
        } else if (format.length != 1 || format[0] != StateLayout.FORMAT_VERSION) {
            throw new StorageException("the state in " + dir + " has format " + Bytes.show(format)
                    + ", this version of Tern reads format " + StateLayout.FORMAT_VERSION);
        }
    }

    private StatePoint loadPoint() throws RocksDBException {
        byte[] appliedValue = db.get(StateLayout.APPLIED_KEY);
        if (appliedValue != null && appliedValue.length != StateLayout.APPLIED_VALUE_BYTES) {
            throw new CorruptStorageException("the state in " + dir + " records its applied index in "
                    + appliedValue.length + " bytes instead of " + StateLayout.APPLIED_VALUE_BYTES);
        }
        long index = StateLayout.appliedIndex(appliedValue);
        long term = StateLayout.appliedTerm(appliedValue);
        if (index < 0 || term < 0) {
            throw new CorruptStorageException("the state in " + dir + " records a negative applied index or term ("
                    + index + ", " + term + ")");
        }
        byte[] membershipValue = db.get(StateLayout.MEMBERSHIP_KEY);
        Membership membership = Membership.EMPTY;
        if (membershipValue != null) {
            try {
                membership = Membership.decode(membershipValue);
            } catch (IllegalArgumentException e) {
                throw new CorruptStorageException("the state in " + dir + " holds an unreadable membership: "
                        + e.getMessage());
            }
        }
        return new StatePoint(index, term, membership);
    }

    private AuthState loadAuth() throws RocksDBException {
        try {
            return AuthState.decode(db.get(StateLayout.AUTH_KEY));
        } catch (IllegalArgumentException e) {
            throw new CorruptStorageException("the state in " + dir + " holds an unreadable auth state: " + e.getMessage());
        }
    }

    /**
     * What a user's command needs of the user's roles. A lease's revoke deletes its keys, so it needs
     * WRITE on each of them, as etcd 3.5 asks.
     */
    private RequiredAccess requiredAccess(Command command) throws RocksDBException {
        return switch (command) {
            case Command.Put put -> RequiredAccess.write(KeyRange.single(put.key()));
            case Command.Delete delete -> RequiredAccess.write(KeyRange.single(delete.key()));
            case Command.CompareAndSet cas -> new RequiredAccess(List.of(
                    new Permission(Permission.Type.READ, KeyRange.single(cas.key())),
                    new Permission(Permission.Type.WRITE, KeyRange.single(cas.key()))), false);
            case Command.Batch batch -> new RequiredAccess(batch.ops().stream()
                    .map(op -> new Permission(Permission.Type.WRITE, KeyRange.single(op.key()))).toList(), false);
            case Command.Kv kv -> RequiredAccess.of(kv.op());
            case Command.LeaseGrant grant -> RequiredAccess.ANY_USER;
            case Command.LeaseRevoke revoke -> new RequiredAccess(new VersionedReads(StateReader.of(families, applyReadOptions)).leaseKeys(revoke.id()).stream()
                    .map(key -> new Permission(Permission.Type.WRITE, KeyRange.single(key))).toList(), false);
            case Command.Compact compact -> RequiredAccess.ROOT;
            case Command.SetAlarm alarm -> RequiredAccess.ROOT;
            case Command.Auth change -> RequiredAccess.ROOT;
            case Command.AsUser asUser -> throw new IllegalStateException("a command is made by one user");
        };
    }

    private List<Alarm> loadAlarms() throws RocksDBException {
        TreeMap<String, Alarm> found = new TreeMap<>();
        try (Slice upperBound = new Slice(StateLayout.ALARM_END);
             ReadOptions readOptions = new ReadOptions().setIterateUpperBound(upperBound);
             RocksIterator iterator = db.newIterator(readOptions)) {
            for (iterator.seek(StateLayout.ALARM_PREFIX); iterator.isValid(); iterator.next()) {
                Alarm alarm = StateLayout.alarm(iterator.key(), iterator.value());
                if (alarm == null) {
                    throw new CorruptStorageException("the state in " + dir + " holds an unreadable alarm key "
                            + Bytes.show(iterator.key()));
                }
                found.put(alarmKey(alarm.memberId(), alarm.type()), alarm);
            }
            iterator.status();
        }
        return List.copyOf(found.values());
    }

    /**
     * Drops the alarms of members that {@code members} does not list. Only a member clears its own
     * alarm, so one removed with its alarm raised (a dead node with a full disk, say) would otherwise
     * refuse every write for good. Done here, as each member applies the CONFIG entry, so that every
     * replica and every snapshot agrees.
     *
     * @param changed the alarms as changed earlier in this run, or {@code null} if unchanged so far
     * @return the alarms as changed now, or {@code null} if still unchanged
     */
    private TreeMap<String, Alarm> dropAlarmsOfNonMembers(TreeMap<String, Alarm> changed, Membership members,
                                                          AbstractWriteBatch batch) throws RocksDBException {
        List<Alarm> orphaned = (changed != null ? changed.values() : alarms).stream()
                .filter(alarm -> !members.contains(alarm.memberId())).toList();
        if (orphaned.isEmpty()) {
            return changed;
        }
        TreeMap<String, Alarm> after = changed != null ? changed : alarmsByKey(alarms);
        for (Alarm alarm : orphaned) {
            batch.delete(StateLayout.alarmKey(alarm.memberId(), alarm.type()));
            after.remove(alarmKey(alarm.memberId(), alarm.type()));
        }
        return after;
    }

    /**
     * Whether {@code alarm} raises one for a member the applied membership does not list. Before the
     * first CONFIG entry is applied the membership is only in the hard state (bootstrap), so an empty
     * one says nothing.
     */
    private static boolean raisedForANonMember(Command.SetAlarm alarm, Membership members) {
        return alarm.active() && !members.members().isEmpty() && !members.contains(alarm.memberId());
    }

    private static TreeMap<String, Alarm> alarmsByKey(List<Alarm> alarms) {
        TreeMap<String, Alarm> byKey = new TreeMap<>();
        alarms.forEach(alarm -> byKey.put(alarmKey(alarm.memberId(), alarm.type()), alarm));
        return byKey;
    }

    private static void changeAlarm(TreeMap<String, Alarm> alarms, Command.SetAlarm change) {
        String key = alarmKey(change.memberId(), change.type());
        if (change.active()) {
            alarms.put(key, new Alarm(change.memberId(), change.type(), change.detail()));
        } else {
            alarms.remove(key);
        }
    }

    /** Orders alarms by member id (unsigned, as RocksDB orders their keys), then type. */
    private static String alarmKey(long memberId, Alarm.Type type) {
        return String.format("%016x/%02x", memberId, type.code());
    }

    private static void checkNext(LogEntry entry, long previousIndex, long previousTerm) {
        if (entry.index() != previousIndex + 1) {
            throw new IllegalStateException("cannot apply entry " + entry.index() + ": the next entry to apply is "
                    + (previousIndex + 1) + (entry.index() <= previousIndex ? " (already applied)" : " (gap)"));
        }
        if (entry.term() < previousTerm) {
            throw new IllegalStateException("cannot apply entry " + entry.index() + " of term " + entry.term()
                    + ": it follows an entry of term " + previousTerm + " and terms never decrease in a log");
        }
    }

    private static Command decodeCommand(LogEntry entry) {
        try {
            return Command.decode(entry.payload());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("cannot apply entry " + entry.index() + ": " + e.getMessage(), e);
        }
    }

    private static Membership decodeMembership(LogEntry entry) {
        try {
            return Membership.decode(entry.payload());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("cannot apply CONFIG entry " + entry.index() + ": " + e.getMessage(), e);
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the state store in " + dir + " is closed");
        }
    }

    private static StorageException failure(Path dir, String action, RocksDBException e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return new StorageException("RocksDB state in " + dir + ": " + action + ": "
                + message.replaceAll("\\s*\\R\\s*", " "), e);
    }

    private static void closeQuietly(StateFamilies families) {
        if (families != null) {
            families.close();
        }
    }
}
