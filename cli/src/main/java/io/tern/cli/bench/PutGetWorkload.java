package io.tern.cli.bench;

import io.tern.client.ReadOptions;
import io.tern.client.TernClient;
import java.util.concurrent.ThreadLocalRandom;

/** {@code put-get}: gets and puts of random keys, {@code readRatio} of them gets. */
final class PutGetWorkload implements Workload {

    private final TernClient client;
    private final double readRatio;
    private final long keys;
    private final int keyWidth;
    private final ReadOptions readOptions;
    private final boolean fill;
    private final ValuePool values;

    PutGetWorkload(TernClient client, double readRatio, long keys, int keyWidth, int valueSize, ReadOptions readOptions,
                   boolean fill) {
        this.client = client;
        this.readRatio = readRatio;
        this.keys = keys;
        this.keyWidth = keyWidth;
        this.readOptions = readOptions;
        this.fill = fill;
        this.values = new ValuePool(valueSize);
    }

    @Override
    public void prepare() {
        if (fill) {
            Preload.run(keys, n -> client.putAsync(LoadGenerator.key(n, keyWidth), values.next(ThreadLocalRandom.current())));
        }
    }

    @Override
    public Request send(ThreadLocalRandom random) {
        boolean read = random.nextDouble() < readRatio;
        byte[] key = LoadGenerator.key(random.nextLong(keys), keyWidth);
        return new Request(read, read ? client.getAsync(key, readOptions) : client.putAsync(key, values.next(random)));
    }
}
