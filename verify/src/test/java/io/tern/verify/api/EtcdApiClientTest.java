package io.tern.verify.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import io.etcd.jetcd.api.Compare;
import io.etcd.jetcd.api.DeleteRangeRequest;
import io.etcd.jetcd.api.DeleteRangeResponse;
import io.etcd.jetcd.api.Event;
import io.etcd.jetcd.api.KeyValue;
import io.etcd.jetcd.api.LeaseGrantRequest;
import io.etcd.jetcd.api.LeaseGrantResponse;
import io.etcd.jetcd.api.LeaseKeepAliveRequest;
import io.etcd.jetcd.api.LeaseKeepAliveResponse;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.PutResponse;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RangeResponse;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.ResponseOp;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.api.TxnResponse;
import io.etcd.jetcd.api.WatchCreateRequest;
import io.etcd.jetcd.api.WatchRequest;
import io.etcd.jetcd.api.WatchResponse;
import io.grpc.Status;
import io.tern.client.protocol.ReadMode;
import io.tern.kv.KeyRange;
import io.tern.kv.WatchEvent;
import io.tern.verify.cluster.Await;
import io.tern.verify.history.Call;
import io.tern.verify.history.Operation;
import io.tern.verify.history.Outcome;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Each call of the history as the etcd request {@link EtcdApiClient} sends through jetcd, and each
 * answer (or failure) as the outcome it records, against a {@link ScriptedEtcd} on loopback.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EtcdApiClientTest {

    private static final Duration REQUEST_TIMEOUT = Duration.ofMillis(500);

    private ScriptedEtcd etcd;
    private EtcdApiClient client;

    @BeforeEach
    void start() {
        etcd = new ScriptedEtcd();
        client = EtcdApiClient.connect(List.of(etcd.endpoint()), REQUEST_TIMEOUT);
    }

    @AfterEach
    void stop() throws InterruptedException {
        client.close();
        etcd.close();
    }

    // ---- the calls ----

    @Test
    void aGetIsALinearizableRangeOfTheKeyAndALocalGetASerializableOne() {
        etcd.answer(request -> RangeResponse.newBuilder().setHeader(ScriptedEtcd.header(7)).addKvs(kv("k1", "v3", 5))
                .setCount(1).build());
        CallResult read = client.execute(new Call.Get("k1", ReadMode.LINEARIZABLE));
        assertEquals(new CallResult(new Outcome.ValueRead("v3"), 7), read);
        RangeRequest range = only(RangeRequest.class);
        assertEquals("k1", range.getKey().toStringUtf8());
        assertTrue(range.getRangeEnd().isEmpty(), "one key, no range end");
        assertFalse(range.getSerializable());

        etcd.answer(request -> RangeResponse.newBuilder().setHeader(ScriptedEtcd.header(8)).build());
        assertEquals(new CallResult(new Outcome.ValueRead(null), 8), client.execute(new Call.Get("k1", ReadMode.LOCAL)));
        assertTrue(last(RangeRequest.class).getSerializable(), "a LOCAL read is serializable");
    }

    @Test
    void aPutIsAPutAndItsRevisionTheHeaders() {
        etcd.answer(request -> PutResponse.newBuilder().setHeader(ScriptedEtcd.header(12)).build());
        assertEquals(new CallResult(new Outcome.Written(), 12), client.execute(new Call.Put("k0", "p1-1")));
        PutRequest put = only(PutRequest.class);
        assertEquals("k0", put.getKey().toStringUtf8());
        assertEquals("p1-1", put.getValue().toStringUtf8());
        assertEquals(0, put.getLease());
    }

    @Test
    void aDeleteIsADeleteRangeOfTheKeyThatExistedIfItDeletedOne() {
        etcd.answer(request -> DeleteRangeResponse.newBuilder().setHeader(ScriptedEtcd.header(13)).setDeleted(1).build());
        assertEquals(new CallResult(new Outcome.Deleted(true), 13), client.execute(new Call.Delete("k2")));
        DeleteRangeRequest delete = only(DeleteRangeRequest.class);
        assertEquals("k2", delete.getKey().toStringUtf8());
        assertTrue(delete.getRangeEnd().isEmpty());

        etcd.answer(request -> DeleteRangeResponse.newBuilder().setHeader(ScriptedEtcd.header(13)).build());
        assertEquals(new Outcome.Deleted(false), client.execute(new Call.Delete("k2")).outcome());
    }

    @Test
    void aCasComparesTheValueThenWritesElseReadsTheCurrentValue() {
        etcd.answer(request -> TxnResponse.newBuilder().setHeader(ScriptedEtcd.header(20)).setSucceeded(true)
                .addResponses(ResponseOp.newBuilder().setResponsePut(PutResponse.getDefaultInstance())).build());
        assertEquals(new CallResult(new Outcome.Written(), 20), client.execute(new Call.Cas("k1", "old", "new")));
        TxnRequest txn = only(TxnRequest.class);
        assertEquals(1, txn.getCompareCount());
        Compare compare = txn.getCompare(0);
        assertEquals("k1", compare.getKey().toStringUtf8());
        assertEquals(Compare.CompareTarget.VALUE, compare.getTarget());
        assertEquals(Compare.CompareResult.EQUAL, compare.getResult());
        assertEquals("old", compare.getValue().toStringUtf8());
        assertEquals(List.of(put("k1", "new")), txn.getSuccessList());
        assertEquals(List.of(range("k1")), txn.getFailureList());

        etcd.answer(request -> failedTxn(21, List.of(kv("k1", "current", 18))));
        assertEquals(new CallResult(new Outcome.CasMismatch("current"), 21), client.execute(new Call.Cas("k1", "old", "new")));
    }

    @Test
    void aCasOnAbsenceComparesTheVersionWithZeroAndMayDelete() {
        etcd.answer(request -> failedTxn(22, List.of()));
        assertEquals(new Outcome.CasMismatch(null), client.execute(new Call.Cas("k3", null, null)).outcome());
        TxnRequest txn = only(TxnRequest.class);
        Compare compare = txn.getCompare(0);
        assertEquals(Compare.CompareTarget.VERSION, compare.getTarget());
        assertEquals(Compare.CompareResult.EQUAL, compare.getResult());
        assertEquals(0, compare.getVersion());
        assertEquals(List.of(delete("k3")), txn.getSuccessList());
    }

    @Test
    void aBatchIsATxnWithoutComparesItsWritesInOrder() {
        etcd.answer(request -> TxnResponse.newBuilder().setHeader(ScriptedEtcd.header(30)).setSucceeded(true).build());
        Call.Batch batch = new Call.Batch(List.of(Call.BatchWrite.put("k0", "a"), Call.BatchWrite.delete("k1")));
        assertEquals(new CallResult(new Outcome.Written(), 30), client.execute(batch));
        TxnRequest txn = only(TxnRequest.class);
        assertEquals(0, txn.getCompareCount());
        assertEquals(List.of(put("k0", "a"), delete("k1")), txn.getSuccessList());
        assertEquals(0, txn.getFailureCount());
    }

    @Test
    void aTxnGuardsWithComparesWritesOnSuccessAndReadsEveryGuardedKeyOnFailure() {
        Call.Txn call = new Call.Txn(List.of(new Call.Guard("k2", "x"), new Call.Guard("k3", null)),
                List.of(Call.BatchWrite.put("k2", "y"), Call.BatchWrite.delete("k3")));
        etcd.answer(request -> failedTxn(40, List.of(kv("k2", "z", 35)), List.of()));
        Map<String, String> found = new HashMap<>();
        found.put("k2", "z");
        found.put("k3", null);
        assertEquals(new CallResult(new Outcome.GuardsFailed(found), 40), client.execute(call));
        TxnRequest txn = only(TxnRequest.class);
        assertEquals(2, txn.getCompareCount());
        assertEquals(Compare.CompareTarget.VALUE, txn.getCompare(0).getTarget());
        assertEquals(Compare.CompareTarget.VERSION, txn.getCompare(1).getTarget());
        assertEquals(List.of(put("k2", "y"), delete("k3")), txn.getSuccessList());
        assertEquals(List.of(range("k2"), range("k3")), txn.getFailureList());

        etcd.answer(request -> TxnResponse.newBuilder().setHeader(ScriptedEtcd.header(41)).setSucceeded(true).build());
        assertEquals(new CallResult(new Outcome.Written(), 41), client.execute(call));
    }

    // ---- failures, end to end ----

    @Test
    void aWriteTheServerTimedOutIsUnknownAndOneItRefusedForWantOfALeaderFailed() {
        etcd.answer(request -> Status.UNAVAILABLE.withDescription("etcdserver: request timed out"));
        CallResult timedOut = client.execute(new Call.Put("k0", "a"));
        assertInstanceOf(Outcome.Unknown.class, timedOut.outcome());
        assertEquals(Operation.NO_REVISION, timedOut.revision());

        etcd.answer(request -> Status.UNAVAILABLE.withDescription("etcdserver: no leader"));
        assertInstanceOf(Outcome.Failed.class, client.execute(new Call.Put("k0", "a")).outcome());
        assertEquals(2, etcd.requests().size(), "jetcd never repeats a write by itself");
    }

    @Test
    void aWriteLeftUnansweredPastTheRequestTimeoutIsUnknown() {
        etcd.answer(request -> ScriptedEtcd.NO_ANSWER);
        long start = System.nanoTime();
        CallResult result = client.execute(new Call.Cas("k1", "a", "b"));
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertInstanceOf(Outcome.Unknown.class, result.outcome());
        assertTrue(((Outcome.Unknown) result.outcome()).reason().startsWith("DEADLINE_EXCEEDED"), result::toString);
        assertTrue(tookMillis < 3 * REQUEST_TIMEOUT.toMillis(), "the call's own deadline ended it, after " + tookMillis
                + " ms");
    }

    @Test
    void aReadThatFailsFailedWhateverTheStatus() {
        etcd.answer(request -> Status.DEADLINE_EXCEEDED.withDescription("slow"));
        assertInstanceOf(Outcome.Failed.class, client.execute(new Call.Get("k0", ReadMode.LINEARIZABLE)).outcome());
    }

    // ---- leases ----

    @Test
    void leaseCallsAreTheLeaseServicesAndAGoneLeaseIsNotFound() {
        etcd.answer(request -> switch (request) {
            case LeaseGrantRequest grant -> LeaseGrantResponse.newBuilder().setHeader(ScriptedEtcd.header(3)).setID(77)
                    .setTTL(grant.getTTL() + 1).build();
            case LeaseKeepAliveRequest keepAlive -> LeaseKeepAliveResponse.newBuilder().setHeader(ScriptedEtcd.header(3))
                    .setID(keepAlive.getID()).setTTL(keepAlive.getID() == 77 ? 4 : 0).build();
            case PutRequest put -> PutResponse.newBuilder().setHeader(ScriptedEtcd.header(4)).build();
            default -> Status.UNIMPLEMENTED;
        });
        assertEquals(new ApiClient.GrantedLease(77, 4), client.grant(3));
        client.put("lease/h0-1", "h-77", 77);
        assertEquals(77, last(PutRequest.class).getLease(), "the key is attached to the lease");
        client.keepAliveOnce(77);
        assertThrows(ApiCallException.LeaseNotFound.class, () -> client.keepAliveOnce(78));

        etcd.answer(request -> Status.UNAVAILABLE.withDescription("etcdserver: request timed out"));
        ApiCallException failed = assertThrows(ApiCallException.class, () -> client.keepAliveOnce(77));
        assertFalse(failed instanceof ApiCallException.LeaseNotFound, failed::toString);
        etcd.answer(request -> Status.NOT_FOUND.withDescription("etcdserver: requested lease not found"));
        assertThrows(ApiCallException.LeaseNotFound.class, () -> client.keepAliveOnce(77));
    }

    // ---- watches ----

    @Test
    void aWatchAsksForItsRangeFromItsRevisionAndHandsOnEventsProgressAndItsEnd() {
        RecordingSink sink = new RecordingSink();
        WatchHandle watch = client.watch(new KeyRange(bytes("k0"), bytes("k2")), 5, sink);
        Await.until("the watch's create request", Duration.ofSeconds(10),
                () -> etcd.requests().stream().anyMatch(r -> r instanceof WatchRequest));
        WatchCreateRequest create = last(WatchRequest.class).getCreateRequest();
        assertEquals("k0", create.getKey().toStringUtf8());
        assertEquals("k2", create.getRangeEnd().toStringUtf8());
        assertEquals(5, create.getStartRevision());

        var stream = etcd.watchStreams().getFirst();
        stream.onNext(WatchResponse.newBuilder().setHeader(ScriptedEtcd.header(5)).setWatchId(1).setCreated(true).build());
        stream.onNext(WatchResponse.newBuilder().setHeader(ScriptedEtcd.header(7)).setWatchId(1)
                .addEvents(Event.newBuilder().setType(Event.EventType.PUT).setKv(kv("k0", "a", 6)))
                .addEvents(Event.newBuilder().setType(Event.EventType.DELETE)
                        .setKv(KeyValue.newBuilder().setKey(ByteString.copyFromUtf8("k1")).setModRevision(7)))
                .build());
        stream.onNext(WatchResponse.newBuilder().setHeader(ScriptedEtcd.header(9)).setWatchId(1).build());
        Await.until("the events and the progress", Duration.ofSeconds(10), () -> sink.progress.contains(9L));
        assertEquals(List.of("PUT k0=a @6", "DELETE k1 @7"), sink.described());

        watch.close();
        Await.until("the watch to end", Duration.ofSeconds(10), () -> !sink.ends.isEmpty());
        assertEquals(1, sink.ends.size());
        assertNull(sink.ends.getFirst(), "closed by the caller: no error");
    }

    @Test
    void aWatchJetcdGivesUpEndsWithItsReason() {
        RecordingSink sink = new RecordingSink();
        client.watch(KeyRange.prefix(bytes("k")), 2, sink);
        Await.until("the watch's stream", Duration.ofSeconds(10), () -> !etcd.watchStreams().isEmpty());
        etcd.watchStreams().getFirst().onNext(WatchResponse.newBuilder().setHeader(ScriptedEtcd.header(9)).setWatchId(1)
                .setCanceled(true).setCompactRevision(4).setCancelReason("compacted").build());
        Await.until("the watch to end", Duration.ofSeconds(10), () -> !sink.ends.isEmpty());
        assertTrue(sink.ends.getFirst() != null && sink.ends.getFirst().contains("compact"), sink.ends::toString);
    }

    private static final class RecordingSink implements WatchSink {
        final List<WatchEvent> events = new CopyOnWriteArrayList<>();
        final List<Long> progress = new CopyOnWriteArrayList<>();
        final List<String> ends = new CopyOnWriteArrayList<>();

        @Override
        public void onEvents(List<WatchEvent> delivered) {
            events.addAll(delivered);
        }

        @Override
        public void onProgress(long revision) {
            progress.add(revision);
        }

        @Override
        public void onClosed(String error) {
            ends.add(error);
        }

        List<String> described() {
            List<String> text = new ArrayList<>();
            for (WatchEvent event : events) {
                String key = new String(event.kv().key(), StandardCharsets.UTF_8);
                text.add(event.type() == WatchEvent.Type.PUT
                        ? "PUT " + key + "=" + new String(event.kv().value(), StandardCharsets.UTF_8) + " @" + event.revision()
                        : "DELETE " + key + " @" + event.revision());
            }
            return text;
        }
    }

    // ---- helpers ----

    private <T extends Message> T only(Class<T> type) {
        List<Message> requests = etcd.requests();
        assertEquals(1, requests.size(), requests::toString);
        return type.cast(requests.getFirst());
    }

    private <T extends Message> T last(Class<T> type) {
        return type.cast(etcd.requests().getLast());
    }

    private static KeyValue kv(String key, String value, long modRevision) {
        return KeyValue.newBuilder().setKey(ByteString.copyFromUtf8(key)).setValue(ByteString.copyFromUtf8(value))
                .setCreateRevision(modRevision).setModRevision(modRevision).setVersion(1).build();
    }

    private static RequestOp put(String key, String value) {
        return RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8(key))
                .setValue(ByteString.copyFromUtf8(value))).build();
    }

    private static RequestOp delete(String key) {
        return RequestOp.newBuilder().setRequestDeleteRange(DeleteRangeRequest.newBuilder()
                .setKey(ByteString.copyFromUtf8(key))).build();
    }

    private static RequestOp range(String key) {
        return RequestOp.newBuilder().setRequestRange(RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8(key)))
                .build();
    }

    /** A txn that failed and answers its else branch: one Range per list of keys found. */
    @SafeVarargs
    private static TxnResponse failedTxn(long revision, List<KeyValue>... reads) {
        TxnResponse.Builder txn = TxnResponse.newBuilder().setHeader(ScriptedEtcd.header(revision)).setSucceeded(false);
        for (List<KeyValue> found : reads) {
            txn.addResponses(ResponseOp.newBuilder().setResponseRange(RangeResponse.newBuilder().addAllKvs(found)
                    .setCount(found.size())));
        }
        return txn.build();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
