package io.tern.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tern.client.TernClient;
import io.tern.client.TernException;
import io.tern.client.Watcher;
import io.tern.client.concurrency.Election;
import io.tern.client.concurrency.LeaderListener;
import io.tern.client.concurrency.Mutex;
import io.tern.client.concurrency.NotElectedException;
import io.tern.client.concurrency.Session;
import io.tern.kv.KeyRange;
import io.tern.kv.PutRequest;
import io.tern.kv.RangeRequest;
import io.tern.kv.TxnResponse;
import io.tern.kv.VersionedKeyValue;
import io.tern.raft.core.Role;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client's lock and election recipes ({@code io.tern.client.concurrency}) against three nodes in
 * this JVM (election timeout 500 ms, so the least lease TTL is 1 s).
 */
@Timeout(120)
class ConcurrencyRecipesTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path data;

    private SortedMap<Long, String> cluster;
    private final List<TernServer> servers = new ArrayList<>();
    private final List<TernServer> stopped = new ArrayList<>();
    private final List<AutoCloseable> closeables = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startCluster() throws InterruptedException {
        cluster = TestServers.cluster(3);
        for (long id : cluster.keySet()) {
            servers.add(TernServer.start(TestServers.config(id, data.resolve("node-" + id), cluster, true)));
        }
        awaitLeader();
    }

    @AfterEach
    void stopAll() throws Exception {
        for (AutoCloseable closeable : closeables) {
            closeable.close();
        }
        servers.forEach(TernServer::close);
    }

    private List<TernServer> running() {
        return servers.stream().filter(s -> !stopped.contains(s)).toList();
    }

    private TernServer awaitLeader() throws InterruptedException {
        TestServers.await("a leader", WAIT, () -> running().stream()
                .anyMatch(s -> s.node().status().role() == Role.LEADER));
        TernServer leader = running().stream().filter(s -> s.node().status().role() == Role.LEADER).findFirst()
                .orElseThrow();
        TestServers.await("every member to know the leader", WAIT, () -> running().stream()
                .allMatch(s -> s.node().status().leaderId() == leader.config().id()));
        return leader;
    }

    /** A client of every member, as a process of its own would have. */
    private TernClient client() {
        TernClient client = TernClient.builder().endpoints(new ArrayList<>(cluster.values()))
                .requestTimeout(Duration.ofSeconds(5)).build();
        closeables.add(client);
        return client;
    }

    private Session session(long ttlSeconds) {
        return Session.create(client(), ttlSeconds);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private boolean exists(TernClient client, byte[] key) {
        return !client.kv().get(key).response().kvs().isEmpty();
    }

    private List<VersionedKeyValue> keysUnder(TernClient client, String prefix) {
        return client.kv().range(RangeRequest.of(KeyRange.prefix(bytes(prefix)))).response().kvs();
    }

    // ---- the mutex ------------------------------------------------------------------------------

    /**
     * Contenders that each take the lock, read a counter and write it plus one under the lock's fence,
     * and check in this JVM that nobody else holds the lock meanwhile.
     */
    private final class CounterContenders {
        final String name;
        final AtomicInteger holding = new AtomicInteger();
        final AtomicInteger overlaps = new AtomicInteger();
        final AtomicInteger increments = new AtomicInteger();
        final List<long[]> fencedWrites = Collections.synchronizedList(new ArrayList<>()); // {lock rev, write rev}
        final List<Throwable> failures = new CopyOnWriteArrayList<>();
        final byte[] counter;

        CounterContenders(String name) {
            this.name = name;
            this.counter = bytes(name + "-counter");
        }

        /** One round: returns normally once it incremented, throws if a call failed (the lock is released). */
        void incrementOnce(Mutex mutex) throws Exception {
            mutex.lock(WAIT);
            try {
                if (holding.incrementAndGet() != 1) {
                    overlaps.incrementAndGet();
                }
                List<VersionedKeyValue> read = mutex.session().client().kv().get(counter).response().kvs();
                long value = read.isEmpty() ? 0 : Long.parseLong(text(read.get(0).value()));
                var written = mutex.session().client().kv().txn()
                        .when(mutex.isOwner())
                        .then(PutRequest.of(counter, bytes(Long.toString(value + 1))))
                        .commit();
                assertTrue(written.response().succeeded(), "the owner's fenced write was refused");
                fencedWrites.add(new long[] {mutex.revision(), written.revision()});
                increments.incrementAndGet();
            } finally {
                holding.decrementAndGet();
                mutex.unlock();
            }
        }

        Thread contender(int index, int rounds, AtomicBoolean faultTolerant) {
            Thread thread = new Thread(() -> {
                try (Session session = session(5)) {
                    Mutex mutex = new Mutex(session, name);
                    for (int done = 0; done < rounds; ) {
                        try {
                            incrementOnce(mutex);
                            done++;
                        } catch (TernException e) {
                            if (!faultTolerant.get()) {
                                throw e;
                            }
                        }
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            }, name + "-contender-" + index);
            thread.start();
            return thread;
        }

        void run(int contenders, int rounds, AtomicBoolean faultTolerant, Runnable meanwhile) throws Exception {
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < contenders; i++) {
                threads.add(contender(i, rounds, faultTolerant));
            }
            meanwhile.run();
            for (Thread thread : threads) {
                thread.join(TimeUnit.SECONDS.toMillis(90));
                assertFalse(thread.isAlive(), thread.getName() + " did not finish");
            }
            assertEquals(List.of(), failures, "contenders failed");
            assertEquals(0, overlaps.get(), "two contenders held the lock at once");
            List<long[]> byWrite = new ArrayList<>(fencedWrites);
            byWrite.sort((a, b) -> Long.compare(a[1], b[1]));
            for (int i = 1; i < byWrite.size(); i++) {
                assertTrue(byWrite.get(i)[0] >= byWrite.get(i - 1)[0], "a write under lock revision "
                        + byWrite.get(i)[0] + " came after one under " + byWrite.get(i - 1)[0]);
            }
        }
    }

    @Test
    void twoAndThenFiveContendersNeverHoldTheMutexAtOnce() throws Exception {
        for (int contenders : new int[] {2, 5}) {
            CounterContenders run = new CounterContenders("mutex-" + contenders);
            int rounds = 15;
            run.run(contenders, rounds, new AtomicBoolean(false), () -> { });
            TernClient reader = client();
            assertEquals(Integer.toString(contenders * rounds), text(reader.kv().get(run.counter).response().kvs().get(0).value()),
                    "no increment was lost");
            assertEquals(List.of(), keysUnder(reader, run.name + "/"), "every contender removed its key");
        }
    }

    @Test
    void theNextWaiterGetsTheLockWhenTheHolderUnlocks() throws Exception {
        Mutex first = new Mutex(session(10), "handover");
        Mutex second = new Mutex(session(10), "handover");
        first.lock(WAIT);
        assertArrayEquals(bytes("handover/" + Long.toHexString(first.session().leaseId())), first.key());
        assertEquals(first.revision(), first.session().client().kv().get(first.key()).response().kvs().get(0)
                .createRevision(), "the revision is the key's create revision");
        CompletableFuture<Void> waiting = second.lockAsync();
        TestServers.await("the waiter's key", WAIT, () -> exists(first.session().client(), second.key()));
        assertFalse(waiting.isDone(), "the waiter got the lock while it was held");
        long firstRevision = first.revision();
        first.unlock();
        waiting.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertTrue(second.revision() > firstRevision, "the fencing token grows from one holder to the next");
        assertEquals(second.revision(), second.session().client().kv().get(second.key()).response().kvs().get(0)
                .createRevision());
        assertFalse(exists(second.session().client(), first.key()), "the holder's key is gone");
        assertThrows(IllegalStateException.class, first::revision, "an unlocked mutex has no revision");
    }

    /**
     * A release that arrives late (an unlock or a failed attempt's clean-up whose answer was lost in
     * a failover, applied after the session locked again) must not take away the place taken since:
     * here a second mutex of the same session takes the same key again, and the first one's unlock
     * comes after it.
     */
    @Test
    void anUnlockReleasesOnlyThePlaceItTookNotOneTakenAgainSince() throws Exception {
        Session session = session(10);
        Mutex earlier = new Mutex(session, "again");
        Mutex later = new Mutex(session, "again");
        earlier.lock(WAIT);
        later.lock(WAIT); // the session's own key: taken again at once
        earlier.unlock();
        assertTrue(exists(session.client(), later.key()), "the place taken again was released by an earlier unlock");
        TxnResponse fenced = session.client().kv().txn().when(later.isOwner())
                .then(PutRequest.of(bytes("again-guarded"), bytes("by the later holder"))).commit().response();
        assertTrue(fenced.succeeded(), "the later holder lost the lock to an earlier holder's unlock");
        later.unlock();
        assertFalse(exists(session.client(), later.key()), "the later holder's own unlock releases it");
    }

    /**
     * A lock that fails has already given its place up by the time it says so: a caller who tries
     * again at once must not race the clean-up of its own failed attempt.
     */
    @Test
    void aFailedLockHasGivenItsPlaceUpWhenItFails() throws Exception {
        Mutex holder = new Mutex(session(10), "failing");
        Mutex waiter = new Mutex(session(10), "failing");
        TernClient reader = holder.session().client();
        holder.lock(WAIT);
        CompletableFuture<Void> waiting = waiter.lockAsync();
        TestServers.await("the waiter's key", WAIT, () -> exists(reader, waiter.key()));
        waiter.session().orphan(); // the session ends while it waits
        ExecutionException failed = assertThrows(ExecutionException.class, () -> waiting.get(WAIT.toSeconds(), TimeUnit.SECONDS));
        assertInstanceOf(io.tern.client.concurrency.SessionExpiredException.class, failed.getCause());
        assertFalse(exists(reader, waiter.key()), "the failed waiter's key was still there when it failed");
    }

    @Test
    void aLockWhoseHolderStopsKeepingItAlivePassesAfterTheTtl() throws Exception {
        Mutex holder = new Mutex(session(2), "abandoned");
        Mutex next = new Mutex(session(10), "abandoned");
        holder.lock(WAIT);
        var fence = holder.isOwner();
        CompletableFuture<Void> waiting = next.lockAsync();
        TestServers.await("the waiter's key", WAIT, () -> exists(next.session().client(), next.key()));
        long abandoned = System.nanoTime();
        holder.session().orphan(); // a holder that hangs: no revoke, no more renewals
        assertInstanceOf(io.tern.client.concurrency.SessionExpiredException.class,
                assertThrows(ExecutionException.class, () -> holder.session().done().get()).getCause());
        waiting.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        long passedAfter = System.nanoTime() - abandoned;
        // The last renewal went out at most a third of the TTL before the orphaning.
        assertTrue(passedAfter >= TimeUnit.SECONDS.toNanos(2) * 2 / 3 - TimeUnit.MILLISECONDS.toNanos(100),
                "passed after " + TimeUnit.NANOSECONDS.toMillis(passedAfter) + " ms, before the TTL ran out");
        TxnResponse late = holder.session().client().kv().txn().when(fence)
                .then(PutRequest.of(bytes("guarded"), bytes("stale holder"))).commit().response();
        assertFalse(late.succeeded(), "the old holder's fenced write was refused");
        assertFalse(exists(next.session().client(), bytes("guarded")));
    }

    @Test
    void aCancelledWaiterLeavesNoKey() throws Exception {
        Mutex holder = new Mutex(session(10), "cancel");
        Mutex quitter = new Mutex(session(10), "cancel");
        Mutex timedOut = new Mutex(session(10), "cancel");
        Mutex later = new Mutex(session(10), "cancel");
        TernClient reader = holder.session().client();
        holder.lock(WAIT);

        CompletableFuture<Void> waiting = quitter.lockAsync();
        TestServers.await("the waiter's key", WAIT, () -> exists(reader, quitter.key()));
        assertTrue(waiting.cancel(true));
        TestServers.await("the cancelled waiter's key to go", WAIT, () -> !exists(reader, quitter.key()));

        assertThrows(TimeoutException.class, () -> timedOut.lock(Duration.ofMillis(300)));
        TestServers.await("the timed-out waiter's key to go", WAIT, () -> !exists(reader, timedOut.key()));
        assertEquals(1, keysUnder(reader, "cancel/").size(), "only the holder's key is left");

        holder.unlock();
        later.lock(WAIT); // nobody left ahead of it
        assertThrows(CancellationException.class, waiting::join);
    }

    @Test
    void killingTheRaftLeaderWhileContendersWaitNeverMakesTwoHolders() throws Exception {
        CounterContenders run = new CounterContenders("failover");
        AtomicBoolean tolerant = new AtomicBoolean(true); // a call may fail while the cluster elects
        run.run(3, 20, tolerant, () -> {
            try {
                TestServers.await("some rounds before the kill", WAIT, () -> run.increments.get() >= 5);
                TernServer leader = awaitLeader();
                leader.close();
                stopped.add(leader);
                TernServer next = awaitLeader();
                assertTrue(next != leader);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        assertTrue(run.increments.get() >= 60, "every contender finished its rounds: " + run.increments.get());
    }

    // ---- the election ---------------------------------------------------------------------------

    /** What an observer heard: leaders as "key=value". */
    private static final class Leaders implements LeaderListener {
        final List<String> heard = new CopyOnWriteArrayList<>();

        @Override
        public void onLeader(VersionedKeyValue leader) {
            heard.add(text(leader.key()) + "=" + text(leader.value()));
        }

        @Override
        public void onNoLeader(long revision) {
            heard.add("none");
        }
    }

    @Test
    void oneLeaderAtATimeProclaimOnlyByItResignHandsOverAndObserveSeesEachInOrder() throws Exception {
        Session watcherSession = session(10);
        Leaders observed = new Leaders();
        Watcher observing = new Election(watcherSession, "elect").observe(observed);
        closeables.add(observing);
        TestServers.await("the observer's first word", WAIT, () -> observed.heard.equals(List.of("none")));

        List<Election> candidates = new ArrayList<>();
        List<CompletableFuture<Void>> campaigns = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Election candidate = new Election(session(10), "elect");
            candidates.add(candidate);
            campaigns.add(candidate.campaignAsync(bytes("candidate-" + i)));
            // In order, so the line is known: each waits for its key before the next campaigns.
            TestServers.await("candidate " + i + "'s key", WAIT, () -> exists(watcherSession.client(), candidate.key()));
        }
        campaigns.get(0).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertFalse(campaigns.get(1).isDone() || campaigns.get(2).isDone(), "more than one leader");
        Election first = candidates.get(0);
        VersionedKeyValue leader = first.leader().orElseThrow();
        assertArrayEquals(first.key(), leader.key());
        assertEquals(first.revision(), leader.createRevision());

        first.proclaim(bytes("proclaimed"));
        assertEquals("proclaimed", text(candidates.get(2).leader().orElseThrow().value()));
        assertThrows(NotElectedException.class, () -> candidates.get(1).proclaim(bytes("usurper")));
        assertEquals("proclaimed", text(first.leader().orElseThrow().value()), "a follower's proclaim changed nothing");

        first.resign();
        campaigns.get(1).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertFalse(campaigns.get(2).isDone());
        assertArrayEquals(candidates.get(1).key(), first.leader().orElseThrow().key());
        candidates.get(1).resign();
        campaigns.get(2).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        candidates.get(2).session().close(); // closing the session steps down too
        TestServers.await("no leader", WAIT, () -> first.leader().isEmpty());

        List<String> expected = new ArrayList<>(List.of("none"));
        expected.add(text(first.key()) + "=candidate-0");
        expected.add(text(first.key()) + "=proclaimed");
        expected.add(text(candidates.get(1).key()) + "=candidate-1");
        expected.add(text(candidates.get(2).key()) + "=candidate-2");
        expected.add("none");
        TestServers.await("the observer to hear every leader", WAIT, () -> observed.heard.size() >= expected.size());
        assertEquals(expected, observed.heard);
    }
}
