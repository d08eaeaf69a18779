package io.tern.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.tern.client.protocol.Response;
import io.tern.client.protocol.WatchResponses;
import io.tern.etcd.api.EtcdServerPb;
import io.tern.etcd.api.EtcdServerPb.WatchResponse;
import io.tern.kv.KeyRange;
import io.tern.kv.VersionedKeyValue;
import io.tern.kv.WatchEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The hub's native frames as etcd's responses, case by case, without a member or gRPC. */
class WatchFramesTest {

    private static final long CURRENT = 50;

    private final List<WatchResponse> sent = new ArrayList<>();
    private final List<StatusRuntimeException> failures = new ArrayList<>();
    private final WatchFrames frames = new WatchFrames(new ResponseHeaders("cluster", 1, () -> 3), () -> CURRENT,
            new WatchFrames.Output() {
                @Override
                public void send(WatchResponse response) {
                    sent.add(response);
                }

                @Override
                public void fail(StatusRuntimeException status) {
                    failures.add(status);
                }
            });

    @Test
    void aCreatedWatchSendsItsEventsWithTheRevisionTheyCover() {
        create(1, "k", false, 7);
        frames.frame(new WatchResponses.Events(1, 7, 12, List.of(put("k", 11), put("k", 12))));
        assertEquals(2, sent.size());
        assertTrue(sent.get(0).getCreated());
        assertEquals(7, sent.get(0).getWatchId());
        assertEquals(CURRENT, sent.get(0).getHeader().getRevision());
        assertEquals(2, sent.get(1).getEventsCount());
        assertEquals(12, sent.get(1).getHeader().getRevision());
        assertEquals(1, sent.get(1).getHeader().getMemberId());
    }

    @Test
    void aRevisionCutIntoFramesGoesOutInOneResponse() {
        create(1, "k", false, 7);
        frames.frame(new WatchResponses.Events(1, 7, 10, List.of(put("k", 10), put("k", 11))));
        frames.frame(new WatchResponses.Events(1, 7, 11, List.of(put("k", 11))));
        assertEquals(2, sent.size(), "created, then one response");
        assertEquals(3, sent.get(1).getEventsCount());
        assertEquals(11, sent.get(1).getHeader().getRevision());
        assertFalse(sent.get(1).getFragment());
    }

    @Test
    void aRevisionOverTheLimitIsCutWhereTheClientCanTakeIt() {
        create(1, "k", false, 7);
        int frameEvents = 5;
        int framesPerLimit = WatchFrames.WHOLE_RESPONSE_LIMIT_BYTES / (frameEvents * 100_000) + 1;
        for (int i = 0; i < framesPerLimit; i++) {
            frames.frame(new WatchResponses.Events(1, 7, 19, bigPuts(frameEvents, 20)));
        }
        frames.frame(new WatchResponses.Events(1, 7, 20, bigPuts(1, 20)));
        List<WatchResponse> events = sent.subList(1, sent.size());
        assertEquals(2, events.size());
        assertTrue(events.stream().allMatch(r -> r.getSerializedSize() < 4 * 1024 * 1024));
        assertTrue(events.stream().noneMatch(WatchResponse::getFragment), "no fragments unless asked for");
        assertTrue(events.stream().allMatch(r -> r.getHeader().getRevision() == 20));
        assertEquals(framesPerLimit * frameEvents + 1, events.stream().mapToInt(WatchResponse::getEventsCount).sum());
    }

    @Test
    void aWatchThatAskedForFragmentsGetsThemMarkedButTheLast() {
        create(1, "k", true, 7);
        int framesPerFragment = WatchFrames.FRAGMENT_BYTES / (5 * 100_000) + 1;
        for (int i = 0; i < 2 * framesPerFragment; i++) {
            frames.frame(new WatchResponses.Events(1, 7, 29, bigPuts(5, 30)));
        }
        frames.frame(new WatchResponses.Events(1, 7, 30, bigPuts(1, 30)));
        List<WatchResponse> parts = sent.subList(1, sent.size());
        assertEquals(3, parts.size());
        assertEquals(List.of(true, true, false), parts.stream().map(WatchResponse::getFragment).toList());
        assertTrue(parts.stream().allMatch(r -> r.getSerializedSize() <= WatchFrames.FRAGMENT_BYTES + 1024));
    }

