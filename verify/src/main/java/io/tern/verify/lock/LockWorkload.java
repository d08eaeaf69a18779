package io.tern.verify.lock;

import io.tern.client.KvResult;
import io.tern.client.TernClient;
import io.tern.client.TernClientBuilder;
import io.tern.client.TernException;
import io.tern.client.concurrency.Mutex;
import io.tern.client.concurrency.Session;
import io.tern.client.concurrency.SessionExpiredException;
import io.tern.kv.PutRequest;
import io.tern.kv.TxnResponse;
import io.tern.kv.VersionedKeyValue;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The lock recipe under test: contenders that each, over and over, take the lock
 * ({@link io.tern.client.concurrency.Mutex}), write a shared key under the lock's fence (a txn that
 * puts only if the holder's key still has its create revision) and release it. Each write the cluster
 * acknowledged is a {@link FencedWrite}; the {@link FencingChecker} then says whether two holders ever
 * wrote at once. Now and then a holder pauses the way a stalled process does: its session stops
 * renewing the lease, it waits until the lock has passed on and someone else has written, and then
 * writes again as if it still held the lock. That write must be refused by the fence.
 *
 * <p>Self-contained: it needs only a client builder for the cluster (each contender has a client of
 * its own, as a separate process would) and runs whatever faults the caller injects meanwhile.
 */
public final class LockWorkload {

    /**
     * @param contenders how many take turns at the lock
     * @param duration how long they go on taking it
     * @param ttlSeconds the TTL of each contender's session (raised to the cluster's minimum)
     * @param pauseProbability the chance that a holder pauses past its TTL instead of releasing
     * @param name the lock's name; its shared key is {@code NAME-fenced}
     * @param unfencedContenders how many of the contenders write without the fence: a planted bug, to
     *     show that the checker catches a paused holder's write (0 in a real run)
     */
    public record Config(int contenders, Duration duration, long ttlSeconds, double pauseProbability, String name,
                         int unfencedContenders) {

        public Config {
            Objects.requireNonNull(duration, "duration");
            Objects.requireNonNull(name, "name");
            if (contenders < 1) {
                throw new IllegalArgumentException("at least one contender, not " + contenders);
            }
            if (ttlSeconds < 1) {
                throw new IllegalArgumentException("the TTL must be at least 1 s, not " + ttlSeconds);
            }
            if (pauseProbability < 0 || pauseProbability > 1) {
                throw new IllegalArgumentException("the pause probability must be in [0, 1], not " + pauseProbability);
            }
            if (unfencedContenders < 0 || unfencedContenders > contenders) {
                throw new IllegalArgumentException("unfenced contenders must be in [0, " + contenders + "]");
            }
        }

        /** Three contenders with sessions of 2 s, pausing one time in ten. */
        public static Config of(Duration duration) {
            return new Config(3, duration, 2, 0.1, "verify-lock", 0);
        }

        public Config withContenders(int count) {
            return new Config(count, duration, ttlSeconds, pauseProbability, name, unfencedContenders);
        }

        public Config withTtlSeconds(long ttl) {
            return new Config(contenders, duration, ttl, pauseProbability, name, unfencedContenders);
        }

        public Config withPauseProbability(double probability) {
            return new Config(contenders, duration, ttlSeconds, probability, name, unfencedContenders);
        }

        public Config withName(String lockName) {
            return new Config(contenders, duration, ttlSeconds, pauseProbability, lockName, unfencedContenders);
        }

        /** Plants the bug of writing without the fence in {@code count} contenders. */
        public Config withUnfencedContenders(int count) {
            return new Config(contenders, duration, ttlSeconds, pauseProbability, name, count);
        }
    }

    /**
     * What the run did and what the checker found.
     *
     * @param anomalies the {@link FencingChecker}'s lines; empty when the holders took turns
     * @param acquisitions how many times a contender took the lock
     * @param fencedWrites the acknowledged writes made under the lock (the checker's input)
     * @param refusedFencedWrites fenced writes the cluster refused: holders that had lost the lock
     * @param failedCalls calls that failed (a fault, a timeout); a write among them is not counted
     */
    public record Result(List<String> anomalies, long acquisitions, List<FencedWrite> fencedWrites,
                         long refusedFencedWrites, long failedCalls) {

        public Result {
            anomalies = List.copyOf(anomalies);
            fencedWrites = List.copyOf(fencedWrites);
        }

        public String summary() {
            return "lock: " + acquisitions + " acquisitions, " + fencedWrites.size() + " fenced writes, "
                    + refusedFencedWrites + " refused, " + failedCalls + " failed calls, "
                    + (anomalies.isEmpty() ? "no anomalies" : anomalies.size() + " anomalies");
        }
    }

    private static final long POLL_MILLIS = 20;
    private static final long MAX_BACKOFF_MILLIS = 1_000;

    private final TernClientBuilder clients;
    private final Config config;
    private final long seed;
    private final List<FencedWrite> writes = Collections.synchronizedList(new ArrayList<>());
    private final AtomicLong acquisitions = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final List<Throwable> crashes = Collections.synchronizedList(new ArrayList<>());

    private LockWorkload(TernClientBuilder clients, Config config, long seed) {
        this.clients = clients;
        this.config = config;
        this.seed = seed;
    }

