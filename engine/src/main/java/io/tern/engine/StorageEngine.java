package io.tern.engine;

import io.tern.engine.auth.AuthState;
import io.tern.engine.cluster.ClusterIdentity;
import io.tern.raft.types.MemberStorage;
import io.tern.raft.types.Membership;
import io.tern.raft.types.StoredSnapshot;
import io.tern.engine.log.ChronicleRaftLog;
import io.tern.raft.types.LogEntry;
import io.tern.engine.log.RaftLog;
import io.tern.engine.meta.DataDirectory;
import io.tern.engine.meta.MemberRecordStore;
import io.tern.engine.snapshot.Snapshot;
import io.tern.engine.snapshot.SnapshotFile;
import io.tern.engine.snapshot.SnapshotInstaller;
import io.tern.engine.snapshot.SnapshotReader;
import io.tern.engine.snapshot.SnapshotStore;
import io.tern.engine.snapshot.StateCapture;
import io.tern.engine.state.Alarm;
import io.tern.engine.state.ChangeListener;
import io.tern.engine.state.CompactedRevisionException;
import io.tern.engine.state.FutureRevisionException;
import io.tern.engine.state.HistoryBatch;
import io.tern.engine.state.KvHash;
import io.tern.engine.state.LeaseInfo;
import io.tern.engine.state.RangeResult;
import io.tern.kv.RangeRequest;
import io.tern.kv.WatchEvent;
import io.tern.engine.state.CommandResult;
import io.tern.engine.state.ReadResult;
import io.tern.engine.state.RocksStateStore;
import io.tern.engine.state.ScanResult;
import io.tern.engine.state.StateHash;
import io.tern.engine.state.StateSize;
import io.tern.engine.state.StateDirectory;
import io.tern.engine.state.StatePoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * One member's storage: the Raft log, the hard state, the applied state and the snapshots of a
 * data directory, and the recovery that makes them agree when it is opened.
 *
 * <p>Recovery on open: restore the state from the newest valid snapshot if the state is behind it
 * (a crash in the middle of installing one), make the log agree with that snapshot, then replay
 * the log's committed entries after the state's applied index. Only entries known to be committed
 * (the log's commit watermark) are replayed: the rest may still be replaced by a new leader.
 *
 * <p>Threads: one applier calls {@link #apply}, a snapshot thread {@link #createSnapshot()} and
 * another {@link #installSnapshot}, serialised on one monitor only where they change or capture the
 * state; any thread may read. The log has its own lock (see {@link RaftLog}).
 */
public final class StorageEngine implements MemberStorage, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StorageEngine.class);
    private static final int REPLAY_BATCH_ENTRIES = 4096;
    private static final long REPLAY_BATCH_BYTES = 16L << 20;
    /** How long applying must pause before the state is flushed ({@link IdleFlusher}). */
    private static final Duration IDLE_FLUSH_INTERVAL = Duration.ofSeconds(1);

    private final EngineConfig config;
    private final DataDirectory dataDirectory;
    private final MemberRecordStore memberRecord;
    private final ChronicleRaftLog raftLog;
    private final SnapshotStore snapshots;
    private final StateDirectory stateDirectories;
    private final Path liveStateDirectory;
    /** The state opens while the log does; {@link #recover} takes it. */
    private final BackgroundOpen<RocksStateStore> stateOpening;
    /** Readers hold the read side; swapping in a snapshot's state holds the write side. */
    private final ReentrantReadWriteLock stateSwap = new ReentrantReadWriteLock();
    /** Apply, snapshot creation and installation change the state one at a time. */
    private final Object stateChange = new Object();
    private volatile RocksStateStore state;
    /** Told of every change, under {@link #stateChange}, so they hear of applies and installs in order. */
    private final List<ChangeListener> changeListeners = new CopyOnWriteArrayList<>();
    /**
     * The newest of this member's snapshots, or null: read on open, then replaced (under
     * {@link #stateChange}) by each snapshot taken or installed that is further on, never by one
     * merely received.
     * Kept here so that asking for it costs no directory listing, and it is current the moment
     * {@link #createSnapshot()} or {@link #installSnapshot} returns.
     */
    private volatile Snapshot newestSnapshot;
    private RecoveryReport recoveryReport;
    private IdleFlusher idleFlusher;

    private StorageEngine(EngineConfig config, DataDirectory dataDirectory) {
        this.config = config;
        this.dataDirectory = dataDirectory;
        this.stateDirectories = new StateDirectory(dataDirectory.stateDirectory());
        this.liveStateDirectory = stateDirectories.live();
        this.stateOpening = BackgroundOpen.start("tern-state-open", () -> RocksStateStore.open(liveStateDirectory));
        try {
            this.memberRecord = MemberRecordStore.open(dataDirectory.hardStateFile());
            this.raftLog = ChronicleRaftLog.open(dataDirectory.logDirectory(), config.log());
            this.snapshots = SnapshotStore.open(dataDirectory.snapshotDirectory());
        } catch (RuntimeException | Error e) {
            stateOpening.abandon();
            throw e;
        }
    }

    /**
     * Opens (creating if needed) the data directory of {@code config} and recovers it.
     *
     * @throws StorageException          if the directory is in use, belongs to another member, or
     *                                   cannot be read
     * @throws CorruptStorageException   if the log, a needed snapshot or the state is corrupt beyond
     *                                   safe repair
     */
    public static StorageEngine open(EngineConfig config) {
        long started = System.nanoTime();
        DataDirectory dataDirectory = DataDirectory.lock(config.dataDirectory());
        StorageEngine engine = null;
        try {
            dataDirectory.claim(config.identity());
            engine = new StorageEngine(config, dataDirectory);
            engine.recover(started);
            engine.idleFlusher = new IdleFlusher(engine::appliedIndex, engine::durableAppliedIndex,
                    engine::flushAppliedState).start(IDLE_FLUSH_INTERVAL, "tern-idle-flush");
            return engine;
        } catch (RuntimeException e) {
            if (engine != null) {
                engine.closeQuietly();
            } else {
                dataDirectory.close();
            }
            throw e;
        }
    }

    private void recover(long started) {
        state = stateOpening.join();
        stateDirectories.deleteAllBut(liveStateDirectory);
        long restoredFrom = 0;
        Optional<Snapshot> newest = snapshots.newest();
        if (newest.isPresent()) {
            Snapshot snapshot = newest.get();
            if (state.appliedIndex() < snapshot.lastIncludedIndex() && restoreFromUnlessReplayable(snapshot)) {
                restoredFrom = snapshot.lastIncludedIndex();
            }
            if (state.appliedIndex() == snapshot.lastIncludedIndex()) {
                // A crash may have come between an install's state swap and its log reset: finish it.
                // (A state past the snapshot was applied from this log, which therefore agrees with it.)
                alignLogWith(snapshot);
            }
        }
        // Read again: restoring may have set a corrupt snapshot aside.
        newestSnapshot = snapshots.newest().orElse(null);
        long replayStarted = System.nanoTime();
        long replayed = replayCommittedEntries();
        long ended = System.nanoTime();
        recoveryReport = new RecoveryReport(restoredFrom, replayed, raftLog.openReport().tornTailsCut(),
                state.appliedIndex(), raftLog.firstIndex(), raftLog.lastIndex(), Duration.ofNanos(ended - started),
                raftLog.openReport().took(), stateOpening.took(), Duration.ofNanos(ended - replayStarted));
        log.info("{}: {}", dataDirectory.root(), recoveryReport);
    }

    /**
     * Restores the state from {@code snapshot}; returns false if the snapshot was corrupt but the
     * log can bring the state past it anyway (the snapshot is then set aside).
     */
    private boolean restoreFromUnlessReplayable(Snapshot snapshot) {
        try {
            snapshots.verify(snapshot);
        } catch (CorruptStorageException e) {
            boolean logCovers = raftLog.firstIndex() <= state.appliedIndex() + 1
                    && raftLog.committedIndex() >= snapshot.lastIncludedIndex();
            if (!logCovers) {
                throw new CorruptStorageException(e.getMessage() + "; the state needs it and the log cannot replace it");
            }
            log.warn("{}; the log covers it, so it is set aside", e.getMessage());
            snapshots.quarantine(snapshot);
            return false;
        }
        swapStateTo(snapshot);
        return true;
    }

    /**
     * Raft's rule for a log meeting a snapshot: keep the entries after it if the log holds the
     * snapshot's last entry with the same term (or starts right after it); otherwise discard it all.
     */
    private void alignLogWith(Snapshot snapshot) {
        long index = snapshot.lastIncludedIndex();
        boolean startsRightAfter = raftLog.firstIndex() == index + 1;
        boolean holdsSameEntry = raftLog.firstIndex() <= index && index <= raftLog.lastIndex()
                && raftLog.term(index) == snapshot.lastIncludedTerm();
        if (!startsRightAfter && !holdsSameEntry) {
            raftLog.resetTo(index + 1);
        }
        raftLog.markCommitted(index);
        raftLog.sync();
    }

    private long replayCommittedEntries() {
        long committed = raftLog.committedIndex();
        long next = state.appliedIndex() + 1;
        if (next > committed) {
            return 0;
        }
        if (next < raftLog.firstIndex()) {
            throw new CorruptStorageException("the state in " + dataDirectory.stateDirectory() + " is at index "
                    + state.appliedIndex() + " but the log in " + dataDirectory.logDirectory() + " starts at "
                    + raftLog.firstIndex() + ": the entries between are lost");
        }
        long replayed = 0;
        while (next <= committed) {
            long end = Math.min(committed + 1, next + REPLAY_BATCH_ENTRIES);
            List<LogEntry> batch = raftLog.entries(next, end, REPLAY_BATCH_BYTES);
            state.apply(batch);
            replayed += batch.size();
            next += batch.size();
        }
        return replayed;
    }

    // ---------------------------------------------------------------- accessors

    public ClusterIdentity identity() {
        return config.identity();
    }

    public Path dataDirectory() {
        return dataDirectory.root();
    }

    @Override
    public RaftLog log() {
        return raftLog;
    }

    public MemberRecordStore memberRecord() {
        return memberRecord;
    }

    @Override
    public MemberRecordStore terms() {
        return memberRecord;
    }

    @Override
    public String location() {
        return dataDirectory.root().toString();
    }

    public RecoveryReport recoveryReport() {
        return recoveryReport;
    }

    // ---------------------------------------------------------------- the applied state

    /**
     * Applies committed entries and records in the log that they are committed (durable with the
     * log's next sync), so recovery may replay them. See {@link #apply(List, boolean)}.
     */
    public List<CommandResult> apply(List<LogEntry> committed) {
        return apply(committed, true);
    }

    /**
     * Applies consecutive committed entries, skipping those at or below the applied index: a
     * snapshot installed since the caller took them has covered those. What is left must continue
     * the applied index. Returns one result per entry applied, so the results belong to the last
     * {@code size()} entries of {@code committed} (none if the snapshot covered them all).
     *
     * <p>Records them as committed in the log only if {@code markCommitted}. A caller applying a
     * steady stream may mark now and then instead (see {@link #markAppliedCommitted}): writing the
     * mark touches the page the log writer is forcing, and on this disk that write waits for the
     * force. A later mark only means recovery replays fewer entries itself and Raft re-applies the
     * rest once it learns the commit index again.
     */
    @Override
    public List<CommandResult> apply(List<LogEntry> committed, boolean markCommitted) {
        if (committed.isEmpty()) {
            return List.of();
        }
        synchronized (stateChange) {
            // Checked under the lock that an install takes, so no install can come between.
            long applied = state.appliedIndex();
            long first = committed.getFirst().index();
            List<LogEntry> fresh = first > applied ? committed
                    : committed.subList((int) Math.min(committed.size(), applied - first + 1), committed.size());
            if (fresh.isEmpty()) {
                return List.of();
            }
            if (markCommitted) {
                raftLog.markCommitted(fresh.getLast().index());
            }
            if (changeListeners.isEmpty()) {
                return readState(store -> store.apply(fresh));
            }
            List<WatchEvent> events = new ArrayList<>();
            List<CommandResult> results = readState(store -> store.apply(fresh, events));
            long appliedIndex = fresh.getLast().index();
            List<WatchEvent> told = Collections.unmodifiableList(events);
            for (ChangeListener listener : changeListeners) {
                listener.applied(appliedIndex, told);
            }
            return results;
        }
    }

    /** Records in the log that everything applied so far is committed, so recovery may replay it. */
    @Override
    public void markAppliedCommitted() {
        synchronized (stateChange) {
            raftLog.markCommitted(appliedIndex());
        }
    }

    public StatePoint appliedPoint() {
        return readState(RocksStateStore::appliedPoint);
    }

    @Override
    public long appliedIndex() {
        return readState(RocksStateStore::appliedIndex);
    }

    /**
     * How far the applied state is on disk for certain: after a power cut, an open replays the
     * committed entries after it.
     */
    public long durableAppliedIndex() {
        return readState(RocksStateStore::durableAppliedIndex);
    }

    /** The auth state as of the applied index (see {@link AuthState}). */
    public AuthState auth() {
        return readState(RocksStateStore::auth);
    }

    /** The alarms raised through the log and not yet cleared (see {@link Alarm}). */
    public List<Alarm> alarms() {
        return readState(RocksStateStore::alarms);
    }

    /**
     * Reads the keys of {@code request}'s range at its revision (0: the applied index), with its
     * options. One answer stops at {@code maxBytes} of keys and values (saying {@code more}), always
     * taking at least one key.
     *
     * @throws CompactedRevisionException if the revision is below the compaction revision
     * @throws FutureRevisionException if the revision is above the applied index
     */
    public RangeResult range(RangeRequest request, long maxBytes) {
        return readState(store -> store.range(request, maxBytes));
    }

    /**
     * The changes with revisions from {@code fromRevision} on, up to {@code maxEvents} of them or
     * {@code maxBytes} of keys and values (always at least one whole revision), for a watch catching up.
     *
     * @param withPrevKv whether each event carries the key as it was before
     * @throws CompactedRevisionException if {@code fromRevision} is below the compaction revision
     */
    public HistoryBatch history(long fromRevision, int maxEvents, long maxBytes, boolean withPrevKv) {
        return readState(store -> store.history(fromRevision, maxEvents, maxBytes, withPrevKv));
    }

    /** The revision below which history is gone; 0 before the first compaction. */
    public long compactRevision() {
        return readState(RocksStateStore::compactRevision);
    }

    /**
     * The CRC32C of the history up to {@code revision} (0: the applied index): equal on members that
     * applied the same entries (see {@link RocksStateStore#hashKv}). Reads all that history.
     *
     * @throws CompactedRevisionException if the revision is below the compaction revision
     * @throws FutureRevisionException if the revision is above the applied index
     */
    public KvHash hashKv(long revision) {
        return readState(store -> store.hashKv(revision));
    }

    /** The CRC32C of the whole state: equal on members at the same applied index. Reads all of it. */
    public StateHash hash() {
        return readState(RocksStateStore::hash);
    }

    /** How much room the state takes. */
    public StateSize stateSize() {
        return readState(RocksStateStore::size);
    }

    /** RocksDB's estimate of the bytes its background compactions still have to rewrite. */
    public long pendingCompactionBytes() {
        return readState(RocksStateStore::pendingCompactionBytes);
    }

    /**
     * Rewrites the state's table files without what was deleted or overwritten (etcd's defragment). A
     * snapshot install waits until it is done; applies do not. May take long: not on Raft's threads.
     */
    public void compactState() {
        readState(store -> {
            store.compactFully();
            return null;
        });
    }

    /** Every lease, in id order, without their keys. */
    public List<LeaseInfo> leases() {
        return readState(RocksStateStore::leases);
    }

    /** Lease {@code id} with its keys, if it exists. */
    public Optional<LeaseInfo> lease(long id) {
        return readState(store -> store.lease(id));
    }

    /**
     * Tells {@code listener} of every change applied from now on (see {@link ChangeListener}): after
     * each run of entries applied, on the applier's thread, with the run's changes (possibly none); and
     * after a snapshot is installed. A listener that throws fails the apply, as a storage failure does.
     */
    public void addChangeListener(ChangeListener listener) {
        changeListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    public ReadResult get(byte[] key) {
        return readState(store -> store.get(key));
    }

    public ScanResult scan(byte[] startInclusive, byte[] endExclusive, int limit) {
        return readState(store -> store.scan(startInclusive, endExclusive, limit));
    }

    /** A scan that also stops before its keys and values pass {@code maxBytes} (but takes at least one entry). */
    public ScanResult scan(byte[] startInclusive, byte[] endExclusive, int limit, long maxBytes) {
        return readState(store -> store.scan(startInclusive, endExclusive, limit, maxBytes));
    }

    private <T> T readState(java.util.function.Function<RocksStateStore, T> read) {
        stateSwap.readLock().lock();
        try {
            return read.apply(state);
        } finally {
            stateSwap.readLock().unlock();
        }
    }

    // ---------------------------------------------------------------- snapshots

    /**
     * Snapshots the applied state (a RocksDB checkpoint: hard links, plus a flush), then deletes the
     * snapshots beyond the number to keep. Appends to the log go on meanwhile; applying waits only
     * while the checkpoint is made, not while the snapshot's new files are measured and forced to disk.
     * The log is not compacted here: {@link #compactLog(long)} does that, on the thread that reads the
     * log for Raft.
     */
    @Override
    public Snapshot createSnapshot() {
        // A shortcut only: the capture below reads the point again, and an install may come between.
        synchronized (stateChange) {
            long applied = state.appliedIndex();
            if (applied == 0) {
                throw new IllegalStateException("nothing has been applied yet: there is nothing to snapshot");
            }
            Snapshot newest = newestSnapshot;
            if (newest != null && newest.lastIncludedIndex() >= applied) {
                return newest;
            }
        }
        long[] heldNanos = new long[1];
        Snapshot snapshot = snapshots.capture(directory -> {
            synchronized (stateChange) {
                long start = System.nanoTime();
                StatePoint point = state.appliedPoint();
                // Until a CONFIG entry is applied the membership is the bootstrap one, which lives in the
                // hard state, not in the state machine: a snapshot must carry the one in force.
                Membership membership = point.membership().members().isEmpty()
                        ? memberRecord.current().bootstrapMembership() : point.membership();
                StatePoint taken = state.checkpoint(directory);
                if (!taken.equals(point)) {
                    throw new IllegalStateException("the state moved from " + point + " to " + taken + " during a checkpoint");
                }
                heldNanos[0] = System.nanoTime() - start;
                return new StateCapture.Point(point.index(), point.term(), membership);
            }
        });
        Snapshot installedMeanwhile = null;
        synchronized (stateChange) {
            Snapshot newest = newestSnapshot;
            if (newest != null && newest.lastIncludedIndex() >= snapshot.lastIncludedIndex()) {
                installedMeanwhile = newest; // further on than the one just taken
            } else {
                newestSnapshot = snapshot;
            }
        }
        deleteSnapshotsBeyondTheNumberToKeep();
        if (installedMeanwhile != null) {
            return installedMeanwhile;
        }
        log.info("snapshot taken at index {} (term {}, {} bytes; applying waited {} ms)",
                snapshot.lastIncludedIndex(), snapshot.lastIncludedTerm(), snapshot.sizeBytes(),
                TimeUnit.NANOSECONDS.toMillis(heldNanos[0]));
        return snapshot;
    }

    /**
     * Here, on the snapshot thread, rather than with the log's compaction on Raft's thread: deleting a
     * snapshot reads the metadata of those kept and unlinks state files that compactions have replaced
     * since, and every write in flight waited while Raft's thread did it. A failure to delete is
     * housekeeping, not a failed snapshot (which would stop the log's compaction): the next snapshot
     * tries again, and the disk's trouble shows in the log.
     */
    private void deleteSnapshotsBeyondTheNumberToKeep() {
        try {
            snapshots.retainNewest(config.snapshotsToKeep());
        } catch (StorageException e) {
            log.warn("cannot delete old snapshots: {}", e.getMessage());
        }
    }

    /**
     * Flushes the applied state's memtables while applying goes on: the checkpoint of the next
     * {@link #createSnapshot()} must flush too, with applying held, and then flushes only what was
     * applied since (under load, a flush of everything took about half a second, and every write
     * waited for it). Twice: what arrives during the first flush (some 3 MB per family under load)
     * took the checkpoint 33-87 ms to flush; the second flush takes it, and leaves the checkpoint
     * 3-23 ms (bench/README.md).
     */
    @Override
    public void prepareSnapshot() {
        flushAppliedState();
        flushAppliedState();
    }

    private void flushAppliedState() {
        stateSwap.readLock().lock();
        try {
            state.flush();
        } finally {
            stateSwap.readLock().unlock();
        }
    }

    /**
     * Deletes the log files wholly below the newest snapshot, never past what RocksDB has made
     * durable nor past {@code keepFrom}. Returns the log's first index after it.
     */
    @Override
    public long compactLog(long keepFrom) {
        Snapshot newest = newestSnapshot;
        if (newest != null) {
            raftLog.compactUpTo(Math.min(Math.min(newest.lastIncludedIndex(), state.durableAppliedIndex()), keepFrom));
        }
        return raftLog.firstIndex();
    }

    /** The newest snapshot this member took or installed (never one only received); cheap. */
    @Override
    public Optional<Snapshot> latestSnapshot() {
        return Optional.ofNullable(newestSnapshot);
    }

    /** Streams a snapshot out in chunks of at most {@code maxChunkBytes}, pulled by the sender. */
    @Override
    public SnapshotReader openSnapshotReader(StoredSnapshot snapshot, int maxChunkBytes) {
        return snapshots.openReader((Snapshot) snapshot, maxChunkBytes);
    }

    /**
     * Starts receiving a snapshot from a leader; {@link SnapshotInstaller#finish()} verifies it and
     * keeps it apart from this member's snapshots until {@link #installSnapshot} (it is not the
     * {@link #latestSnapshot()}, nor what {@link #createSnapshot()} returns, before).
     */
    @Override
    public SnapshotInstaller beginSnapshotInstall() {
        return snapshots.beginInstall();
    }

    /**
     * Makes a received, verified snapshot the state: moves it among this member's snapshots, swaps
     * it in atomically, then keeps the log's entries after it if they continue it, or discards the
     * log. Returns false if the state is already at or past the snapshot: then the received snapshot
     * is deleted and nothing else changes.
     */
    @Override
    public boolean installSnapshot(StoredSnapshot receivedSnapshot) {
        Snapshot received = (Snapshot) receivedSnapshot; // only this engine's installers make them
        Snapshot installed;
        synchronized (stateChange) {
            if (received.lastIncludedIndex() <= state.appliedIndex()) {
                snapshots.discardReceived(received);
                return false;
            }
            // Adopted before the swap: a crash between the two finishes the install on open.
            installed = snapshots.adoptReceived(received);
            // Named before the swap makes its index the applied one: whoever reads the applied
            // index first and the snapshot second never sees the state ahead of its snapshot.
            newestSnapshot = installed;
            swapStateTo(installed);
            alignLogWith(installed);
            for (ChangeListener listener : changeListeners) {
                listener.replaced(installed.lastIncludedIndex());
            }
        }
        snapshots.retainNewest(config.snapshotsToKeep());
        log.info("snapshot installed at index {} (term {}); log now {}..{}", installed.lastIncludedIndex(),
                installed.lastIncludedTerm(), raftLog.firstIndex(), raftLog.lastIndex());
        return true;
    }

    /** Deletes a received snapshot that will not be installed (see {@link #beginSnapshotInstall()}). */
    @Override
    public void discardReceivedSnapshot(StoredSnapshot received) {
        snapshots.discardReceived((Snapshot) received);
    }

    private void swapStateTo(Snapshot snapshot) {
        Path fresh = stateDirectories.buildFrom(snapshot.directory(),
                snapshot.files().stream().map(SnapshotFile::name).toList());
        RocksStateStore next = RocksStateStore.open(fresh);
        if (next.appliedIndex() != snapshot.lastIncludedIndex()) {
            next.close();
            throw new CorruptStorageException("snapshot " + snapshot.directory() + " claims index "
                    + snapshot.lastIncludedIndex() + " but its state is at " + next.appliedIndex());
        }
        stateSwap.writeLock().lock();
        try {
            stateDirectories.switchTo(fresh);
            RocksStateStore previous = state;
            state = next;
            previous.close();
        } finally {
            stateSwap.writeLock().unlock();
        }
        stateDirectories.deleteAllBut(fresh);
    }

    // ---------------------------------------------------------------- lifecycle

    @Override
    public void close() {
        try {
            raftLog.sync();
        } finally {
            closeQuietly();
        }
    }

    private void closeQuietly() {
        if (idleFlusher != null) {
            idleFlusher.close();
        }
        try {
            if (state != null) {
                state.close();
            }
        } catch (RuntimeException e) {
            log.warn("closing the state failed: {}", e.getMessage());
        }
        try {
            raftLog.close();
        } catch (RuntimeException e) {
            log.warn("closing the log failed: {}", e.getMessage());
        }
        dataDirectory.close();
    }
}