    @Test
    void aProgressRequestIsAnsweredOnceForTheStreamOnlyIfEveryWatchIsSynced() {
        create(1, "a", false, 1);
        create(2, "b", false, 2);
        sent.clear();

        frames.askedProgress(3);
        frames.frame(new WatchResponses.Progress(1, 1, 40));
        frames.frame(new WatchResponses.Ack(3));
        assertEquals(List.of(), sent, "watch 2 is catching up: etcd answers nothing");

        frames.askedProgress(4);
        frames.frame(new WatchResponses.Progress(1, 1, 41));
        frames.frame(new WatchResponses.Progress(2, 2, 41));
        frames.frame(new WatchResponses.Ack(4));
        assertEquals(1, sent.size());
        assertEquals(WatchFrames.NO_WATCH, sent.getFirst().getWatchId());
        assertEquals(41, sent.getFirst().getHeader().getRevision());

        // A periodic notification, with no request under way, goes to its watch.
        frames.frame(new WatchResponses.Progress(1, 1, 42));
        assertEquals(1, sent.get(1).getWatchId());
        assertEquals(42, sent.get(1).getHeader().getRevision());
    }

    @Test
    void aCompactedStartIsCreatedThenCanceledAsEtcdDoes() {
        create(1, "a", false, 4);
        frames.askedCreate(2, createRequest("b", false, 0), KeyRange.single(bytes("b")));
        frames.frame(new Response.Compacted(2, 33, "compacted"));
        assertEquals(3, sent.size());
        WatchResponse created = sent.get(1);
        WatchResponse canceled = sent.get(2);
        assertTrue(created.getCreated() && !created.getCanceled());
        assertEquals(5, created.getWatchId(), "an id no watch of the stream has");
        assertTrue(canceled.getCanceled() && !canceled.getCreated());
        assertEquals(5, canceled.getWatchId());
        assertEquals(33, canceled.getCompactRevision());
        assertEquals(0, canceled.getHeader().getRevision());
        assertEquals("", canceled.getCancelReason());
    }

    @Test
    void refusedCreatesGetEtcdsReasons() {
        create(1, "a", false, 9);
        frames.askedCreate(2, createRequest("b", false, 9), KeyRange.single(bytes("b")));
        frames.frame(new Response.BadRequest(2, "watch id 9 is in use on this connection"));
        frames.askedCreate(3, createRequest("b", false, 0), new KeyRange(bytes("b"), bytes("a")));
        frames.frame(new Response.BadRequest(3, "the range is empty: its end is not above its key"));
        frames.askedCreate(4, createRequest("c", false, 0), KeyRange.single(bytes("c")));
        frames.frame(new Response.BadRequest(4, "too many watches on this connection"));
        assertEquals(List.of(WatchFrames.DUPLICATE_ID, WatchFrames.EMPTY_RANGE, "too many watches on this connection"),
                sent.subList(1, 4).stream().map(WatchResponse::getCancelReason).toList());
        assertTrue(sent.subList(1, 4).stream().allMatch(r -> r.getWatchId() == -1 && r.getCreated() && r.getCanceled()));
    }

    @Test
    void aCancelOfNoWatchIsNotAnsweredAndAMemberGoingAwayEndsTheStream() {
        frames.askedCancel(1);
        frames.frame(new Response.BadRequest(1, "there is no watch 5 on this connection"));
        assertEquals(List.of(), sent);
        assertEquals(List.of(), failures);

        frames.askedProgress(2);
        frames.frame(new Response.Unavailable(2, "the node is shutting down"));
        assertEquals(1, failures.size());
        assertEquals(Status.Code.UNAVAILABLE, failures.getFirst().getStatus().getCode());
        assertEquals(EtcdErrors.STOPPED, failures.getFirst().getStatus().getDescription());
    }

    private void create(long requestId, String key, boolean fragment, long watchId) {
        frames.askedCreate(requestId, createRequest(key, fragment, 0), KeyRange.single(bytes(key)));
        frames.frame(new WatchResponses.Created(requestId, watchId, CURRENT));
    }

    private static EtcdServerPb.WatchCreateRequest createRequest(String key, boolean fragment, long watchId) {
        return EtcdServerPb.WatchCreateRequest.newBuilder().setKey(ByteString.copyFromUtf8(key)).setFragment(fragment)
                .setWatchId(watchId).build();
    }

    private static WatchEvent put(String key, long revision) {
        return new WatchEvent(WatchEvent.Type.PUT, new VersionedKeyValue(bytes(key), bytes("v"), revision, revision, 1, 0),
                null);
    }

    /** {@code count} changes of 100,000 bytes at {@code revision}. */
    private static List<WatchEvent> bigPuts(int count, long revision) {
        List<WatchEvent> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            events.add(new WatchEvent(WatchEvent.Type.PUT,
                    new VersionedKeyValue(bytes("k" + i), new byte[100_000], revision, revision, 1, 0), null));
        }
        return events;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