    /** Runs the contenders against the cluster {@code clients} reaches for the config's duration. */
    public static Result run(TernClientBuilder clients, Config config, long seed) throws InterruptedException {
        return new LockWorkload(Objects.requireNonNull(clients, "clients"), Objects.requireNonNull(config, "config"),
                seed).run();
    }

    private Result run() throws InterruptedException {
        long deadline = System.nanoTime() + config.duration().toNanos();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < config.contenders(); i++) {
            Contender contender = new Contender("contender-" + i, i < config.unfencedContenders(),
                    new SplittableRandom(seed + i), deadline);
            Thread thread = new Thread(contender::run, "lock-workload-" + i);
            thread.start();
            threads.add(thread);
        }
        // A contender ends its round within a few TTLs and request timeouts past the deadline.
        long grace = TimeUnit.SECONDS.toMillis(4 * config.ttlSeconds() + 60);
        for (Thread thread : threads) {
            thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())) + grace);
            if (thread.isAlive()) {
                throw new IllegalStateException(thread.getName() + " did not stop within " + grace + " ms of the end");
            }
        }
        if (!crashes.isEmpty()) {
            IllegalStateException crash = new IllegalStateException("a contender failed: " + crashes.get(0), crashes.get(0));
            crashes.stream().skip(1).forEach(crash::addSuppressed);
            throw crash;
        }
        List<FencedWrite> acknowledged = List.copyOf(writes);
        return new Result(FencingChecker.check(acknowledged), acquisitions.get(), acknowledged, refused.get(),
                failed.get());
    }

    private byte[] sharedKey() {
        return (config.name() + "-fenced").getBytes(StandardCharsets.UTF_8);
    }

    /** One contender: its own client, and a session renewed each time the previous one ended. */
    private final class Contender {
        private final String holder;
        private final boolean unfenced;
        private final SplittableRandom random;
        private final long deadline;
        private Session session;

        Contender(String holder, boolean unfenced, SplittableRandom random, long deadline) {
            this.holder = holder;
            this.unfenced = unfenced;
            this.random = random;
            this.deadline = deadline;
        }

        void run() {
            try (TernClient client = clients.build()) {
                long backoffMillis = 0;
                while (System.nanoTime() < deadline) {
                    try {
                        round(client);
                        backoffMillis = 0;
                    } catch (SessionExpiredException | TernException e) {
                        failed.incrementAndGet();
                        dropSession();
                        // Without a pause, a cluster with no quorum meets a tight loop of refused rounds.
                        backoffMillis = Math.min(MAX_BACKOFF_MILLIS, Math.max(POLL_MILLIS, 2 * backoffMillis));
                        Thread.sleep(backoffMillis);
                    }
                }
                dropSession();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException | Error e) {
                crashes.add(e);
            }
        }

        private void round(TernClient client) throws InterruptedException {
            if (session == null || session.isDone()) {
                session = Session.create(client, config.ttlSeconds());
            }
            Mutex mutex = new Mutex(session, config.name());
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            try {
                mutex.lock(Duration.ofNanos(left));
            } catch (TimeoutException e) {
                return;
            }
            acquisitions.incrementAndGet();
            long lockRevision = mutex.revision();
            write(client, mutex, lockRevision);
            if (random.nextDouble() < config.pauseProbability()) {
                pausePastTheTtl(client, lockRevision);
                write(client, mutex, lockRevision); // as if it still held the lock: the fence must refuse
                dropSession();
                return;
            }
            if (random.nextInt(4) == 0) {
                Thread.sleep(random.nextInt(1, 30)); // holds a moment, so that others queue up
            }
            mutex.unlock();
        }

        private void write(TernClient client, Mutex mutex, long lockRevision) {
            var txn = client.kv().txn();
            if (!unfenced) {
                txn.when(mutex.isOwner());
            }
            KvResult<TxnResponse> result = txn.then(PutRequest.of(sharedKey(),
                    Long.toString(lockRevision).getBytes(StandardCharsets.US_ASCII))).commit();
            if (result.response().succeeded()) {
                writes.add(new FencedWrite(holder, lockRevision, result.revision()));
            } else {
                refused.incrementAndGet();
            }
        }

        /**
         * A stall: the lease is no longer renewed, and the holder waits until another holder (a higher
         * lock revision) has written, or four TTLs passed.
         */
        private void pausePastTheTtl(TernClient client, long lockRevision) throws InterruptedException {
            session.orphan();
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(4 * config.ttlSeconds());
            while (System.nanoTime() < until && latestWriter(client) <= lockRevision) {
                Thread.sleep(POLL_MILLIS);
            }
        }

        private long latestWriter(TernClient client) {
            List<VersionedKeyValue> kvs = client.kv().get(sharedKey()).response().kvs();
            return kvs.isEmpty() ? 0 : Long.parseLong(new String(kvs.get(0).value(), StandardCharsets.US_ASCII));
        }

        private void dropSession() {
            Session ended = session;
            session = null;
            if (ended == null) {
                return;
            }
            try {
                ended.close();
            } catch (RuntimeException e) {
                failed.incrementAndGet(); // its lease expires after its TTL instead
            }
        }
    }
}
