package io.tern.cli.bench;

import io.tern.client.ReadOptions;
import io.tern.client.TernClient;
import io.tern.kv.KeyRange;
import io.tern.kv.RangeRequest;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code range-history}: writes every key {@code versions} times, then reads single keys at random
 * revisions between the first of those writes and the last, so each read looks into the history
 * rather than at the current state. A read at a revision before the key's first write finds nothing.
 */
final class RangeHistoryWorkload implements Workload {

    private final TernClient client;
    private final long keys;
    private final int keyWidth;
    private final int versions;
    private final ReadOptions readOptions;
    private final ValuePool values;
    private long firstRevision;
    private long lastRevision;

    RangeHistoryWorkload(TernClient client, long keys, int keyWidth, int versions, int valueSize,
                         ReadOptions readOptions) {
        this.client = client;
        this.keys = keys;
        this.keyWidth = keyWidth;
        this.versions = versions;
        this.readOptions = readOptions;
        this.values = new ValuePool(valueSize);
    }

    @Override
    public void prepare() {
        AtomicLong first = new AtomicLong(Long.MAX_VALUE);
        AtomicLong last = new AtomicLong();
        for (int version = 0; version < versions; version++) {
            Preload.run(keys, n -> client.kv().putAsync(LoadGenerator.key(n, keyWidth), values.next(ThreadLocalRandom.current()))
                    .thenAccept(written -> {
                        first.accumulateAndGet(written.revision(), Math::min);
                        last.accumulateAndGet(written.revision(), Math::max);
                    }));
        }
        firstRevision = first.get();
        lastRevision = last.get();
    }

    /** The revisions the reads pick from, for the report: {@code [first, last]} of the history written. */
    long firstRevision() {
        return firstRevision;
    }

    long lastRevision() {
        return lastRevision;
    }

    @Override
    public Request send(ThreadLocalRandom random) {
        byte[] key = LoadGenerator.key(random.nextLong(keys), keyWidth);
        long revision = firstRevision + random.nextLong(lastRevision - firstRevision + 1);
        return new Request(true, client.kv().rangeAsync(RangeRequest.of(KeyRange.single(key)).atRevision(revision),
                readOptions));
    }
}
