package io.tern.etcd;

import static io.tern.etcd.EtcdKvTest.b;
import static io.tern.etcd.EtcdKvTest.bs;
import static io.tern.etcd.EtcdKvTest.done;
import static io.tern.etcd.EtcdKvTest.s;
import static io.tern.etcd.RawWatchStream.watchKey;
import static io.tern.etcd.WatchRecorder.described;
import static io.tern.etcd.WatchRecorder.watching;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.tern.etcd.api.EtcdServerPb.WatchCreateRequest;
import io.tern.etcd.api.EtcdServerPb.WatchResponse;
import io.tern.server.TernServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * etcd's Watch service on one member, driven by jetcd as an application would and, for what jetcd's
 * API hides (many watches on one stream, the exact responses, fragments, a client that stops reading),
 * by jetcd's generated stub. Each test keeps to keys of its own prefix.
 */
@Timeout(120)
class EtcdWatchTest {

    /** Under {@link EtcdMembers#MAX_VALUE_BYTES}, and big enough that a few make a large revision. */
    private static final int BIG_VALUE_BYTES = 60 * 1024;

    @TempDir
    static Path data;

    private static EtcdMembers members;
    private static TernServer member;
    private static KV kv;
    private static Watch watch;
    private static ManagedChannel channel;

    @BeforeAll
    static void start() {
        members = EtcdMembers.start(1, data);
        member = members.only();
        Client client = members.jetcd(member);
        kv = client.getKVClient();
        watch = client.getWatchClient();
        channel = members.channel(member);
    }

    @AfterAll
    static void stop() {
        if (members != null) {
            members.close();
        }
    }

    /** The watches a test opened through jetcd. */
    private final List<Watch.Watcher> watchers = new ArrayList<>();

    @AfterEach
    void closeWatchers() {
        watchers.forEach(Watch.Watcher::close);
    }

    @Test
    void aWatchFromAPastRevisionSendsTheHistoryThenTheLiveChanges() throws Exception {
        long created = put("past/a", "v1");
        long updated = put("past/a", "v2");
        long deleted = delete("past/a");
        WatchRecorder seen = new WatchRecorder();
        try (Watch.Watcher ignored = watch.watch(b("past/a"), WatchOption.builder().withRevision(created).build(), seen)) {
            assertEquals(List.of("PUT past/a=v1@" + created, "PUT past/a=v2@" + updated, "DELETE past/a=@" + deleted),
                    described(seen.awaitEvents(3)));
            long recreated = put("past/a", "v3");
            assertEquals("PUT past/a=v3@" + recreated, WatchRecorder.described(seen.awaitEvents(4).get(3)));

            KeyValue second = seen.events().get(1).getKeyValue();
            assertEquals(created, second.getCreateRevision());
            assertEquals(2, second.getVersion());
            KeyValue again = seen.events().get(3).getKeyValue();
            assertEquals(recreated, again.getCreateRevision());
            assertEquals(1, again.getVersion());
            for (io.etcd.jetcd.watch.WatchResponse response : seen.responses()) {
                for (WatchEvent event : response.getEvents()) {
                    assertTrue(response.getHeader().getRevision() >= event.getKeyValue().getModRevision(),
                            "the header's revision is the store's, which has the event");
                }
                assertEquals(member.config().id(), response.getHeader().getMemberId());
            }
            assertTrue(seen.errors().isEmpty(), seen.errors().toString());
        }
    }

    @Test
    void aPrefixWatchSeesTheKeysUnderThePrefixOnly() throws Exception {
        WatchRecorder seen = watching(watch, "prefix/", WatchOption.builder().isPrefix(true), watchers);
        long a = put("prefix/a", "1");
        put("prefix0", "outside");
        put("prefiw", "outside");
        long b = put("prefix/b", "2");
        // Changes come in revision order: once prefix/b has come, the others would have come before it.
        assertEquals(List.of("PUT prefix/a=1@" + a, "PUT prefix/b=2@" + b), described(seen.awaitEvents(2)));
        assertEquals(2, seen.events().size());
    }

