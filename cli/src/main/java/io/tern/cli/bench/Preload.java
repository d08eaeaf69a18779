package io.tern.cli.bench;

import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongFunction;

/** Sends a workload's setup requests (history writes, lease grants) a bounded number at a time. */
final class Preload {

    private static final int IN_FLIGHT = 256;

    private Preload() {
    }

    /** Sends {@code request(0) .. request(count - 1)}, waiting for each batch; a failure ends it. */
    static void run(long count, LongFunction<CompletableFuture<?>> request) {
        CompletableFuture<?>[] batch = new CompletableFuture<?>[IN_FLIGHT];
        for (long first = 0; first < count; first += IN_FLIGHT) {
            int size = (int) Math.min(IN_FLIGHT, count - first);
            for (int i = 0; i < size; i++) {
                batch[i] = request.apply(first + i);
            }
            CompletableFuture.allOf(Arrays.copyOf(batch, size)).join();
        }
    }
}
