package io.tern.verify.workload;

import io.tern.client.protocol.ReadMode;
import io.tern.verify.history.Call;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Picks the next call of a process: random GETs in both read modes, PUTs, DELETEs, CASes, BATCHes
 * and (when asked for) TXNs over a small key set, so that operations on the same key overlap often.
 *
 * <p>Keys come in pairs ({@code k0,k1}, {@code k2,k3}, ...) and a BATCH writes both keys of one
 * pair, as does a TXN (its guards and its writes). The checker splits a history into groups of keys that batches tie together; keeping the
 * groups to pairs keeps each search small while still checking that a batch is atomic.
 *
 * <p>A TXN's guards expect what this process last saw of their keys (or, now and then, absence), so
 * some hold and some do not as other processes write meanwhile.
 *
 * <p>Every written value is unique ({@code p<process>-<n>}), so a read names the write it saw.
 */
final class OperationMix {

    private final List<String> keys;
    private final Random random;
    private final int process;
    private final boolean txns;
    private int written;

    /** The values this process last wrote per key, used to aim CASes at likely-current values. */
    private final String[] lastSeen;

    /** @param txns whether the mix draws TXNs (5 % of the calls, taken from the BATCHes' share) */
    OperationMix(int keyCount, int process, long seed, boolean txns) {
        if (keyCount < 2 || keyCount % 2 != 0) {
            throw new IllegalArgumentException("the key count must be even and at least 2, was " + keyCount);
        }
        this.keys = keys(keyCount);
        this.random = new Random(seed);
        this.process = process;
        this.txns = txns;
        this.lastSeen = new String[keyCount];
    }

    /** The keys of a run: {@code k0 .. k<keyCount-1>}. */
    static List<String> keys(int keyCount) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < keyCount; i++) {
            names.add("k" + i);
        }
        return List.copyOf(names);
    }

    Call next() {
        int keyIndex = random.nextInt(keys.size());
        String key = keys.get(keyIndex);
        int roll = random.nextInt(100);
        if (roll < 30) {
            return new Call.Get(key, ReadMode.LINEARIZABLE);
        } else if (roll < 40) {
            return new Call.Get(key, ReadMode.LOCAL);
        } else if (roll < 65) {
            return new Call.Put(key, value());
        } else if (roll < 70) {
            return new Call.Delete(key);
        } else if (roll < 90) {
            String expected = random.nextInt(4) == 0 ? null : lastSeen[keyIndex];
            return new Call.Cas(key, expected, random.nextInt(8) == 0 ? null : value());
        } else if (roll < 95 || !txns) {
            return new Call.Batch(pairWrites(keyIndex, 2));
        } else {
            return txn(keyIndex);
        }
    }

    /**
     * A TXN over the pair of {@code keyIndex}: one or both keys guarded, one or both written; a guard
     * expects the value this process last saw there, or (one time in four) that the key is absent.
     */
    private Call.Txn txn(int keyIndex) {
        int first = keyIndex - keyIndex % 2;
        List<Call.Guard> guards = new ArrayList<>();
        if (random.nextBoolean()) {
            guards.add(guard(keyIndex));
        } else {
            guards.add(guard(first));
            guards.add(guard(first + 1));
        }
        return new Call.Txn(guards, pairWrites(keyIndex, 1 + random.nextInt(2)));
    }

    private Call.Guard guard(int keyIndex) {
        return new Call.Guard(keys.get(keyIndex), random.nextInt(4) == 0 ? null : lastSeen[keyIndex]);
    }

    /** Writes to {@code count} keys of {@code keyIndex}'s pair (both, or the one drawn); one in six deletes. */
    private List<Call.BatchWrite> pairWrites(int keyIndex, int count) {
        int first = keyIndex - keyIndex % 2;
        List<Call.BatchWrite> writes = new ArrayList<>();
        for (int k = count == 2 ? first : keyIndex; k < (count == 2 ? first + 2 : keyIndex + 1); k++) {
            writes.add(random.nextInt(6) == 0 ? Call.BatchWrite.delete(keys.get(k))
                    : Call.BatchWrite.put(keys.get(k), value()));
        }
        return writes;
    }

    /** Remembers a value this process saw at {@code key}, for later CASes. */
    void saw(String key, String value) {
        lastSeen[keys.indexOf(key)] = value;
    }

    private String value() {
        return "p" + process + "-" + (++written);
    }
}
