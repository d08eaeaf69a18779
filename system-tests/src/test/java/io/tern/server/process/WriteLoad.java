package io.tern.server.process;

import io.tern.client.GetResult;
import io.tern.client.OutcomeUnknownException;
import io.tern.client.ReadOptions;
import io.tern.client.TernClient;
import io.tern.client.UnavailableException;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Writer threads that put distinct keys ({@code prefix-tT-N}) back to back through one client and
 * record what became of each write: acknowledged (with its value and when it was sent and answered),
 * outcome unknown, or refused as unavailable (certainly not applied).
 */
final class WriteLoad implements AutoCloseable {

    /** An acknowledged write: sent at {@code sentNanos}, answered at {@code ackedNanos}. */
    record Ack(String key, String value, long revision, long sentNanos, long ackedNanos) {
    }

    private final TernClient client;
    private final String prefix;
    private final List<Thread> writers = new ArrayList<>();
    private final Map<String, Ack> acknowledged = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Ack> acks = new ConcurrentLinkedQueue<>();
    private final Set<String> unknown = ConcurrentHashMap.newKeySet();
    private final Set<String> refused = ConcurrentHashMap.newKeySet();
    private final ConcurrentLinkedQueue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
    private final AtomicLong attempts = new AtomicLong();
    private volatile boolean running = true;

    WriteLoad(TernClient client, String prefix, int threads) {
        this.client = client;
        this.prefix = prefix;
        for (int t = 0; t < threads; t++) {
            int thread = t;
            Thread writer = new Thread(() -> write(thread), "writer-" + prefix + "-" + t);
            writer.setDaemon(true);
            writers.add(writer);
        }
    }

    WriteLoad start() {
        writers.forEach(Thread::start);
        return this;
    }

    private void write(int thread) {
        for (long n = 0; running; n++) {
            String key = prefix + "-t" + thread + "-" + n;
            String value = key + "@" + System.nanoTime();
            attempts.incrementAndGet();
            long sent = System.nanoTime();
            try {
                long revision = client.put(bytes(key), bytes(value));
                Ack ack = new Ack(key, value, revision, sent, System.nanoTime());
                acknowledged.put(key, ack);
                acks.add(ack);
            } catch (OutcomeUnknownException e) {
                unknown.add(key);
            } catch (UnavailableException e) {
                refused.add(key);
            } catch (RuntimeException e) {
                unexpected.add(e);
            }
        }
    }

    int acknowledgedCount() {
        return acknowledged.size();
    }

    Map<String, Ack> acknowledged() {
        return Map.copyOf(acknowledged);
    }

    Set<String> unknown() {
        return Set.copyOf(unknown);
    }

    Set<String> refused() {
        return Set.copyOf(refused);
    }

    long attempts() {
        return attempts.get();
    }

    /** Waits until at least {@code count} writes were acknowledged in all. */
    void awaitAcknowledged(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (acknowledged.size() < count) {
            if (System.nanoTime() > deadline) {
                fail("only " + acknowledged.size() + " of " + count + " writes acknowledged within " + timeout
                        + " (" + summary() + ")");
            }
            Thread.sleep(10);
        }
    }

    /**
     * Waits until a write <b>sent</b> after {@code nanos} is acknowledged; returns when it was
     * answered, or empty at the deadline.
     */
    OptionalLong awaitAckSentAfter(long nanos, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            OptionalLong first = acks.stream().filter(a -> a.sentNanos() > nanos).mapToLong(Ack::ackedNanos).min();
            if (first.isPresent()) {
                return first;
            }
            Thread.sleep(5);
        }
        return OptionalLong.empty();
    }

    /** Stops the writers and waits until each has finished its last write. */
    void stop() throws InterruptedException {
        running = false;
        for (Thread writer : writers) {
            writer.join(TimeUnit.SECONDS.toMillis(60));
            if (writer.isAlive()) {
                fail(writer.getName() + " is still stuck in a write 60 s after the load stopped");
            }
        }
    }

    /** Fails on any error other than UNAVAILABLE or outcome-unknown. */
    void assertNoUnexpectedErrors() {
        if (!unexpected.isEmpty()) {
            AssertionError error = new AssertionError(unexpected.size() + " writes failed in an unexpected way, first: "
                    + unexpected.peek());
            unexpected.stream().limit(5).forEach(error::addSuppressed);
            throw error;
        }
    }

    /**
     * Checks through {@code reader}, with linearizable reads, that every acknowledged write holds its
     * value, and that no write refused as UNAVAILABLE was applied. Writes of unknown outcome may be
     * either way. Each key is written once, so an acknowledged key can hold no other value.
     */
    void verify(TernClient reader) {
        verify(reader, ReadOptions.linearizable());
    }

    /**
     * As {@link #verify(TernClient)} with reads served as {@code read} says: with a LOCAL read through
     * a client of one node, this checks that node's own state.
     */
    void verify(TernClient reader, ReadOptions read) {
        List<String> problems = new ArrayList<>();
        List<Ack> all = new ArrayList<>(acknowledged.values());
        for (int from = 0; from < all.size(); from += 256) {
            List<Ack> slice = all.subList(from, Math.min(all.size(), from + 256));
            List<CompletableFuture<GetResult>> reads = slice.stream().map(a -> reader.getAsync(bytes(a.key()), read)).toList();
            for (int i = 0; i < slice.size(); i++) {
                Ack ack = slice.get(i);
                GetResult got = reads.get(i).orTimeout(30, TimeUnit.SECONDS).join();
                if (!got.found()) {
                    problems.add("acknowledged " + ack.key() + " (revision " + ack.revision() + ") is missing");
                } else if (!ack.value().equals(text(got.value()))) {
                    problems.add("acknowledged " + ack.key() + " holds " + text(got.value()) + ", not " + ack.value());
                }
            }
        }
        for (String key : refused) {
            GetResult found = reader.get(bytes(key), read);
            if (found.found()) {
                problems.add(key + " was refused as UNAVAILABLE (not applied) but holds " + text(found.value()));
            }
        }
        if (!problems.isEmpty()) {
            fail(problems.size() + " problems with " + read.mode() + " reads, " + all.size() + " writes acknowledged ("
                    + summary() + "); first: "
                    + problems.subList(0, Math.min(10, problems.size())));
        }
    }

    String summary() {
        return attempts.get() + " attempts, " + acknowledged.size() + " acknowledged, " + unknown.size()
                + " outcome unknown, " + refused.size() + " unavailable, " + unexpected.size() + " unexpected errors";
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        for (Thread writer : writers) {
            writer.join(TimeUnit.SECONDS.toMillis(30));
        }
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