    @Test
    void prevKvCarriesTheKeyAsItWasBeforeTheChange() throws Exception {
        WatchRecorder withPrevious = watching(watch, "prevkv/k", WatchOption.builder().withPrevKV(true), watchers);
        WatchRecorder without = watching(watch, "prevkv/k", WatchOption.builder(), watchers);
        long first = put("prevkv/k", "v1");
        put("prevkv/k", "v2");
        delete("prevkv/k");
        List<WatchEvent> events = withPrevious.awaitEvents(3);
        assertTrue(events.get(0).getPrevKV().getKey().isEmpty(), "nothing was there before the first put");
        assertEquals("v1", s(events.get(1).getPrevKV().getValue()));
        assertEquals(first, events.get(1).getPrevKV().getModRevision());
        assertEquals(WatchEvent.EventType.DELETE, events.get(2).getEventType());
        assertEquals("v2", s(events.get(2).getPrevKV().getValue()));
        assertEquals("prevkv/k", s(events.get(2).getPrevKV().getKey()));

        for (WatchEvent event : without.awaitEvents(3)) {
            assertTrue(event.getPrevKV().getKey().isEmpty(), "a watch without prev_kv gets none");
        }
    }

    @Test
    void filtersLeaveOutPutsOrDeletes() throws Exception {
        WatchRecorder noPut = watching(watch, "filter/k", WatchOption.builder().withNoPut(true), watchers);
        WatchRecorder noDelete = watching(watch, "filter/k", WatchOption.builder().withNoDelete(true), watchers);
        for (int i = 0; i < 3; i++) {
            put("filter/k", "v" + i);
            delete("filter/k");
        }
        // Puts and deletes alternate: one let through would be among the first three.
        assertEquals(List.of(WatchEvent.EventType.DELETE, WatchEvent.EventType.DELETE, WatchEvent.EventType.DELETE),
                noPut.awaitEvents(3).stream().map(WatchEvent::getEventType).toList());
        assertEquals(List.of(WatchEvent.EventType.PUT, WatchEvent.EventType.PUT, WatchEvent.EventType.PUT),
                noDelete.awaitEvents(3).stream().map(WatchEvent::getEventType).toList());
    }

    @Test
    void aStartRevisionNotYetReachedWaitsForIt() throws Exception {
        long now = put("future/k", "v0");
        long start = now + 3;
        WatchRecorder seen = new WatchRecorder();
        try (Watch.Watcher ignored = watch.watch(b("future/k"), WatchOption.builder().withRevision(start).build(), seen)) {
            List<String> expected = new ArrayList<>();
            for (int i = 1; expected.size() < 2; i++) {
                long revision = put("future/k", "v" + i);
                if (revision >= start) {
                    expected.add("PUT future/k=v" + i + "@" + revision);
                }
            }
            assertEquals(expected, described(seen.awaitEvents(2)));
            assertEquals(2, seen.events().size());
        }
    }

    @Test
    void progressComesEveryIntervalWhenAskedForAndOnRequest() throws Exception {
        long before = put("progress/k", "v");
        WatchRecorder notified = watching(watch, "progress/idle", WatchOption.builder().withProgressNotify(true), watchers);
        WatchRecorder asking = watching(watch, "progress/k", WatchOption.builder(), watchers);
        io.etcd.jetcd.watch.WatchResponse periodic = notified.awaitResponse("a progress notification",
                io.etcd.jetcd.watch.WatchResponse::isProgressNotify);
        assertTrue(periodic.getHeader().getRevision() >= before);

        long changed = put("progress/k", "v2");
        asking.awaitEvents(1);
        watch.requestProgress();
        // Without progress_notify, this watch gets progress only because it was asked for.
        io.etcd.jetcd.watch.WatchResponse answered = asking.awaitResponse("the requested progress",
                io.etcd.jetcd.watch.WatchResponse::isProgressNotify);
        assertTrue(answered.getHeader().getRevision() >= changed);
    }

    @Test
    void aWatchBelowTheCompactionFailsWithJetcdsCompactedError() throws Exception {
        long first = put("compacted/k", "v1");
        long second = put("compacted/k", "v2");
        done(kv.compact(second));

        WatchRecorder seen = new WatchRecorder();
        try (Watch.Watcher ignored = watch.watch(b("compacted/k"), WatchOption.builder().withRevision(first).build(), seen)) {
            CompactedException compacted = assertInstanceOf(CompactedException.class, seen.awaitError());
            assertEquals(second, compacted.getCompactedRevision());
        }

        // What etcd 3.5 sends for it: the watch created, then cancelled with the compaction revision.
        try (RawWatchStream stream = RawWatchStream.open(channel)) {
            stream.create(watchKey("compacted/k").setStartRevision(first));
            WatchResponse created = stream.next();
            assertTrue(created.getCreated());
            assertFalse(created.getCanceled());
            assertNotEquals(-1, created.getWatchId());
            WatchResponse cancelled = stream.next();
            assertTrue(cancelled.getCanceled());
            assertFalse(cancelled.getCreated());
            assertEquals(created.getWatchId(), cancelled.getWatchId());
            assertEquals(second, cancelled.getCompactRevision());
            assertEquals("", cancelled.getCancelReason());
        }
    }

