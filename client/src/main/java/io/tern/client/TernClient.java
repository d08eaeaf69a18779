package io.tern.client;

import io.tern.client.protocol.BatchOp;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The Java client of Tern. API SKELETON: the bodies are filled in by the client work of issue 4.
 */
public final class TernClient implements AutoCloseable {

    private TernClient() {
    }

    /** A client of the cluster reachable at any of {@code endpoints} ("host:port"), with default options. */
    public static TernClient connect(List<String> endpoints) {
        return builder().endpoints(endpoints).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public CompletableFuture<GetResult> getAsync(byte[] key) { throw new UnsupportedOperationException(); }
    public CompletableFuture<GetResult> getAsync(byte[] key, ReadOptions read) { throw new UnsupportedOperationException(); }
    public CompletableFuture<Long> putAsync(byte[] key, byte[] value) { throw new UnsupportedOperationException(); }
    public CompletableFuture<DeleteResult> deleteAsync(byte[] key) { throw new UnsupportedOperationException(); }
    /** expected null: must be absent; newValue null: delete. */
    public CompletableFuture<CasResult> casAsync(byte[] key, byte[] expected, byte[] newValue) { throw new UnsupportedOperationException(); }
    /** end empty: no bound; limit 0: the server's maximum. */
    public CompletableFuture<ScanResult> scanAsync(byte[] start, byte[] end, int limit) { throw new UnsupportedOperationException(); }
    public CompletableFuture<ScanResult> scanAsync(byte[] start, byte[] end, int limit, ReadOptions read) { throw new UnsupportedOperationException(); }
    public CompletableFuture<Long> batchAsync(List<BatchOp> ops) { throw new UnsupportedOperationException(); }
    public CompletableFuture<Void> pingAsync() { throw new UnsupportedOperationException(); }
    /** STATUS json of the node the client currently talks to. */
    public CompletableFuture<String> statusAsync() { throw new UnsupportedOperationException(); }
    /** STATUS json of the node at {@code endpoint} ("host:port"), which need not be in the endpoint list. */
    public CompletableFuture<String> statusAsync(String endpoint) { throw new UnsupportedOperationException(); }
    public CompletableFuture<Long> memberAddAsync(long id, String address, boolean voter) { throw new UnsupportedOperationException(); }
    public CompletableFuture<Long> memberRemoveAsync(long id) { throw new UnsupportedOperationException(); }
    public CompletableFuture<Void> transferLeaderAsync(long targetId) { throw new UnsupportedOperationException(); }
    /** Snapshot of the node at the first endpoint (or the current one); completes with the snapshot index. */
    public CompletableFuture<Long> snapshotAsync() { throw new UnsupportedOperationException(); }

    public GetResult get(byte[] key) { throw new UnsupportedOperationException(); }
    public GetResult get(byte[] key, ReadOptions read) { throw new UnsupportedOperationException(); }
    public long put(byte[] key, byte[] value) { throw new UnsupportedOperationException(); }
    public DeleteResult delete(byte[] key) { throw new UnsupportedOperationException(); }
    public CasResult cas(byte[] key, byte[] expected, byte[] newValue) { throw new UnsupportedOperationException(); }
    public ScanResult scan(byte[] start, byte[] end, int limit) { throw new UnsupportedOperationException(); }
    public ScanResult scan(byte[] start, byte[] end, int limit, ReadOptions read) { throw new UnsupportedOperationException(); }
    public long batch(List<BatchOp> ops) { throw new UnsupportedOperationException(); }
    public void ping() { throw new UnsupportedOperationException(); }
    public String status() { throw new UnsupportedOperationException(); }
    public String status(String endpoint) { throw new UnsupportedOperationException(); }
    public long memberAdd(long id, String address, boolean voter) { throw new UnsupportedOperationException(); }
    public long memberRemove(long id) { throw new UnsupportedOperationException(); }
    public void transferLeader(long targetId) { throw new UnsupportedOperationException(); }
    public long snapshot() { throw new UnsupportedOperationException(); }

    /** The highest revision any answer to this client carried. */
    public long lastSeenRevision() { throw new UnsupportedOperationException(); }

    @Override
    public void close() {
    }

    /** Options of a {@link TernClient}. */
    public static final class Builder {
        public Builder endpoints(List<String> endpoints) { return this; }
        /** Comma-separated "host:port" list. */
        public Builder endpoints(String commaSeparated) { return this; }
        /** Deadline of each call, retries included. Default 10 s. */
        public Builder requestTimeout(Duration timeout) { return this; }
        /** Default 2 s. */
        public Builder connectTimeout(Duration timeout) { return this; }
        /** Connections per endpoint, requests pipelined over them round-robin. Default 2. */
        public Builder connectionsPerEndpoint(int connections) { return this; }
        public TernClient build() { return new TernClient(); }
    }
}
