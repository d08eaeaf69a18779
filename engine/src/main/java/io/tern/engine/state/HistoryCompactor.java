package io.tern.engine.state;

import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Deletes the history that no read at or above the compaction revision R needs, in the background:
 * of each key's changes below R only the newest is kept, and only if it is a put (it is the key's
 * state from then until its next change). Everything at or above R stays. Keeping the newest change
 * strictly below R (rather than at or below) costs at most one record per key changed exactly at R,
 * and gives every event from R on its previous version.
 *
 * <p>Applying a compaction only records R ({@link StateLayout#COMPACTION_KEY}): from then on every
 * member refuses reads below R, so what a client sees is decided by the log alone. The deletion itself
 * costs in proportion to the changes made since the last pass; done inside the apply, it would stall
 * every write behind it. Here it runs on a thread of its own, in bounded batches, and records how far
 * it got ({@link StateLayout#PURGED_KEY}) once a pass is complete; a pass cut short by a crash or a
 * close is simply run again on the next open.
 *
 * <p>A pass from the last purged revision P to R walks the events in {@code [P, R)} by revision. An
 * event is superseded unless it is its key's newest change below R (found by walking the key's
 * {@link ChangeChain} from its current record) and a put; and the change it links back to, if below
 * P, was kept by the last pass as the newest below P and is superseded now. A key whose newest change
 * below R deleted it, and which has not changed since, is gone: its deleted current record, the head
 * of that history, is dropped too, by the applier ({@link DeletedRecords}), which alone writes current
 * records. The events it deletes are ones no read looks at (reads below R are refused, reads at or
 * above R stop at the newest change below R), and the applier never writes below R, so the two never
 * race. Members may hold some of that garbage for a while; once their passes are done, their states
 * are identical.
 */
final class HistoryCompactor implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HistoryCompactor.class);

    /** Events examined per write, so that a pass interleaves with the applier and with close. */
    static final int EVENTS_PER_BATCH = 10_000;

    /** Runs {@code work} on the open store, or returns false if the store is closed. */
    interface OpenStore {
        boolean whileOpen(StoreWork work) throws RocksDBException;
    }

    interface StoreWork {
        void run(RocksDB db) throws RocksDBException;
    }

    /** Drops the deleted current records of keys whose whole history is purged, or returns false if closed. */
    interface DeletedRecords {
        boolean drop(List<byte[]> userKeys) throws RocksDBException;
    }

    private final OpenStore store;
    private final DeletedRecords deletedRecords;
    /** Used only inside {@link OpenStore#whileOpen}, like the database they belong to. */
    private final StateFamilies families;
    private final WriteOptions writeOptions;
    private final String name;
    private final ExecutorService thread;
    private final Object progress = new Object();
    private boolean passQueued;
    /** A pass was requested while one was queued or running: the running one looks again before it ends. */
    private boolean requestedAgain;

    HistoryCompactor(OpenStore store, DeletedRecords deletedRecords, StateFamilies families, WriteOptions writeOptions,
                     String name) {
        this.store = store;
        this.deletedRecords = deletedRecords;
        this.families = families;
        this.writeOptions = writeOptions;
        this.name = name;
        this.thread = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("tern-history-purge").daemon().factory());
    }

    /** The compaction revision moved (or the store opened): a pass will bring the history down to it. */
    void requestPass() {
        synchronized (progress) {
            if (passQueued) {
                requestedAgain = true;
                return;
            }
            passQueued = true;
        }
        try {
            thread.execute(this::passes);
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            synchronized (progress) {
                passQueued = false;
            }
        }
    }

    /** Waits until the history is purged down to the compaction revision (for tests). */
    void awaitPurged(long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        synchronized (progress) {
            while (passQueued) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IllegalStateException("history of " + name + " not purged within " + timeoutMillis + " ms");
                }
                TimeUnit.NANOSECONDS.timedWait(progress, left);
            }
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
        try {
            if (!thread.awaitTermination(10, TimeUnit.SECONDS)) {
                log.warn("the history purge of {} did not stop within 10 s", name);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void passes() {
        boolean ended = false;
        try {
            while (!ended) {
                synchronized (progress) {
                    requestedAgain = false;
                }
                boolean purged = passesUntilPurged();
                synchronized (progress) {
                    // Decided under the lock that requestPass takes, so no request falls between the two.
                    ended = !purged || !requestedAgain;
                    if (ended) {
                        passQueued = false;
                        progress.notifyAll();
                    }
                }
            }
        } catch (RocksDBException | RuntimeException e) {
            // The next compaction or open tries again; nothing read depends on the purge.
            log.warn("purging the history of {} failed: {}", name, e.toString());
        } finally {
            if (!ended) {
                synchronized (progress) {
                    passQueued = false;
                    progress.notifyAll();
                }
            }
        }
    }

    /**
     * Passes until the history is purged down to the compaction revision; false if the store closed
     * or the thread was stopped first.
     */
    private boolean passesUntilPurged() throws RocksDBException {
        while (!Thread.currentThread().isInterrupted()) {
            long[] marks = new long[2];
            boolean open = store.whileOpen(db -> {
                marks[0] = StateLayout.compactionRevision(db.get(StateLayout.COMPACTION_KEY));
                marks[1] = StateLayout.compactionRevision(db.get(StateLayout.PURGED_KEY));
            });
            if (!open) {
                return false;
            }
            if (marks[0] <= marks[1]) {
                return true;
            }
            if (!pass(marks[1], marks[0])) {
                return false;
            }
        }
        return false;
    }

    /** One pass from {@code purged} down to {@code revision}; false if the store closed or the thread was stopped first. */
    private boolean pass(long purged, long revision) throws RocksDBException {
        long started = System.nanoTime();
        long dropped = 0;
        byte[] resumeAt = StateLayout.eventKey(purged);
        while (resumeAt != null) {
            if (Thread.currentThread().isInterrupted()) {
                return false;
            }
            Chunk chunk = new Chunk(purged, revision);
            byte[] from = resumeAt;
            if (!store.whileOpen(db -> chunk.collect(from))) {
                return false;
            }
            // The deleted records go before the events: a pass cut short in between leaves events whose
            // key has no record, which the next pass finds and deletes, where events deleted first would
            // leave a record that no later pass meets.
            if (!chunk.deletedKeys.isEmpty() && !deletedRecords.drop(chunk.deletedKeys)) {
                return false;
            }
            if (!chunk.dropped.isEmpty()) {
                boolean written = store.whileOpen(db -> {
                    try (WriteBatch batch = new WriteBatch()) {
                        for (ChangeChain.Position change : chunk.dropped) {
                            batch.delete(families.events(), StateLayout.eventKey(change.revision(), change.sub()));
                        }
                        db.write(writeOptions, batch);
                    }
                });
                if (!written) {
                    return false;
                }
                dropped += chunk.dropped.size();
            }
            resumeAt = chunk.resumeAt;
        }
        boolean recorded = store.whileOpen(db -> db.put(writeOptions, StateLayout.PURGED_KEY, StateLayout.encodeLong(revision)));
        if (recorded) {
            log.info("{}: history below revision {} purged: {} changes deleted in {} ms", name, revision, dropped,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        }
        return recorded;
    }

    /** What one batch of events from {@code [purged, revision)} leaves to delete. */
    private final class Chunk {
        private final long purged;
        private final long revision;
        final List<ChangeChain.Position> dropped = new ArrayList<>();
        /** Keys whose newest change below the revision deleted them and that have not changed since. */
        final List<byte[]> deletedKeys = new ArrayList<>();
        /** Where the next chunk starts; null once the events below the revision are all seen. */
        byte[] resumeAt;
        /** Each key's newest change below the revision (null: none), as found in this chunk. */
        private final Map<ByteBuffer, Optional<ChangeChain.Position>> newest = new HashMap<>();

        Chunk(long purged, long revision) {
            this.purged = purged;
            this.revision = revision;
        }

        void collect(byte[] from) throws RocksDBException {
            byte[] end = StateLayout.eventKey(revision);
            try (ReadOptions read = new ReadOptions();
                 RocksIterator iterator = families.db().newIterator(families.events(), read)) {
                VersionedReads reads = new VersionedReads(StateReader.of(families, read));
                int seen = 0;
                for (iterator.seek(from); iterator.isValid(); iterator.next()) {
                    byte[] eventKey = iterator.key();
                    if (Arrays.compareUnsigned(eventKey, end) >= 0) {
                        break;
                    }
                    if (seen++ == EVENTS_PER_BATCH) {
                        resumeAt = eventKey;
                        break;
                    }
                    examine(reads, eventKey, iterator.value());
                }
                iterator.status();
            }
        }

        private void examine(VersionedReads reads, byte[] eventKey, byte[] event) throws RocksDBException {
            ChangeChain.Position change = new ChangeChain.Position(StateLayout.eventRevision(eventKey),
                    StateLayout.eventSub(eventKey));
            ChangeChain.Links links = StateLayout.eventLinks(event);
            if (links.hasPrevious() && links.previousRevision() < purged) {
                dropped.add(new ChangeChain.Position(links.previousRevision(), links.previousSub()));
            }
            byte[] key = StateLayout.eventKeyOf(event);
            Optional<ChangeChain.Position> newestBelow = newest.get(ByteBuffer.wrap(key));
            if (newestBelow == null) {
                byte[] record = reads.currentRecord(key);
                newestBelow = Optional.ofNullable(record == null ? null : reads.newestChange(record, revision - 1));
                newest.put(ByteBuffer.wrap(key), newestBelow);
                if (record != null && StateLayout.isDeleted(record) && StateLayout.recordRevision(record) < revision) {
                    deletedKeys.add(StateLayout.userKey(key));
                }
            }
            if (!change.equals(newestBelow.orElse(null)) || StateLayout.isDeleteEvent(event)) {
                dropped.add(change);
            }
        }
    }
}
