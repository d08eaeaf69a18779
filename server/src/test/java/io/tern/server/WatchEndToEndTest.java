package io.tern.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tern.client.CompactedException;
import io.tern.client.TernClient;
import io.tern.client.TernException;
import io.tern.client.WatchListener;
import io.tern.client.WatchOptions;
import io.tern.client.Watcher;
import io.tern.client.protocol.Opcode;
import io.tern.client.protocol.Response;
import io.tern.client.protocol.WatchRequests;
import io.tern.client.protocol.WatchResponses;
import io.tern.engine.state.Command;
import io.tern.kv.KeyRange;
import io.tern.kv.WatchEvent;
import io.tern.raft.core.Role;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Watches against real members in this JVM, through the Java client and raw connections. */
@Timeout(120)
class WatchEndToEndTest {

    @TempDir
    Path data;

    private final List<TernServer> servers = new ArrayList<>();
    private final List<TernServer> stopped = new ArrayList<>();
    private final List<TernClient> clients = new ArrayList<>();

    @AfterEach
    void stopAll() {
        clients.forEach(TernClient::close);
        servers.stream().filter(s -> !stopped.contains(s)).forEach(TernServer::close);
    }

    /** What a listener received, for assertions. */
    private static final class Received implements WatchListener {
        final List<WatchEvent> events = new CopyOnWriteArrayList<>();
        final CompletableFuture<TernException> closed = new CompletableFuture<>();

        @Override
        public void onEvents(List<WatchEvent> batch) {
            events.addAll(batch);
        }

        @Override
        public void onClosed(TernException error) {
            closed.complete(error);
        }

        void awaitCount(int n) throws InterruptedException {
            TestServers.await(n + " events (have " + events.size() + ")", Duration.ofSeconds(30),
                    () -> events.size() >= n);
        }

        List<String> described() {
            return events.stream().map(WatchEndToEndTest::describe).toList();
        }
    }

