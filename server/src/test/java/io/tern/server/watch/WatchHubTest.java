package io.tern.server.watch;

import static io.tern.server.watch.FakeHistory.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tern.client.protocol.Response;
import io.tern.client.protocol.WatchRequests;
import io.tern.client.protocol.WatchResponses;
import io.tern.kv.KeyRange;
import io.tern.kv.WatchEvent;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WatchHubTest {

    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    private final FakeHistory history = new FakeHistory();
    private final WatchHub hub = new WatchHub(history, tasks::add, () -> { });
    private final FakeSink sink = new FakeSink();
    private final WatchSession session = hub.openSession(sink);
    private long nextRequestId = 100;

    private void drain() {
        while (!tasks.isEmpty()) {
            tasks.poll().run();
        }
    }

    /** The change as the applier hands it over, fanned out at once. */
    private WatchEvent applied(WatchEvent event) {
        hub.applied(event.revision(), List.of(event));
        drain();
        return event;
    }

    private long watch(KeyRange range, long startRevision, int flags) {
        long requestId = nextRequestId++;
        session.serve(new WatchRequests.Create(requestId, range, startRevision, flags, 0));
        drain();
        return sink.framesOf(WatchResponses.Created.class).stream().filter(c -> c.requestId() == requestId)
                .mapToLong(WatchResponses.Created::watchId).findFirst().orElse(-1);
    }

    private static List<Long> revisions(List<WatchEvent> events) {
        return events.stream().map(WatchEvent::revision).toList();
    }

    private static List<Long> revisionsOf(List<WatchEvent> events) {
        return revisions(events);
    }

    @Test
    void aWatchOfAKeyGetsItsChangesInOrderOnceAndNoOtherKeys() {
        long id = watch(KeyRange.single(bytes("a")), 0, 0);
        List<WatchEvent> expected = new ArrayList<>();
        expected.add(applied(history.put("a", "1")));
        applied(history.put("b", "1"));
        expected.add(applied(history.put("a", "2")));
        expected.add(applied(history.delete("a")));

        assertEquals(expected.stream().map(e -> new WatchEvent(e.type(), e.kv(), null)).toList(), sink.events(id));
        WatchResponses.Created created = sink.framesOf(WatchResponses.Created.class).getFirst();
        assertEquals(0, created.revision(), "created at the revision before the first change");
    }

    @Test
    void aWatchFromThePastCatchesUpAndContinuesLiveWithoutGapOrRepeat() {
        List<WatchEvent> all = new ArrayList<>();
        for (int i = 0; i < 2500; i++) {
            all.add(applied(history.put("k" + (i % 7), "v" + i)));
        }
        long from = all.get(10).revision();
        session.serve(new WatchRequests.Create(1, KeyRange.prefix(bytes("k")), from, 0, 0));
        // Changes keep coming while the watch reads history: the hand-over must be exact.
        for (int i = 0; i < 3; i++) {
            tasks.poll().run();
            WatchEvent event = history.put("k1", "live" + i);
            all.add(event);
            hub.applied(event.revision(), List.of(event));
        }
        drain();
        all.add(applied(history.put("k2", "after")));

        assertEquals(revisions(all.subList(10, all.size())), revisions(sink.events(1)));
        assertTrue(history.reads >= 3, "read the history in bounded steps, read " + history.reads);
    }

    @Test
    void changesTheEngineAppliedBeforeHandingThemOverAreSentOnce() {
        applied(history.put("a", "0"));
        long id = watch(KeyRange.single(bytes("a")), 1, 0);
        // The engine has applied these, but the hub hears of them only after the catch-up read them.
        WatchEvent first = history.put("a", "1");
        WatchEvent second = history.put("a", "2");
        drain();
        hub.applied(first.revision(), List.of(first));
        hub.applied(second.revision(), List.of(second));
        drain();
        WatchEvent third = applied(history.put("a", "3"));

        assertEquals(List.of(1L, first.revision(), second.revision(), third.revision()), revisions(sink.events(id)));
    }

    @Test
    void filtersAndPrevKvShapeWhatIsSent() {
        applied(history.put("p/x", "old"));
        long putsOnly = watch(KeyRange.prefix(bytes("p/")), 0, WatchRequests.NO_DELETE | WatchRequests.PREV_KV);
        long deletesOnly = watch(KeyRange.prefix(bytes("p/")), 0, WatchRequests.NO_PUT);
        WatchEvent put = applied(history.put("p/x", "new"));
        WatchEvent delete = applied(history.delete("p/x"));
        applied(history.put("q/x", "outside"));

        assertEquals(List.of(put), sink.events(putsOnly));
        assertNotNull(sink.events(putsOnly).getFirst().prevKv());
        assertEquals(1, sink.events(deletesOnly).size());
        assertEquals(delete.revision(), sink.events(deletesOnly).getFirst().revision());
        assertNull(sink.events(deletesOnly).getFirst().prevKv(), "no prevKv unless asked for");
    }

    @Test
    void aConnectionThatStopsTakingOutputCatchesUpExactlyOnceItDrains() {
        long id = watch(KeyRange.prefix(bytes("k")), 0, 0);
        List<WatchEvent> expected = new ArrayList<>();
        expected.add(applied(history.put("k1", "a")));
        sink.accepting = false;
        int framesBefore = sink.frames.size();
        for (int i = 0; i < 50; i++) {
            expected.add(applied(history.put("k" + i, "b" + i)));
        }
        assertEquals(framesBefore, sink.frames.size(), "nothing is written while the connection is backed up");

        sink.accepting = true;
        session.writable();
        drain();
        expected.add(applied(history.put("k9", "live again")));

        assertEquals(revisions(expected), revisions(sink.events(id)));
    }

    @Test
    void aWatchThatFellBehindTheCompactionIsCancelledWithTheCompactionRevision() {
        long id = watch(KeyRange.single(bytes("a")), 0, 0);
        sink.accepting = false;
        for (int i = 0; i < 10; i++) {
            applied(history.put("a", "v" + i));
        }
        history.compact(history.currentRevision() - 2);
        sink.accepting = true;
        session.writable();
        drain();

        WatchResponses.Canceled canceled = sink.framesOf(WatchResponses.Canceled.class).getFirst();
        assertEquals(id, canceled.watchId());
        assertEquals(history.currentRevision() - 2, canceled.compactRevision());
        assertEquals("mvcc: required revision has been compacted", canceled.reason());
        int frames = sink.frames.size();
        applied(history.put("a", "after"));
        assertEquals(frames, sink.frames.size(), "a cancelled watch sends nothing more");
    }

    @Test
    void aStartBelowTheCompactionIsRefusedWithTheCompactionRevision() {
        for (int i = 0; i < 10; i++) {
            applied(history.put("a", "v" + i));
        }
        history.compact(5);
        assertEquals(-1, watch(KeyRange.single(bytes("a")), 4, 0));
        assertEquals(0, sink.events(-1).size());
        Response.Compacted refused = assertInstanceOf(Response.Compacted.class, sink.frames.getLast());
        assertEquals(5, refused.compactRevision());
        assertTrue(watch(KeyRange.single(bytes("a")), 5, 0) > 0, "the compaction revision itself is still there");
    }

    @Test
    void tenThousandIdleKeyWatchesAreNotLookedAtForAnotherKey() {
        for (int i = 0; i < 10_000; i++) {
            watch(KeyRange.single(bytes("idle/" + i)), 0, 0);
        }
        long before = hub.watchesLookedAt();
        applied(history.put("busy", "x"));
        assertEquals(before, hub.watchesLookedAt());
        applied(history.put("idle/42", "x"));
        assertEquals(before + 1, hub.watchesLookedAt());
    }

    @Test
    void aSnapshotInstallSendsEveryWatchToTheHistory() {
        long id = watch(KeyRange.prefix(bytes("k")), 0, 0);
        WatchEvent seen = applied(history.put("k1", "a"));
        // Installed with a snapshot: in the history, never handed over one by one.
        WatchEvent missed1 = history.put("k2", "b");
        WatchEvent missed2 = history.put("k3", "c");
        hub.replaced(missed2.revision());
        drain();
        WatchEvent live = applied(history.put("k4", "d"));

        assertEquals(List.of(seen.revision(), missed1.revision(), missed2.revision(), live.revision()),
                revisionsOf(sink.events(id)));
    }

    @Test
    void largeChangesAreSplitIntoFramesWhoseRevisionSaysWhatIsComplete() {
        long id = watch(KeyRange.prefix(bytes("big")), 0, 0);
        String value = "x".repeat(100_000);
        List<WatchEvent> batch = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            batch.add(history.put("big" + i, value));
        }
        long last = batch.getLast().revision();
        hub.applied(last, batch);
        drain();

        List<WatchResponses.Events> frames = sink.framesOf(WatchResponses.Events.class);
        assertTrue(frames.size() > 1, "split, got " + frames.size() + " frames");
        for (int i = 0; i < frames.size() - 1; i++) {
            assertEquals(frames.get(i + 1).events().getFirst().revision() - 1, frames.get(i).revision());
        }
        assertEquals(last, frames.getLast().revision());
        assertEquals(revisions(batch), revisions(sink.events(id)));
    }

    @Test
    void cancelEndsTheStreamAndProgressReportsSyncedWatches() {
        long id = watch(KeyRange.single(bytes("a")), 0, 0);
        applied(history.put("a", "1"));
        session.serve(new WatchRequests.Progress(7));
        drain();
        WatchResponses.Progress progress = sink.framesOf(WatchResponses.Progress.class).getFirst();
        assertEquals(history.currentRevision(), progress.revision());
        assertInstanceOf(WatchResponses.Ack.class, sink.frames.getLast());

        session.serve(new WatchRequests.Cancel(8, id));
        drain();
        WatchResponses.Canceled canceled = sink.framesOf(WatchResponses.Canceled.class).getFirst();
        assertEquals("canceled by the client", canceled.reason());
        assertEquals(0, canceled.compactRevision());
        assertEquals(new WatchResponses.Ack(8), sink.frames.getLast());
        session.serve(new WatchRequests.Cancel(9, id));
        drain();
        assertInstanceOf(Response.BadRequest.class, sink.frames.getLast());
    }

    @Test
    void progressNotificationsGoToWatchesThatAskedForThem() {
        long asked = watch(KeyRange.single(bytes("a")), 0, WatchRequests.PROGRESS_NOTIFY);
        watch(KeyRange.single(bytes("b")), 0, 0);
        applied(history.put("z", "1"));
        hub.sendProgress();
        List<WatchResponses.Progress> progress = sink.framesOf(WatchResponses.Progress.class);
        assertEquals(1, progress.size());
        assertEquals(asked, progress.getFirst().watchId());
        assertEquals(history.currentRevision(), progress.getFirst().revision());
    }

    @Test
    void aClosedConnectionsWatchesAreForgotten() {
        watch(KeyRange.single(bytes("a")), 0, 0);
        watch(KeyRange.prefix(bytes("a")), 0, 0);
        session.close();
        drain();
        int frames = sink.frames.size();
        long looked = hub.watchesLookedAt();
        applied(history.put("a", "1"));
        assertEquals(frames, sink.frames.size());
        assertEquals(looked, hub.watchesLookedAt());
    }
}
