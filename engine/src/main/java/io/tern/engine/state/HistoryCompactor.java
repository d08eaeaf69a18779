package io.tern.engine.state;

import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
 * walks the whole index, which costs in proportion to the history kept; done inside the apply, it
 * would stall every write behind it. Here it runs on a thread of its own, in bounded batches, and
 * records how far it got ({@link StateLayout#PURGED_KEY}) once a pass is complete; a pass cut short
 * by a crash or a close is simply run again on the next open. The entries it deletes are ones no read
 * looks at (superseded changes below R: reads below R are refused, reads at or above R find the newest
 * change below R first), and the applier never writes below R, so the two never race. Members may
 * hold some of that garbage for a while; once their passes are done, their states are identical.
 */
final class HistoryCompactor implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HistoryCompactor.class);

    /** Changes deleted per write, so that a pass interleaves with the applier and with close. */
    static final int DELETES_PER_BATCH = 10_000;

    /** Runs {@code work} on the open store, or returns false if the store is closed. */
    interface OpenStore {
        boolean whileOpen(StoreWork work) throws RocksDBException;
    }

    interface StoreWork {
        void run(RocksDB db) throws RocksDBException;
    }

    private final OpenStore store;
    /** Used only inside {@link OpenStore#whileOpen}, like the database it belongs to. */
    private final ColumnFamilyHandle events;
    private final WriteOptions writeOptions;
    private final String name;
    private final ExecutorService thread;
    private final Object progress = new Object();
    private boolean passQueued;

    HistoryCompactor(OpenStore store, ColumnFamilyHandle events, WriteOptions writeOptions, String name) {
        this.store = store;
        this.events = events;
        this.writeOptions = writeOptions;
        this.name = name;
        this.thread = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("tern-history-purge").daemon().factory());
    }

    /** The compaction revision moved (or the store opened): a pass will bring the history down to it. */
    void requestPass() {
        synchronized (progress) {
            if (passQueued) {
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
        try {
            while (!Thread.currentThread().isInterrupted()) {
                long[] target = new long[1];
                boolean open = store.whileOpen(db -> target[0] = needed(db));
                if (!open || target[0] == 0 || !pass(target[0])) {
                    break;
                }
            }
        } catch (RocksDBException | RuntimeException e) {
            // The next compaction or open tries again; nothing read depends on the purge.
            log.warn("purging the history of {} failed: {}", name, e.toString());
        } finally {
            synchronized (progress) {
                passQueued = false;
                progress.notifyAll();
            }
        }
    }

    /** The compaction revision if the history has not been purged down to it yet, else 0. */
    private static long needed(RocksDB db) throws RocksDBException {
        long compacted = StateLayout.compactionRevision(db.get(StateLayout.COMPACTION_KEY));
        long purged = StateLayout.compactionRevision(db.get(StateLayout.PURGED_KEY));
        return compacted > purged ? compacted : 0;
    }

    /** One pass down to {@code revision}; false if the store closed or the thread was stopped first. */
    private boolean pass(long revision) throws RocksDBException {
        long started = System.nanoTime();
        long dropped = 0;
        byte[] resumeAt = StateLayout.INDEX_START;
        while (resumeAt != null) {
            if (Thread.currentThread().isInterrupted()) {
                return false;
            }
            Chunk chunk = new Chunk();
            byte[] from = resumeAt;
            if (!store.whileOpen(db -> chunk.collect(db, from, revision))) {
                return false;
            }
            if (!chunk.dropped.isEmpty()) {
                boolean written = store.whileOpen(db -> {
                    try (WriteBatch batch = new WriteBatch()) {
                        for (byte[] indexKey : chunk.dropped) {
                            batch.delete(indexKey);
                            batch.delete(events, StateLayout.eventKey(StateLayout.indexRevision(indexKey),
                                    StateLayout.indexSub(indexKey)));
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

    /**
     * The superseded changes of whole key groups from {@code resumeAt} on, at least
     * {@link #DELETES_PER_BATCH} of them unless the index ends first; a group is never split, so the
     * next chunk starts at a key's first change.
     */
    private static final class Chunk {
        final List<byte[]> dropped = new ArrayList<>();
        /** Where the next chunk starts; null at the end of the index. */
        byte[] resumeAt;

        void collect(RocksDB db, byte[] from, long revision) throws RocksDBException {
            try (RocksIterator iterator = db.newIterator()) {
                byte[] groupPrefix = null;
                byte[] pending = null; // the newest change below the revision seen so far in this key's group
                boolean pendingIsPut = false;
                for (iterator.seek(from); iterator.isValid(); iterator.next()) {
                    byte[] indexKey = iterator.key();
                    if (Arrays.compareUnsigned(indexKey, StateLayout.INDEX_END) >= 0) {
                        break;
                    }
                    boolean sameKey = groupPrefix != null
                            && indexKey.length - StateLayout.POSITION_BYTES == groupPrefix.length
                            && Arrays.equals(indexKey, 0, groupPrefix.length, groupPrefix, 0, groupPrefix.length);
                    if (!sameKey) {
                        if (pending != null && !pendingIsPut) {
                            dropped.add(pending);
                        }
                        pending = null;
                        if (dropped.size() >= DELETES_PER_BATCH) {
                            resumeAt = indexKey;
                            return;
                        }
                        groupPrefix = Arrays.copyOf(indexKey, indexKey.length - StateLayout.POSITION_BYTES);
                    }
                    if (StateLayout.indexRevision(indexKey) >= revision) {
                        continue;
                    }
                    if (pending != null) {
                        dropped.add(pending);
                    }
                    pending = indexKey;
                    pendingIsPut = iterator.value()[0] == StateLayout.TYPE_PUT;
                }
                iterator.status();
                if (pending != null && !pendingIsPut) {
                    dropped.add(pending);
                }
            }
        }
    }
}