    private static String describe(WatchEvent e) {
        return e.type() + " " + text(e.kv().key()) + (e.type() == WatchEvent.Type.PUT ? "=" + text(e.kv().value()) : "");
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private TernServer single() throws InterruptedException {
        return single(TestServers.single(data.resolve("single")).withWatchProgressInterval(Duration.ofMillis(100)));
    }

    private TernServer single(ServerConfig config) throws InterruptedException {
        TernServer server = TernServer.start(config);
        servers.add(server);
        TestServers.await("a leader", Duration.ofSeconds(10), () -> server.node().status().role() == Role.LEADER);
        return server;
    }

    private List<TernServer> cluster() throws InterruptedException {
        SortedMap<Long, String> members = TestServers.cluster(3);
        for (long id : members.keySet()) {
            servers.add(TernServer.start(TestServers.config(id, data.resolve("node-" + id), members, true)));
        }
        TestServers.await("a leader known to all", Duration.ofSeconds(20), () -> {
            TernServer leader = servers.stream().filter(s -> s.node().status().role() == Role.LEADER).findFirst().orElse(null);
            return leader != null && servers.stream().allMatch(s -> s.node().status().leaderId() == leader.config().id());
        });
        return servers;
    }

    private TernServer leader() {
        return servers.stream().filter(s -> !stopped.contains(s) && s.node().status().role() == Role.LEADER)
                .findFirst().orElseThrow();
    }

    private TernClient client(TernServer... at) {
        List<String> endpoints = new ArrayList<>();
        for (TernServer server : at) {
            endpoints.add(server.config().advertisedAddress());
        }
        TernClient client = TernClient.builder().endpoints(endpoints).build();
        clients.add(client);
        return client;
    }

    @Test
    void aKeyAndAPrefixSeeTheirChangesInOrder() throws Exception {
        TernServer server = single();
        TernClient tern = client(server);
        Received key = new Received();
        Received prefix = new Received();
        try (Watcher k = tern.watches().watch(WatchOptions.key(bytes("a")), key);
             Watcher p = tern.watches().watch(WatchOptions.prefix(bytes("p/")), prefix)) {
            awaitCreated(tern);
            tern.put(bytes("a"), bytes("1"));
            tern.put(bytes("p/x"), bytes("2"));
            tern.put(bytes("b"), bytes("3"));
            tern.delete(bytes("a"));
            tern.put(bytes("p/y"), bytes("4"));
            tern.delete(bytes("p/x"));
            key.awaitCount(2);
            prefix.awaitCount(3);
        }
        assertEquals(List.of("PUT a=1", "DELETE a"), key.described());
        assertEquals(List.of("PUT p/x=2", "PUT p/y=4", "DELETE p/x"), prefix.described());
        assertNull(key.closed.get(5, TimeUnit.SECONDS), "closed by the caller: no error");
    }

    /** A watch that starts at 0 sees what follows its creation; a probe watch's first event says it is there. */
    private static void awaitCreated(TernClient tern) throws Exception {
        Received probe = new Received();
        try (Watcher w = tern.watches().watch(WatchOptions.key(bytes("__probe")), probe)) {
            TestServers.await("the probe to see its write", Duration.ofSeconds(10), () -> {
                tern.put(bytes("__probe"), bytes("x"));
                return !probe.events.isEmpty();
            });
        }
    }

    @Test
    void aWatchFromAPastRevisionWithPrevKvAndFilters() throws Exception {
        TernServer server = single();
        TernClient tern = client(server);
        long first = tern.put(bytes("a"), bytes("1"));
        tern.put(bytes("a"), bytes("2"));
        tern.delete(bytes("a"));
        tern.put(bytes("a"), bytes("3"));

        Received all = new Received();
        Received putsOnly = new Received();
        Received deletesOnly = new Received();
        try (Watcher w1 = tern.watches().watch(WatchOptions.key(bytes("a")).withStartRevision(first).withPrevKv(), all);
             Watcher w2 = tern.watches().watch(WatchOptions.key(bytes("a")).withStartRevision(first).withoutDeletes(), putsOnly);
             Watcher w3 = tern.watches().watch(WatchOptions.key(bytes("a")).withStartRevision(first).withoutPuts(), deletesOnly)) {
            all.awaitCount(4);
            putsOnly.awaitCount(3);
            deletesOnly.awaitCount(1);
        }
        assertEquals(List.of("PUT a=1", "PUT a=2", "DELETE a", "PUT a=3"), all.described());
        assertEquals(first, all.events.getFirst().revision());
        assertNull(all.events.get(0).prevKv(), "a was new");
        assertEquals("1", text(all.events.get(1).prevKv().value()));
        assertEquals("2", text(all.events.get(2).prevKv().value()));
        assertNull(all.events.get(3).prevKv(), "a had been deleted");
        assertEquals(List.of("PUT a=1", "PUT a=2", "PUT a=3"), putsOnly.described());
        assertNull(putsOnly.events.get(1).prevKv(), "no prevKv unless asked for");
        assertEquals(List.of("DELETE a"), deletesOnly.described());
    }

    @Test
    void aCancelledWatchGetsNothingMore() throws Exception {
        TernServer server = single();
        TernClient tern = client(server);
        Received cancelled = new Received();
        Watcher watcher = tern.watches().watch(WatchOptions.key(bytes("a")), cancelled);
        awaitCreated(tern);
        tern.put(bytes("a"), bytes("1"));
        cancelled.awaitCount(1);
        watcher.close();
        watcher.done().get(5, TimeUnit.SECONDS);

        Received later = new Received();
        try (Watcher w = tern.watches().watch(WatchOptions.key(bytes("a")), later)) {
            awaitCreated(tern);
            tern.put(bytes("a"), bytes("2"));
            later.awaitCount(1);
        }
        assertEquals(List.of("PUT a=1"), cancelled.described());
    }

    @Test
    void aStartBelowTheCompactionIsRefused() throws Exception {
        TernServer server = single();
        TernClient tern = client(server);
        long first = tern.put(bytes("a"), bytes("1"));
        long second = tern.put(bytes("a"), bytes("2"));
        server.node().propose(new Command.Compact(second).encode()).get(10, TimeUnit.SECONDS);

        Received received = new Received();
        Watcher watcher = tern.watches().watch(WatchOptions.key(bytes("a")).withStartRevision(first), received);
        ExecutionException failed = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> watcher.done().get(10, TimeUnit.SECONDS));
        CompactedException compacted = assertInstanceOf(CompactedException.class, failed.getCause());
        assertEquals(second, compacted.compactRevision());
        assertTrue(received.events.isEmpty());
    }

