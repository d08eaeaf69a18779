package io.tern.engine.state;

import io.tern.kv.VersionedKeyValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;

import java.nio.file.Path;

import static io.tern.engine.state.TestEntries.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * The hashes see the history as compaction leaves it: a member whose background purge has not yet
 * deleted the superseded changes below the compaction revision hashes like one whose purge is done.
 */
class StateHasherTest {

    private static final long COMPACTED = 5;

    @TempDir
    Path dir;

    @Test
    void garbageBelowTheCompactionRevisionIsNotHashed() throws RocksDBException {
        try (StateFamilies unpurged = StateFamilies.open(dir.resolve("unpurged"));
             StateFamilies purged = StateFamilies.open(dir.resolve("purged"));
             StateFamilies other = StateFamilies.open(dir.resolve("other"));
             ReadOptions read = new ReadOptions()) {
            // What compaction keeps below 5: a's put at 2; b's newest change below 5 is a delete: nothing.
            // Both purged and unpurged applied the same changes; other differs in the put compaction keeps.
            for (StateFamilies db : new StateFamilies[] {unpurged, purged, other}) {
                change(db, "a", "a1", 1);
                change(db, "a", db == other ? "a2-other" : "a2", 2);
                change(db, "b", "b3", 3);
                change(db, "b", null, 4);
                change(db, "c", "c5", 5);
                change(db, "a", "a6", 6);
                db.db().put(StateLayout.APPLIED_KEY, StateLayout.encodeApplied(6, 1));
                db.db().put(StateLayout.COMPACTION_KEY, StateLayout.encodeLong(COMPACTED));
            }
            // What the purge deletes below 5: a's put at 1, and all of b (its newest change below 5 deleted it).
            for (long revision : new long[] {1, 3, 4}) {
                purged.db().delete(purged.events(), StateLayout.eventKey(revision, 0));
            }
            purged.db().delete(StateLayout.userKey(bytes("b")));
            purged.db().put(StateLayout.PURGED_KEY, StateLayout.encodeLong(COMPACTED));

            assertEquals(StateHasher.history(purged, read, COMPACTED, 6), StateHasher.history(unpurged, read, COMPACTED, 6));
            assertEquals(StateHasher.state(purged, read, COMPACTED, 6), StateHasher.state(unpurged, read, COMPACTED, 6));
            assertNotEquals(StateHasher.history(purged, read, COMPACTED, 6), StateHasher.history(other, read, COMPACTED, 6),
                    "the change compaction keeps is hashed");
            assertNotEquals(StateHasher.history(purged, read, COMPACTED, 6), StateHasher.history(purged, read, COMPACTED, 5),
                    "changes above the revision asked for are not");
        }
    }

    /** Writes a put of {@code value} (a delete if null) at {@code revision} as the applier does, chain and all. */
    private static void change(StateFamilies db, String key, String value, long revision) throws RocksDBException {
        byte[] userKey = StateLayout.userKey(bytes(key));
        byte[] head = db.db().get(userKey);
        ChangeChain.Step step = head == null ? ChangeChain.first(revision, 0)
                : StateLayout.recordChain(head).next(revision, 0);
        if (value == null) {
            db.db().put(db.events(), StateLayout.eventKey(revision, 0),
                    StateLayout.encodeDeleteEvent(bytes(key), step.links()));
            db.db().put(userKey, StateLayout.encodeDeletedRecord(step.chain()));
        } else {
            VersionedKeyValue kv = new VersionedKeyValue(bytes(key), bytes(value), revision, revision, 1, 0);
            db.db().put(db.events(), StateLayout.eventKey(revision, 0), StateLayout.encodePutEvent(kv, step.links()));
            db.db().put(userKey, StateLayout.encodeLiveRecord(kv, step.chain()));
        }
    }
}
