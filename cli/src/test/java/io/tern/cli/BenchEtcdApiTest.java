package io.tern.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.KeyValue;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.PutResponse;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RangeResponse;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code tern bench --api etcd} against two stand-in etcd members: gRPC servers of etcd's KV service
 * that keep keys in a map and count what they are asked. (A run against a real etcd needs etcd
 * installed, which the test suite does not assume; {@code bench/etcd-compare} does that.)
 */
class BenchEtcdApiTest {

    /** What the members hold: one map, as if replicated. */
    private final Map<ByteString, ByteString> data = new ConcurrentHashMap<>();
    private final FakeEtcdKv first = new FakeEtcdKv(data);
    private final FakeEtcdKv second = new FakeEtcdKv(data);
    private Server firstServer;
    private Server secondServer;

    @BeforeEach
    void startMembers() throws IOException {
        firstServer = ServerBuilder.forPort(0).addService(first).build().start();
        secondServer = ServerBuilder.forPort(0).addService(second).build().start();
    }

    @AfterEach
    void stopMembers() throws InterruptedException {
        for (Server server : new Server[] {firstServer, secondServer}) {
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private String endpoints() {
        return "127.0.0.1:" + firstServer.getPort() + ",127.0.0.1:" + secondServer.getPort();
    }

    @Test
    void serializableGetsOfFilledKeysAndPutsTakeTheConnectionsInTurn() throws Exception {
        Cli.Result run = Cli.run("bench", "--api", "etcd", "--endpoints", endpoints(), "--clients", "8",
                "--connections", "2", "--duration", "500ms", "--warmup", "0s", "--keys", "20", "--fill",
                "--read-mode", "serializable", "--json");
        assertEquals(0, run.exitCode(), run.err());
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertEquals("etcd", json.get("api").asText());
        assertEquals("serializable", json.get("readMode").asText());
        assertEquals(2, json.get("connectionsPerEndpoint").asInt());
        assertEquals(0, json.get("errors").asLong(), run.out());
        long reads = json.get("reads").asLong();
        long writes = json.get("writes").asLong();
        assertTrue(reads > 0 && writes > 0, run.out());
        assertEquals(0, json.get("readsNotFound").asLong(), "every key was written before the load: " + run.out());

        for (FakeEtcdKv member : new FakeEtcdKv[] {first, second}) {
            assertEquals(2, member.linearizableRanges.get(), "only the reachability probes, one per connection");
            assertTrue(member.serializableRanges.get() > 0 && member.puts.get() > 0, member.toString());
            assertEquals(Map.of(8, 256), member.valueSizeByKeySize, "8-byte keys, 256-byte values");
        }
        assertEquals(20, data.size(), "the fill wrote each of the 20 keys");
        assertTrue(first.puts.get() + second.puts.get() >= 20 + writes);
        assertTrue(first.serializableRanges.get() + second.serializableRanges.get() >= reads);
        long toFirst = first.puts.get() + first.serializableRanges.get();
        long toSecond = second.puts.get() + second.serializableRanges.get();
        assertTrue(Math.abs(toFirst - toSecond) <= 1, "round robin: " + toFirst + " against " + toSecond);
    }

    @Test
    void linearizableGetsByDefault() throws Exception {
        Cli.Result run = Cli.run("bench", "--api", "etcd", "--endpoints", endpoints(), "--clients", "2",
                "--duration", "300ms", "--warmup", "0s", "--read-ratio", "1", "--json");
        assertEquals(0, run.exitCode(), run.err());
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertEquals("linearizable", json.get("readMode").asText());
        assertEquals(json.get("ops").asLong(), json.get("readsNotFound").asLong(), "nothing was written");
        assertEquals(0, first.serializableRanges.get() + second.serializableRanges.get());
        assertEquals(0, first.puts.get() + second.puts.get());
        assertTrue(first.linearizableRanges.get() > 2 && second.linearizableRanges.get() > 2);
    }

    @Test
    void failuresAreCountedByEtcdErrorCode() throws Exception {
        first.refusePuts = true;
        second.refusePuts = true;
        Cli.Result run = Cli.run("bench", "--api", "etcd", "--endpoints", endpoints(), "--clients", "4",
                "--duration", "300ms", "--warmup", "0s", "--json");
        assertEquals(0, run.exitCode(), run.err());
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertEquals(0, json.get("writes").asLong());
        long errors = json.get("errors").asLong();
        assertTrue(errors > 0, run.out());
        assertEquals(errors, json.path("errorsByType").path("RESOURCE_EXHAUSTED").asLong(), run.out());
    }

    @Test
    void textNamesTheApi() {
        Cli.Result run = Cli.run("bench", "--api", "etcd", "--endpoints", endpoints(), "--clients", "1",
                "--duration", "200ms", "--warmup", "0s");
        assertEquals(0, run.exitCode(), run.err());
        assertEquals("tern bench: 1 clients over 1 connection per endpoint to " + endpoints() + " (etcd API)",
                run.outLines().getFirst());
    }

    /** etcd's KV service, Range and Put only, over a map that the members share. */
    private static final class FakeEtcdKv extends KVGrpc.KVImplBase {

        final AtomicLong puts = new AtomicLong();
        final AtomicLong linearizableRanges = new AtomicLong();
        final AtomicLong serializableRanges = new AtomicLong();
        final Map<Integer, Integer> valueSizeByKeySize = new ConcurrentHashMap<>();
        private final Map<ByteString, ByteString> data;
        volatile boolean refusePuts;

        FakeEtcdKv(Map<ByteString, ByteString> data) {
            this.data = data;
        }

        @Override
        public void range(RangeRequest request, StreamObserver<RangeResponse> response) {
            (request.getSerializable() ? serializableRanges : linearizableRanges).incrementAndGet();
            RangeResponse.Builder found = RangeResponse.newBuilder();
            ByteString value = data.get(request.getKey());
            if (value != null) {
                found.addKvs(KeyValue.newBuilder().setKey(request.getKey()).setValue(value)).setCount(1);
            }
            response.onNext(found.build());
            response.onCompleted();
        }

        @Override
        public void put(PutRequest request, StreamObserver<PutResponse> response) {
            if (refusePuts) {
                response.onError(Status.RESOURCE_EXHAUSTED.withDescription("etcdserver: mvcc: database space exceeded")
                        .asRuntimeException());
                return;
            }
            puts.incrementAndGet();
            valueSizeByKeySize.put(request.getKey().size(), request.getValue().size());
            data.put(request.getKey(), request.getValue());
            response.onNext(PutResponse.getDefaultInstance());
            response.onCompleted();
        }
    }
}
