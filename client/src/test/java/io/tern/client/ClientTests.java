package io.tern.client;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Shared helpers of the client tests. */
final class ClientTests {

    static final long WAIT_SECONDS = 10;

    private ClientTests() {
    }

    static byte[] b(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static String s(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    /** A client of {@code endpoints} without leader discovery, so the servers see only the test's requests. */
    static TernClientBuilder clientOf(String... endpoints) {
        return TernClient.builder().endpoints(List.of(endpoints)).discoverLeader(false)
                .requestTimeout(Duration.ofSeconds(WAIT_SECONDS / 2));
    }

    static <T> T result(CompletableFuture<T> future) throws Exception {
        return future.get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    /** Waits for {@code future} to fail and returns the cause, which must be a {@code type}. */
    static <E extends Throwable> E failure(Class<E> type, CompletableFuture<?> future) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> future.get(WAIT_SECONDS, TimeUnit.SECONDS));
        return assertInstanceOf(type, e.getCause(), () -> "failed with " + e.getCause());
    }

    /** Polls {@code condition} until it holds; fails after 10 s. */
    static void awaitCondition(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting until " + what);
            Thread.sleep(2);
        }
    }
}
