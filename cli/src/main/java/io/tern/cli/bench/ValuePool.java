package io.tern.cli.bench;

import java.util.concurrent.ThreadLocalRandom;

/** Random (incompressible) values of one size, drawn from a pool so that making them costs nothing per request. */
final class ValuePool {

    /** The values are drawn from a pool this large, capped by {@link #POOL_BYTES}. */
    private static final int POOL_SIZE = 1024;
    private static final long POOL_BYTES = 64L * 1024 * 1024;

    private final byte[][] values;

    ValuePool(int valueSize) {
        int poolSize = (int) Math.max(1, Math.min(POOL_SIZE, POOL_BYTES / Math.max(1, valueSize)));
        this.values = new byte[poolSize][valueSize];
        for (byte[] value : values) {
            ThreadLocalRandom.current().nextBytes(value);
        }
    }

    byte[] next(ThreadLocalRandom random) {
        return values[random.nextInt(values.length)];
    }
}
