package io.tern.raft.nodesim;

import io.tern.raft.types.LogEntry;
import io.tern.raft.types.LogStorage;
import io.tern.raft.types.MemberStorage;
import io.tern.raft.types.Membership;
import io.tern.raft.types.SnapshotChunk;
import io.tern.raft.types.SnapshotSink;
import io.tern.raft.types.SnapshotSource;
import io.tern.raft.types.StorageFailure;
import io.tern.raft.types.StoredSnapshot;
import io.tern.raft.types.TermStorage;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * One incarnation of a member's storage over its {@link SimDisk}, as the engine behaves: the log's
 * writes are durable only at sync, the state machine's only through snapshots (a crash takes the
 * state back to the newest snapshot, and recovery replays the committed log after it), snapshots
 * received stay apart until installed, and an apply skips what an installed snapshot covers. Writes
 * fail now and then, as a full or failing disk would.
 */
final class SimStorage implements MemberStorage {

    /** What the simulation's checker hears of every state change. */
    interface Observer {
        void applied(long member, LogEntry entry, SimState after);

        void installed(long member, SimState state, long logFirst, long logLast);
    }

    /** A write failure the simulation injected: the member stops, as it would on a real one. */
    static final class InjectedFailure extends StorageFailure {
        InjectedFailure(String message) {
            super(message);
        }
    }

    private final long member;
    private final SimDisk disk;
    private final SplittableRandom random;
    private int failOneWriteIn;
    private final PlantedBug bug;
    private final Observer observer;
    private final SimLog log;
    private final List<SimSnapshot> received = new ArrayList<>();
    private SimState state;
    private SimSnapshot newest;

    private SimStorage(long member, SimDisk disk, SplittableRandom random, int failOneWriteIn, PlantedBug bug,
                       Observer observer) {
        this.member = member;
        this.disk = disk;
        this.random = random;
        this.failOneWriteIn = failOneWriteIn;
        this.bug = bug;
        this.observer = observer;
        this.newest = disk.newestSnapshot;
        this.state = newest != null ? newest.state() : SimState.initial(Membership.EMPTY);
        this.log = new SimLog(disk, random);
    }

    /**
     * Opens {@code disk} as the engine does: the state from the newest snapshot, the log made to
     * agree with it, then the committed entries after it replayed.
     *
     * @param failOneWriteIn 0 for writes that never fail
     */
    static SimStorage recover(long member, SimDisk disk, SplittableRandom random, int failOneWriteIn, PlantedBug bug,
                              Observer observer) {
        SimStorage storage = new SimStorage(member, disk, random, failOneWriteIn, bug, observer);
        if (storage.newest != null) {
            storage.alignLogWith(storage.newest);
            storage.log.sync();
        }
        long committed = storage.log.committedIndex();
        long next = storage.state.appliedIndex() + 1;
        if (next <= committed) {
            if (next < storage.log.firstIndex()) {
                throw new IllegalStateException("member " + member + ": the state is at " + storage.state.appliedIndex()
                        + " but the log starts at " + storage.log.firstIndex() + ": the entries between are lost");
            }
            storage.applyFresh(storage.log.entries(next, committed + 1, Long.MAX_VALUE));
        }
        return storage;
    }

    /** From now on every write succeeds (the simulation's heal). */
    void stopFailing() {
        failOneWriteIn = 0;
    }

    private void maybeFail(String what) {
        if (failOneWriteIn > 0 && random.nextInt(failOneWriteIn) == 0) {
            throw new InjectedFailure("simulated failure to " + what + " on sim-disk-" + member);
        }
    }

    // ---------------------------------------------------------------- the log

    private final LogStorage logView = new LogStorage() {
        @Override
        public long firstIndex() {
            return log.firstIndex();
        }

        @Override
        public long lastIndex() {
            return log.lastIndex();
        }

        @Override
        public long term(long index) {
            return log.entry(index).term();
        }

        @Override
        public List<LogEntry> entries(long fromIndex, long toIndex, long maxBytes) {
            return log.entries(fromIndex, toIndex, maxBytes);
        }

        @Override
        public long committedIndex() {
            return log.committedIndex();
        }

        @Override
        public void append(List<LogEntry> entries) {
            maybeFail("append");
            log.append(entries);
        }

        @Override
        public void truncateFrom(long index) {
            log.truncateFrom(index);
        }

        @Override
        public void resetTo(long nextIndex) {
            log.resetTo(nextIndex);
        }

        @Override
        public void sync() {
            maybeFail("sync the log");
            if (bug != PlantedBug.SYNC_DOES_NOT_FORCE) {
                log.sync();
            }
        }
    };

    @Override
    public LogStorage log() {
        return logView;
    }

    // ---------------------------------------------------------------- term, vote, bootstrap

    private final TermStorage terms = new TermStorage() {
        @Override
        public long term() {
            return disk.term;
        }

        @Override
        public long votedFor() {
            return disk.votedFor;
        }

        @Override
        public Membership bootstrapMembership() {
            return disk.bootstrap;
        }

        @Override
        public void saveTermAndVote(long term, long votedFor) {
            maybeFail("save the term");
            disk.term = term;
            disk.votedFor = votedFor;
        }

        @Override
        public void saveBootstrapMembership(Membership bootstrap) {
            disk.bootstrap = bootstrap;
        }
    };

    @Override
    public TermStorage terms() {
        return terms;
    }

