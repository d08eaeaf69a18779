package io.tern.cli.bench;

import io.tern.client.ReadOptions;
import io.tern.client.TernClient;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code put-get}: gets and puts of random keys, {@code readRatio} of them gets, each sent through one
 * of the clients picked at random (one client unless the load spreads over the endpoints).
 */
final class PutGetWorkload implements Workload {

    private final List<TernClient> clients;
    private final double readRatio;
    private final long keys;
    private final int keyWidth;
    private final ReadOptions readOptions;
    private final boolean fill;
    private final ValuePool values;

    PutGetWorkload(List<TernClient> clients, double readRatio, long keys, int keyWidth, int valueSize, ReadOptions readOptions,
                   boolean fill) {
        this.clients = List.copyOf(clients);
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
            TernClient writer = clients.getFirst();
            Preload.run(keys, n -> writer.putAsync(LoadGenerator.key(n, keyWidth), values.next(ThreadLocalRandom.current())));
        }
    }

    @Override
    public Request send(ThreadLocalRandom random) {
        boolean read = random.nextDouble() < readRatio;
        byte[] key = LoadGenerator.key(random.nextLong(keys), keyWidth);
        TernClient client = clients.get(random.nextInt(clients.size()));
        return new Request(read, read ? client.getAsync(key, readOptions) : client.putAsync(key, values.next(random)));
    }
}