    @Test
    void oneStreamCarriesManyWatchesAndAnswersTheirRequestsAsEtcdDoes() throws Exception {
        long before = put("many/other", "0");
        try (RawWatchStream stream = RawWatchStream.open(channel)) {
            Map<Long, String> keyOfWatch = new HashMap<>();
            for (int i = 0; i < 20; i++) {
                stream.create(watchKey("many/" + i));
                WatchResponse created = stream.next();
                assertTrue(created.getCreated() && !created.getCanceled(), created.toString());
                assertTrue(created.getHeader().getRevision() >= before);
                keyOfWatch.put(created.getWatchId(), "many/" + i);
            }
            assertEquals(20, keyOfWatch.size(), "every watch has an id of its own");

            stream.create(watchKey("many/chosen").setWatchId(1000));
            assertEquals(1000, stream.next().getWatchId());
            keyOfWatch.put(1000L, "many/chosen");
            stream.create(watchKey("many/again").setWatchId(1000));
            assertRefusedCreate(WatchFrames.DUPLICATE_ID, stream.next());
            stream.create(watchKey("many/b").setRangeEnd(bs("many/a")));
            assertRefusedCreate(WatchFrames.EMPTY_RANGE, stream.next());
            stream.create(watchKey("many/x").setStartRevision(-1));
            assertRefusedCreate(EtcdErrors.COMPACTED, stream.next());

            long last = 0;
            for (String key : keyOfWatch.values()) {
                last = put(key, "v");
            }
            Map<Long, String> changedKeyOfWatch = new HashMap<>();
            for (int i = 0; i < keyOfWatch.size(); i++) {
                WatchResponse events = stream.next();
                assertEquals(1, events.getEventsCount(), events.toString());
                changedKeyOfWatch.put(events.getWatchId(), events.getEvents(0).getKv().getKey().toStringUtf8());
            }
            assertEquals(keyOfWatch, changedKeyOfWatch);

            stream.requestProgress();
            WatchResponse progress = stream.next();
            assertEquals(WatchFrames.NO_WATCH, progress.getWatchId(), "one answer for every watch of the stream");
            assertEquals(0, progress.getEventsCount());
            assertFalse(progress.getCreated() || progress.getCanceled());
            assertTrue(progress.getHeader().getRevision() >= last);

            long cancelled = keyOfWatch.keySet().stream().filter(id -> id != 1000).findFirst().orElseThrow();
            stream.cancel(cancelled);
            WatchResponse cancel = stream.next();
            assertTrue(cancel.getCanceled() && !cancel.getCreated(), cancel.toString());
            assertEquals(cancelled, cancel.getWatchId());
            assertEquals(0, cancel.getCompactRevision());

            stream.cancel(424242);
            stream.requestProgress();
            assertEquals(WatchFrames.NO_WATCH, stream.next().getWatchId(), "etcd answers nothing to a cancel of no watch");

            put(keyOfWatch.get(cancelled), "after the cancel");
            put("many/chosen", "after the cancel");
            WatchResponse next = stream.next();
            assertEquals(1000, next.getWatchId(), "the cancelled watch sends nothing more");
        }
    }