    @Override
    public String location() {
        return "sim-disk-" + member;
    }

    // ---------------------------------------------------------------- the state machine

    @Override
    public List<Long> apply(List<LogEntry> committed, boolean markCommitted) {
        if (committed.isEmpty()) {
            return List.of();
        }
        long applied = state.appliedIndex();
        long first = committed.getFirst().index();
        List<LogEntry> fresh = first > applied || bug == PlantedBug.APPLY_OVER_INSTALLED_SNAPSHOT ? committed
                : committed.subList((int) Math.min(committed.size(), applied - first + 1), committed.size());
        if (fresh.isEmpty()) {
            return List.of();
        }
        if (markCommitted) {
            log.markCommitted(fresh.getLast().index());
        }
        return applyFresh(fresh);
    }

    private List<Long> applyFresh(List<LogEntry> fresh) {
        if (fresh.getFirst().index() != state.appliedIndex() + 1 && bug != PlantedBug.APPLY_OVER_INSTALLED_SNAPSHOT) {
            throw new IllegalStateException("member " + member + " applied " + state.appliedIndex()
                    + " but was given entry " + fresh.getFirst().index());
        }
        List<Long> results = new ArrayList<>(fresh.size());
        for (LogEntry entry : fresh) {
            state = state.apply(entry);
            observer.applied(member, entry, state);
            results.add(state.digest());
        }
        return results;
    }

    @Override
    public long appliedIndex() {
        return state.appliedIndex();
    }

    /** The digest of everything applied (the checker compares members by it). */
    SimState state() {
        return state;
    }

    @Override
    public void markAppliedCommitted() {
        log.markCommitted(state.appliedIndex());
    }

    // ---------------------------------------------------------------- snapshots

    @Override
    public SimSnapshot createSnapshot() {
        if (state.appliedIndex() == 0) {
            throw new IllegalStateException("nothing has been applied yet: there is nothing to snapshot");
        }
        if (newest != null && newest.lastIncludedIndex() >= state.appliedIndex()) {
            return newest;
        }
        maybeFail("write a snapshot");
        // Until a CONFIG entry is applied the membership in force is the bootstrap one, as in the engine.
        SimState taken = state.membership().members().isEmpty()
                ? new SimState(state.appliedIndex(), state.appliedTerm(), disk.bootstrap, state.digest(), state.commands())
                : state;
        newest = new SimSnapshot(taken);
        disk.newestSnapshot = newest;
        return newest;
    }

    @Override
    public Optional<SimSnapshot> latestSnapshot() {
        return Optional.ofNullable(newest);
    }

    @Override
    public long compactLog(long keepFrom) {
        if (newest != null) {
            // The state is durable only as far as the newest snapshot, so the log is kept from there.
            log.compactUpTo(Math.min(newest.lastIncludedIndex(), keepFrom));
        }
        return log.firstIndex();
    }

    @Override
    public SnapshotSource openSnapshotReader(StoredSnapshot snapshot, int maxChunkBytes) {
        byte[] bytes = ((SimSnapshot) snapshot).encode();
        return new SnapshotSource() {
            private int offset;

            @Override
            public boolean hasNext() {
                return offset < bytes.length;
            }

            @Override
            public SnapshotChunk next() {
                int end = Math.min(bytes.length, offset + maxChunkBytes);
                SnapshotChunk chunk = SnapshotChunk.metadata(offset, Arrays.copyOfRange(bytes, offset, end), end == bytes.length);
                offset = end;
                return chunk;
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public SnapshotSink beginSnapshotInstall() {
        return new SnapshotSink() {
            private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

            @Override
            public void accept(SnapshotChunk chunk) {
                if (chunk.offset() != bytes.size()) {
                    throw new IllegalStateException("chunk at " + chunk.offset() + " after " + bytes.size() + " bytes");
                }
                bytes.writeBytes(chunk.data());
            }

            @Override
            public StoredSnapshot finish() {
                SimSnapshot snapshot = SimSnapshot.decode(bytes.toByteArray());
                received.add(snapshot);
                return snapshot;
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public boolean installSnapshot(StoredSnapshot receivedSnapshot) {
        SimSnapshot snapshot = (SimSnapshot) receivedSnapshot;
        received.remove(snapshot);
        if (snapshot.lastIncludedIndex() <= state.appliedIndex()) {
            return false;
        }
        maybeFail("install a snapshot");
        newest = snapshot;
        disk.newestSnapshot = snapshot;
        state = snapshot.state();
        observer.installed(member, state, log.firstIndex(), log.lastIndex());
        alignLogWith(snapshot);
        log.sync();
        return true;
    }

    @Override
    public void discardReceivedSnapshot(StoredSnapshot receivedSnapshot) {
        received.remove(receivedSnapshot);
    }

    /** Keeps the log if it holds the snapshot's last entry (or starts right after it), else discards it. */
    private void alignLogWith(SimSnapshot snapshot) {
        long index = snapshot.lastIncludedIndex();
        boolean startsRightAfter = log.firstIndex() == index + 1;
        boolean holdsSameEntry = log.firstIndex() <= index && index <= log.lastIndex()
                && log.entry(index).term() == snapshot.lastIncludedTerm();
        if (!startsRightAfter && !holdsSameEntry) {
            log.resetTo(index + 1);
        }
        log.markCommitted(index);
    }
}