    @Test
    void aClientThatStopsReadingStallsNeitherWritesNorOtherWatchesAndLaterGetsEverything() throws Exception {
        // A connection whose answers sit unread for the stall timeout is closed (StallGuard); this one
        // pauses for less, as a slow consumer does, with its watch output bounded meanwhile.
        ServerConfig c = TestServers.single(data.resolve("single"));
        TernServer server = single(new ServerConfig(c.id(), c.dataDirectory(), c.cluster(), c.listen(), c.join(),
                c.heartbeat(), c.electionTimeout(), c.fsync(), c.snapshotEntries(), c.maxValueBytes(), c.forward(),
                c.requestTimeout(), c.maxConnections(), Duration.ofSeconds(60), c.maxPendingOutputBytes(), c.clusterId(),
                c.logRollCycle(), c.staleReadsForTesting(), c.diskReserveBytes(), c.diskCheckInterval(),
                c.watchProgressInterval()));
        TernClient tern = client(server);
        Received fast = new Received();
        String value = "v".repeat(8 * 1024);
        int writes = 600; // about 5 MiB of events, several times what the slow connection may hold unread
        try (RawConnection slow = new RawConnection(server.boundAddress());
             Watcher w = tern.watches().watch(WatchOptions.prefix(bytes("s/")), fast)) {
            slow.socket().setReceiveBufferSize(16 * 1024);
            slow.send(new WatchRequests.Create(1, KeyRange.prefix(bytes("s/")), 0, 0, 0));
            awaitCreated(tern);
            List<Long> revisions = new ArrayList<>();
            long began = System.nanoTime();
            for (int i = 0; i < writes; i++) {
                revisions.add(tern.put(bytes("s/" + i), bytes(value)));
            }
            fast.awaitCount(writes);
            assertTrue(System.nanoTime() - began < TimeUnit.SECONDS.toNanos(60), "writes were not held up");
            assertEquals(revisions, fast.events.stream().map(WatchEvent::revision).toList());

            // Now the slow client reads: every change, in order, once, its connection never dropped.
            assertInstanceOf(WatchResponses.Created.class, slow.receiveAnswerTo(Opcode.WATCH_CREATE));
            List<Long> seen = new ArrayList<>();
            while (seen.size() < writes) {
                Response frame = slow.receiveAnswerTo(Opcode.WATCH_CREATE);
                WatchResponses.Events events = assertInstanceOf(WatchResponses.Events.class, frame);
                events.events().forEach(e -> seen.add(e.revision()));
            }
            assertEquals(revisions, seen);
        }
    }

    @Test
    void progressNotificationsComeAtTheInterval() throws Exception {
        TernServer server = single();
        TernClient tern = client(server);
        long revision = tern.put(bytes("x"), bytes("1"));
        CompletableFuture<Long> progress = new CompletableFuture<>();
        try (Watcher w = tern.watches().watch(WatchOptions.key(bytes("a")).withProgressNotify(), new WatchListener() {
            @Override
            public void onEvents(List<WatchEvent> events) {
            }

            @Override
            public void onProgress(long at) {
                progress.complete(at);
            }
        })) {
            assertTrue(progress.get(10, TimeUnit.SECONDS) >= revision);
        }
    }

    @Test
    void aFollowerServesWatchesFromItsOwnState() throws Exception {
        cluster();
        TernServer leader = leader();
        TernServer follower = servers.stream().filter(s -> s != leader).findFirst().orElseThrow();
        TernClient atFollower = client(follower);
        TernClient writer = client(leader);
        Received received = new Received();
        try (Watcher w = atFollower.watches().watch(WatchOptions.prefix(bytes("f/")), received)) {
            awaitCreated(atFollower);
            for (int i = 0; i < 20; i++) {
                writer.put(bytes("f/" + i), bytes("v" + i));
            }
            received.awaitCount(20);
        }
        assertEquals(20, received.events.size());
        assertEquals("PUT f/19=v19", received.described().getLast());
    }

    @Test
    void aWatchGoesOnAtAnotherMemberWhenItsMemberStopsWithoutGapOrRepeat() throws Exception {
        cluster();
        TernServer leader = leader();
        List<TernServer> followers = servers.stream().filter(s -> s != leader).toList();
        TernClient watching = client(followers.get(0), followers.get(1));
        TernClient writer = client(leader);
        Received received = new Received();
        int writes = 200;
        try (Watcher w = watching.watches().watch(WatchOptions.prefix(bytes("r/")), received)) {
            awaitCreated(watching);
            List<Long> revisions = new ArrayList<>();
            for (int i = 0; i < writes; i++) {
                revisions.add(writer.put(bytes("r/" + (i % 13)), bytes("v" + i)));
                if (i == writes / 2) {
                    TernServer serving = followers.get(0);
                    stopped.add(serving);
                    serving.close();
                }
            }
            received.awaitCount(writes);
            assertEquals(revisions, received.events.stream().map(WatchEvent::revision).toList());
            assertNotNull(received.events.getLast());
            assertTrue(!w.done().isDone(), "the watch goes on");
        }
    }
}
