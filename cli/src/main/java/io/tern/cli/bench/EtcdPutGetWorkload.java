package io.tern.cli.bench;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.options.GetOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code put-get} through the etcd v3 API (jetcd): the same keys, values and mix as
 * {@link PutGetWorkload}, so that etcd and Tern's etcd port are measured by one load. A
 * serializable get is answered from the member's own state, like Tern's local read.
 */
final class EtcdPutGetWorkload implements Workload {

    private final EtcdConnections connections;
    private final double readRatio;
    private final long keys;
    private final int keyWidth;
    private final GetOption getOption;
    private final boolean fill;
    private final ValuePool values;

    EtcdPutGetWorkload(EtcdConnections connections, double readRatio, long keys, int keyWidth, int valueSize,
                       boolean serializable, boolean fill) {
        this.connections = connections;
        this.readRatio = readRatio;
        this.keys = keys;
        this.keyWidth = keyWidth;
        this.getOption = GetOption.builder().withSerializable(serializable).build();
        this.fill = fill;
        this.values = new ValuePool(valueSize);
    }

    @Override
    public void prepare() {
        if (fill) {
            Preload.run(keys, n -> connections.next().put(key(n), value(ThreadLocalRandom.current())));
        }
    }

    @Override
    public Request send(ThreadLocalRandom random) {
        boolean read = random.nextDouble() < readRatio;
        ByteSequence key = key(random.nextLong(keys));
        return new Request(read, read ? connections.next().get(key, getOption)
                : connections.next().put(key, value(random)));
    }

    private ByteSequence key(long n) {
        return ByteSequence.from(LoadGenerator.key(n, keyWidth));
    }

    private ByteSequence value(ThreadLocalRandom random) {
        return ByteSequence.from(values.next(random));
    }
}
