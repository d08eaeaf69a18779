package io.tern.bench.engine;

import io.tern.engine.EngineConfig;
import io.tern.engine.FsyncPolicy;
import io.tern.engine.StorageEngine;
import io.tern.engine.cluster.ClusterIdentity;
import io.tern.raft.types.EntryKind;
import io.tern.raft.types.LogEntry;
import io.tern.engine.state.Command;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Builds the data the engine benchmarks start from: COMMAND entries that put 100-byte values under
 * 12-byte keys ({@code key-00000000}), appended to the log and applied, in batches of 4096 with the
 * log's fsync off, so that a million entries take seconds to prepare.
 */
final class EngineFixtures {

    static final ClusterIdentity IDENTITY = new ClusterIdentity("bench", 1);
    static final int VALUE_BYTES = 100;
    static final int FILL_BATCH = 4096;
    /** Odd and not a multiple of 5, so {@code i * STRIDE mod n} visits every key of a power-of-ten key space once. */
    private static final long STRIDE = 982_451_653L;

    private EngineFixtures() {
    }

    static EngineConfig options(Path directory, FsyncPolicy fsync) {
        return EngineConfig.defaults(directory, IDENTITY, fsync);
    }

    static byte[] key(long number) {
        return String.format("key-%08d", number).getBytes(StandardCharsets.US_ASCII);
    }

    /** The log payload of a put of a random 100-byte value under key {@code number}. */
    static byte[] putPayload(long number, SplittableRandom random) {
        return putPayload(number, VALUE_BYTES, random);
    }

    /** The log payload of a put of a random value of {@code valueBytes} under key {@code number}. */
    static byte[] putPayload(long number, int valueBytes, SplittableRandom random) {
        byte[] value = new byte[valueBytes];
        random.nextBytes(value);
        return new Command.Put(key(number), value).encode();
    }

    /**
     * Appends and applies {@code count} puts after the engine's applied index: when {@code keySpace}
     * equals {@code count} (a power of ten) every key of {@code 0..keySpace-1} is written exactly
     * once, in a scattered order; otherwise keys wrap around.
     */
    static void fill(StorageEngine engine, long count, long keySpace, SplittableRandom random) {
        long next = engine.appliedIndex() + 1;
        long end = next + count;
        long written = 0;
        while (next < end) {
            int size = (int) Math.min(FILL_BATCH, end - next);
            List<LogEntry> batch = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                long keyNumber = Math.floorMod((written + i) * STRIDE, keySpace);
                batch.add(new LogEntry(next + i, 1, EntryKind.COMMAND, putPayload(keyNumber, random)));
            }
            engine.log().append(batch);
            engine.log().sync();
            engine.apply(batch);
            next += size;
            written += size;
        }
        engine.log().sync();
    }
}