    @Test
    void aLargeRevisionGoesOutWholeOrInFragmentsWhenTheWatchAsks() throws Exception {
        WatchRecorder whole = watching(watch, "large/", WatchOption.builder().isPrefix(true), watchers);
        try (RawWatchStream fragmented = RawWatchStream.open(channel)) {
            fragmented.create(watchKey("large/").setRangeEnd(bs("large0")).setFragment(true));
            assertTrue(fragmented.next().getCreated());

            // 40 changes of 60 KiB in one revision: over etcd's fragment size, under gRPC's message limit.
            long revision = bigTxn("large/a-", 40);
            List<WatchEvent> events = whole.awaitEvents(40);
            assertEquals(1, whole.responses().stream().filter(r -> !r.getEvents().isEmpty()).count(),
                    "the revision in one response");
            assertTrue(events.stream().allMatch(e -> e.getKeyValue().getModRevision() == revision));

            List<WatchResponse> fragments = new ArrayList<>();
            do {
                fragments.add(fragmented.next());
            } while (fragments.getLast().getFragment());
            assertTrue(fragments.size() >= 2, "fragments: " + fragments.size());
            assertEquals(40, fragments.stream().mapToInt(WatchResponse::getEventsCount).sum());
            assertTrue(fragments.stream().allMatch(f -> f.getHeader().getRevision() == revision));

            // 80 of them: whole, the revision would be a message jetcd refuses; it comes in parts it takes.
            long larger = bigTxn("large/b-", 80);
            assertEquals(120, whole.awaitEvents(120).size());
            assertTrue(whole.events().subList(40, 120).stream().allMatch(e -> e.getKeyValue().getModRevision() == larger));
            assertTrue(whole.errors().isEmpty(), whole.errors().toString());
        }
    }

    /**
     * A client that stops reading makes the member stop sending, not queue what it cannot send: its
     * watch goes on from the history once the client reads again; and if the history it needs is
     * compacted meanwhile, it is cancelled as compacted, which it would not be had the member queued
     * every change for it.
     */
    @Test
    void aClientThatStopsReadingIsSentTheRestFromTheHistoryLater() throws Exception {
        // A small window without auto-tuning, so that a few changes fill it.
        ManagedChannel narrow = NettyChannelBuilder.forTarget(members.etcdAddress(member)).usePlaintext()
                .flowControlWindow(64 * 1024).build();
        try (RawWatchStream reads = RawWatchStream.slow(narrow, 1);
             RawWatchStream compacted = RawWatchStream.slow(narrow, 1)) {
            WatchCreateRequest.Builder prefix = watchKey("slow/").setRangeEnd(bs("slow0"));
            reads.create(prefix);
            compacted.create(prefix);
            assertTrue(reads.next().getCreated());
            assertTrue(compacted.next().getCreated());

            int changes = 64;
            List<Long> revisions = new ArrayList<>();
            String value = "x".repeat(BIG_VALUE_BYTES);
            for (int i = 0; i < changes; i++) {
                revisions.add(put("slow/" + i, value));
            }

            reads.read(Integer.MAX_VALUE);
            List<Long> received = new ArrayList<>();
            while (received.size() < changes) {
                reads.next().getEventsList().forEach(e -> received.add(e.getKv().getModRevision()));
            }
            assertEquals(revisions, received, "every change once, in order");

            long compactRevision = revisions.getLast();
            done(kv.compact(compactRevision));
            compacted.read(Integer.MAX_VALUE);
            List<Long> before = new ArrayList<>();
            WatchResponse response = compacted.next();
            while (!response.getCanceled()) {
                response.getEventsList().forEach(e -> before.add(e.getKv().getModRevision()));
                response = compacted.next();
            }
            assertEquals(compactRevision, response.getCompactRevision());
            assertTrue(before.size() < changes / 4, "the member queued " + before.size() + " changes for a client not reading");
            assertEquals(revisions.subList(0, before.size()), before);
        } finally {
            narrow.shutdownNow();
        }
    }

    private static void assertRefusedCreate(String reason, WatchResponse answer) {
        assertTrue(answer.getCreated() && answer.getCanceled(), answer.toString());
        assertEquals(WatchFrames.NO_WATCH, answer.getWatchId());
        assertEquals(reason, answer.getCancelReason());
    }

    /** One transaction putting {@code count} values of {@link #BIG_VALUE_BYTES}; its revision. */
    private static long bigTxn(String keyPrefix, int count) throws Exception {
        ByteSequence value = b("y".repeat(BIG_VALUE_BYTES));
        Op[] puts = new Op[count];
        for (int i = 0; i < count; i++) {
            puts[i] = Op.put(b(keyPrefix + i), value, PutOption.DEFAULT);
        }
        return done(kv.txn().Then(puts).commit()).getHeader().getRevision();
    }

    static long put(String key, String value) throws Exception {
        return done(kv.put(b(key), b(value))).getHeader().getRevision();
    }

    private static long delete(String key) throws Exception {
        return done(kv.delete(b(key))).getHeader().getRevision();
    }
}
