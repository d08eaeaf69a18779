package io.tern.client;

import io.tern.client.protocol.BatchOp;
import io.tern.client.protocol.AuthRequests;
import io.tern.client.protocol.AuthResponses;
import io.tern.client.protocol.Opcode;
import io.tern.client.protocol.ReadMode;
import io.tern.client.protocol.Request;
import io.tern.client.protocol.Response;
import io.tern.platform.HostPort;
import java.io.OutputStream;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Java client of a Tern cluster.
 *
 * <pre>{@code
 * try (TernClient client = TernClient.connect(List.of("10.0.0.1:7379", "10.0.0.2:7379"))) {
 *     long revision = client.put(key, value);
 *     GetResult read = client.get(key, ReadOptions.localReadYourWrites());
 * }
 * }</pre>
 *
 * <h2>Calls</h2>
 * Every operation comes as an {@code ...Async} method returning a {@link CompletableFuture} and as a
 * blocking method that waits for it. Both fail only with a {@link TernException} (the blocking
 * methods throw it as is, never wrapped), whose subclass says what the caller may assume:
 * <ul>
 *   <li>{@link UnavailableException}, {@link NotLeaderException}: the request was <b>not</b> applied
 *       (no leader, no quorum, no node reachable before the deadline); sending it again is safe;</li>
 *   <li>{@link OutcomeUnknownException}: a write may or may not have been applied (the node answered
 *       TIMEOUT, the connection broke after the write was sent, or the deadline passed with it in flight);
 *       read the key before repeating a write that is not idempotent;</li>
 *   <li>{@link RequestRefusedException}: malformed or too large (BAD_REQUEST, TOO_LARGE), never applied,
 *       and refused again if repeated. A key over 16 KiB or a request over the frame limit is refused
 *       by the client itself, without sending anything;</li>
 *   <li>{@link ServerErrorException}: the node reported a bug (INTERNAL).</li>
 * </ul>
 * Arguments that are {@code null} where a value is required, or out of range, throw
 * {@link NullPointerException} or {@link IllegalArgumentException} from the call itself. Byte
 * arrays are not copied: do not change them until the call completes.
 *
 * <h2>Retries and failover</h2>
 * Each call has one deadline ({@link TernClientBuilder#requestTimeout}, default 10 s) that covers all its
 * retries. Calls go to a current endpoint shared by the whole client; when a node cannot be
 * reached, its connection breaks, or it answers UNAVAILABLE or NOT_LEADER without naming a leader,
 * the current endpoint moves on to the next one in the list, with a backoff of 20 ms doubling up
 * to 500 ms after each full round of the list. A NOT_LEADER that names the leader sends the call,
 * and later ones, to that address, even if it is not in the list. A call is sent again only
 * where that is safe: always when its request never left the client; for reads (GET, SCAN, PING,
 * STATUS) also after a lost connection or a TIMEOUT answer; for writes only after an answer that
 * says it was not applied (UNAVAILABLE, NOT_LEADER).
 *
 * <h2>Revisions</h2>
 * The client remembers the highest revision any answer carried ({@link #lastSeenRevision()}).
 * A read with {@link ReadOptions#localReadYourWrites()} asks the node for at least that revision,
 * so a LOCAL read, served by whichever node it reaches, still sees this client's own writes and
 * never goes back in time.
 *
 * <h2>Threads</h2>
 * All methods may be called from any thread at once. Requests are pipelined over a few
 * connections per endpoint ({@link TernClientBuilder#connectionsPerEndpoint}) served by one or two I/O
 * threads ({@code tern-client-<n>-io-<k>}) and one timer thread ({@code tern-client-<n>-timer-1}).
 * <b>Futures complete on those threads</b>, so a callback attached with {@code thenApply},
 * {@code whenComplete} and the like runs on them: keep callbacks short and never block in one
 * (use the {@code ...Async(fn, executor)} variants for slow work). Calling a blocking method of this
 * client on one of its own threads would wait for the very thread it occupies, so it throws
 * {@link IllegalStateException} instead.
 */
public final class TernClient implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TernClient.class);

    private final ClientRuntime runtime;
    private final Results results = new Results();
    private final long requestTimeoutNanos;
    private final LeaseClient leases;
    private final WatchClient watches;
    private final KvClient kv;
    private final AuthClient auth;

    private TernClient(ClientSettings settings) {
        this.runtime = new ClientRuntime(settings);
        ClientCredentials credentials = settings.credentials();
        if (credentials != null) {
            credentials.authenticateWith(() -> submit(Opcode.AUTHENTICATE,
                    id -> new AuthRequests.Authenticate(id, credentials.user(), credentials.password()),
                    response -> ((AuthResponses.Authenticated) response).token()));
        }
        this.requestTimeoutNanos = settings.requestTimeout().toNanos();
        this.leases = new LeaseClient(this, runtime, results, requestTimeoutNanos);
        this.watches = new WatchClient(runtime);
        this.kv = new KvClient(this, results);
        this.auth = new AuthClient(this, results);
    }

    /** Watches of keys and ranges: their changes as they happen, across failover (see {@link WatchClient}). */
    public WatchClient watches() {
        return watches;
    }

    /** A client with {@code settings}; called by {@link TernClientBuilder#build()}. */
    static TernClient start(ClientSettings settings, boolean discoverLeader) {
        TernClient client = new TernClient(settings);
        if (discoverLeader) {
            client.discoverLeader();
        }
        return client;
    }

    /**
     * A client of the cluster reachable at any of {@code endpoints}, with default options.
     *
     * @param endpoints "host:port" of one or more members; IPv6 literals in brackets
     * @throws IllegalArgumentException if the list is empty or an entry is malformed
     */
    public static TernClient connect(List<String> endpoints) {
        return builder().endpoints(endpoints).build();
    }

    /** A builder of a client with options; {@link TernClientBuilder#endpoints(List)} is required. */
    public static TernClientBuilder builder() {
        return new TernClientBuilder();
    }

    /**
     * etcd's key operations (ranges with history, puts with leases, delete ranges, transactions,
     * compaction), with the same calls, failures and retries as this client's own.
     */
    public KvClient kv() {
        return kv;
    }

    // ---- asynchronous ---------------------------------------------------------------------

    /**
     * Reads {@code key}, linearizably.
     *
     * @return the value (or none) and the revision the read observed
     */
    public CompletableFuture<GetResult> getAsync(byte[] key) {
        return getAsync(key, ReadOptions.linearizable());
    }

    /**
     * Reads {@code key} as {@code read} says (see {@link ReadOptions}).
     *
     * @return the value (or none, {@link GetResult#found()} false) and the revision the read observed
     */
    public CompletableFuture<GetResult> getAsync(byte[] key, ReadOptions read) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(read, "read");
        RequestRefusedException refused = RequestChecks.get(key);
        if (refused != null) {
            return CompletableFuture.failedFuture(refused);
        }
        ReadMode mode = read.mode();
        return submit(Opcode.GET, id -> new Request.Get(id, mode, minRevision(read), key), results.get);
    }

    /**
     * Sets {@code key} to {@code value}.
     *
     * @return the revision of the write
     */
    public CompletableFuture<Long> putAsync(byte[] key, byte[] value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        RequestRefusedException refused = RequestChecks.put(key, value);
        if (refused != null) {
            return CompletableFuture.failedFuture(refused);
        }
        return submit(Opcode.PUT, id -> new Request.Put(id, key, value), results.put);
    }

    /**
     * Removes {@code key}; removing a key that has no value is not an error.
     *
     * @return the revision of the write and whether there was a value to remove
     */
    public CompletableFuture<DeleteResult> deleteAsync(byte[] key) {
        Objects.requireNonNull(key, "key");
        RequestRefusedException refused = RequestChecks.delete(key);
        if (refused != null) {
            return CompletableFuture.failedFuture(refused);
        }
        return submit(Opcode.DELETE, id -> new Request.Delete(id, key), results.delete);
    }

    /**
     * Compare-and-set: writes only if {@code key} holds {@code expected}. A mismatch is an answer
     * ({@link CasResult#succeeded()} false, with the value found), not an exception.
     *
     * @param expected the value {@code key} must hold, or {@code null} if it must be absent
     * @param newValue the value to set, or {@code null} to delete the key
     */
    public CompletableFuture<CasResult> casAsync(byte[] key, byte[] expected, byte[] newValue) {
        Objects.requireNonNull(key, "key");
        RequestRefusedException refused = RequestChecks.cas(key, expected, newValue);
        if (refused != null) {
            return CompletableFuture.failedFuture(refused);
        }
        return submit(Opcode.CAS, id -> new Request.Cas(id, key, expected, newValue), results.cas);
    }

    /**
     * Reads the keys in {@code [start, end)} in key order, linearizably.
     *
     * @param end   exclusive; empty means no upper bound
     * @param limit the most entries wanted; 0 means the server's maximum (1000)
     * @throws IllegalArgumentException if {@code limit} is negative
     */
    public CompletableFuture<ScanResult> scanAsync(byte[] start, byte[] end, int limit) {
        return scanAsync(start, end, limit, ReadOptions.linearizable());
    }

    /**
     * Reads the keys in {@code [start, end)} in key order, as {@code read} says.
     *
     * @param end   exclusive; empty means no upper bound
     * @param limit the most entries wanted; 0 means the server's maximum (1000). When the limit cut
     *              the result, {@link ScanResult#more()} is true: scan again from after the last key
     * @throws IllegalArgumentException if {@code limit} is negative
     */
    public CompletableFuture<ScanResult> scanAsync(byte[] start, byte[] end, int limit, ReadOptions read) {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        Objects.requireNonNull(read, "read");
        if (limit < 0) {
            throw new IllegalArgumentException("limit must not be negative: " + limit);
        }
        RequestRefusedException refused = RequestChecks.scan(start, end);
        if (refused != null) {
            return CompletableFuture.failedFuture(refused);
        }
        ReadMode mode = read.mode();
        return submit(Opcode.SCAN, id -> new Request.Scan(id, mode, minRevision(read), start, end, limit),
                results.scan);
    }

    /**
     * Applies all of {@code ops} atomically, or none of them.
     *
     * @return the revision of the write
     */
    public CompletableFuture<Long> batchAsync(List<BatchOp> ops) {
        List<BatchOp> copy = List.copyOf(ops);
        RequestRefusedException refused = RequestChecks.batch(copy);
        if (refused != null) {
            return CompletableFuture.failedFuture(refused);
        }
        return submit(Opcode.BATCH, id -> new Request.Batch(id, copy), results.batch);
    }

    /** Asks the current node for an empty answer: completes once some node answered. */
    public CompletableFuture<Void> pingAsync() {
        return submit(Opcode.PING, Request.Ping::new, results.ping);
    }

    /**
     * The STATUS json of the node the client currently talks to (which may change by failover on
     * the way); the contract lists its fields ({@code role}, {@code term}, {@code leaderAddress},
     * {@code commitIndex}, {@code members}, ...); {@link ServerStatus#parse} reads it.
     */
    public CompletableFuture<String> statusAsync() {
        return submit(Opcode.STATUS, null, Request.Status::new, results.status);
    }

    /**
     * The STATUS json of the node at {@code endpoint}, which need not be in the endpoint list. A
     * node's status is about that node, so there is no failover and no retry: if it cannot be
     * reached, or answers anything but OK, the call fails at once.
     *
     * @param endpoint "host:port"
     * @throws IllegalArgumentException if {@code endpoint} is malformed
     */
    public CompletableFuture<String> statusAsync(String endpoint) {
        HostPort node = EndpointList.parse(endpoint);
        return submit(Opcode.STATUS, node, Request.Status::new, results.status);
    }

    /**
     * Adds member {@code id} at {@code address} (a voter, or a learner that only receives the log).
     * The leader refuses (UNAVAILABLE, retried until the deadline) a voter whose addition would leave
     * fewer healthy voters than a quorum, except that a new voter the cluster could not do without
     * joins as a learner first and is promoted once in sync; if it does not get in sync within the
     * server's request timeout it stays a learner and the call fails with
     * {@link OutcomeUnknownException} saying so.
     *
     * @return the revision of the configuration change
     */
    public CompletableFuture<Long> memberAddAsync(long id, String address, boolean voter) {
        Objects.requireNonNull(address, "address");
        return submit(Opcode.MEMBER_ADD, requestId -> new Request.MemberAdd(requestId, id, address, voter),
                results.member);
    }

    /**
     * Removes member {@code id} from the cluster.
     *
     * @return the revision of the configuration change
     */
    public CompletableFuture<Long> memberRemoveAsync(long id) {
        return submit(Opcode.MEMBER_REMOVE, requestId -> new Request.MemberRemove(requestId, id), results.member);
    }

    /**
     * Makes learner {@code id} a voter. The leader refuses (UNAVAILABLE, so the call is retried until its
     * deadline) while the learner is not in sync with it (holds less than 90% of its log) or while
     * the voters it has heard from lately would not make a quorum of the new configuration; and
     * refuses for good ({@link RequestRefusedException}) a member that is not a learner.
     *
     * @return the revision of the configuration change
     */
    public CompletableFuture<Long> memberPromoteAsync(long id) {
        return submit(Opcode.MEMBER_PROMOTE, requestId -> new Request.MemberPromote(requestId, id), results.member);
    }

    /**
     * Asks the leader to hand leadership to member {@code targetId}; completes when the leader
     * accepted. Treated as a write: it is not sent again once it may have reached a node.
     */
    public CompletableFuture<Void> transferLeaderAsync(long targetId) {
        return submit(Opcode.TRANSFER_LEADER, requestId -> new Request.TransferLeader(requestId, targetId),
                results.transfer);
    }

    /**
     * Clears member {@code memberId}'s NOSPACE alarm through the log, as etcd's alarm disarm does
     * (the alarms in force are in the STATUS json's {@code alarms}). Clearing an alarm that is not
     * raised changes nothing. If the member's disk is still below its reserve, its monitor raises the
     * alarm again. Refused ({@link RequestRefusedException}, BAD_REQUEST) for an id that is not a member.
     *
     * @return the revision of the entry that cleared it
     */
    public CompletableFuture<Long> alarmDisarmAsync(long memberId) {
        return submit(Opcode.ALARM, requestId -> new Request.Alarm(requestId, false, memberId, Request.Alarm.NOSPACE, ""),
                results.alarm);
    }

    /**
     * Asks the node the client currently talks to (the first endpoint unless failover or a leader
     * redirect moved it) to take a snapshot and compact its log. Treated as a write: it fails over
     * only while its request has not left the client.
     *
     * @return the log index the snapshot covers
     */
    public CompletableFuture<Long> snapshotAsync() {
        return submit(Opcode.SNAPSHOT, Request.Snapshot::new, results.snapshot);
    }

    /**
     * Streams a backup of the member at {@code endpoint} into {@code out} (BACKUP, opcode 0x16): a
     * snapshot of its state that holds every write acknowledged before this call, in Tern's backup
     * format (it ends in its SHA-256; {@code tern backup restore} makes a new cluster from it). The
     * member need not lead. Pieces are written to {@code out} on the client's I/O thread as they
     * arrive, and the member sends no faster than they are written. There is no failover: if the
     * member fails, refuses ({@link UnavailableException} and the like), or sends nothing for the
     * request timeout, the call fails and what was written is not a whole backup; if {@code out}
     * fails it fails with {@link java.io.UncheckedIOException}. The caller closes {@code out}.
     *
     * @param endpoint "host:port" of the member, which need not be in the endpoint list
     * @return the last log index the backup's snapshot covers
     * @throws IllegalArgumentException if {@code endpoint} is malformed
     */
    public CompletableFuture<Long> backupAsync(String endpoint, OutputStream out) {
        Objects.requireNonNull(out, "out");
        BackupDownload download = new BackupDownload(runtime, EndpointList.parse(endpoint), out, requestTimeoutNanos);
        if (runtime.isClosed()) {
            download.completeExceptionally(Call.closedError());
            return download;
        }
        ClientCredentials credentials = runtime.credentials();
        if (credentials != null && credentials.token() == null) {
            // A stream is not retried, so it goes out with a token from the start; if the member has
            // authentication off, AUTHENTICATE fails and the backup goes without one, as it may.
            credentials.renew(null).whenComplete((token, error) -> download.start());
        } else {
            download.start();
        }
        return download;
    }

    // ---- blocking -------------------------------------------------------------------------

    /**
     * Blocking {@link #getAsync(byte[])}.
     *
     * @throws TernException as described in the class documentation
     */
    public GetResult get(byte[] key) {
        return await(getAsync(key));
    }

    /**
     * Blocking {@link #getAsync(byte[], ReadOptions)}.
     *
     * @throws TernException as described in the class documentation
     */
    public GetResult get(byte[] key, ReadOptions read) {
        return await(getAsync(key, read));
    }

    /**
     * Blocking {@link #putAsync}.
     *
     * @return the revision of the write
     * @throws TernException as described in the class documentation
     */
    public long put(byte[] key, byte[] value) {
        return await(putAsync(key, value));
    }

    /**
     * Blocking {@link #deleteAsync}.
     *
     * @throws TernException as described in the class documentation
     */
    public DeleteResult delete(byte[] key) {
        return await(deleteAsync(key));
    }

    /**
     * Blocking {@link #casAsync}.
     *
     * @param expected the value {@code key} must hold, or {@code null} if it must be absent
     * @param newValue the value to set, or {@code null} to delete the key
     * @throws TernException as described in the class documentation
     */
    public CasResult cas(byte[] key, byte[] expected, byte[] newValue) {
        return await(casAsync(key, expected, newValue));
    }

    /**
     * Blocking {@link #scanAsync(byte[], byte[], int)}.
     *
     * @throws TernException as described in the class documentation
     */
    public ScanResult scan(byte[] start, byte[] end, int limit) {
        return await(scanAsync(start, end, limit));
    }

    /**
     * Blocking {@link #scanAsync(byte[], byte[], int, ReadOptions)}.
     *
     * @throws TernException as described in the class documentation
     */
    public ScanResult scan(byte[] start, byte[] end, int limit, ReadOptions read) {
        return await(scanAsync(start, end, limit, read));
    }

    /**
     * Blocking {@link #batchAsync}.
     *
     * @return the revision of the write
     * @throws TernException as described in the class documentation
     */
    public long batch(List<BatchOp> ops) {
        return await(batchAsync(ops));
    }

    /**
     * Blocking {@link #pingAsync}.
     *
     * @throws TernException as described in the class documentation
     */
    public void ping() {
        await(pingAsync());
    }

    /**
     * Blocking {@link #statusAsync()}.
     *
     * @throws TernException as described in the class documentation
     */
    public String status() {
        return await(statusAsync());
    }

    /**
     * Blocking {@link #statusAsync(String)}.
     *
     * @throws TernException as described in the class documentation
     */
    public String status(String endpoint) {
        return await(statusAsync(endpoint));
    }

    /**
     * Blocking {@link #memberAddAsync}.
     *
     * @return the revision of the configuration change
     * @throws TernException as described in the class documentation
     */
    public long memberAdd(long id, String address, boolean voter) {
        return await(memberAddAsync(id, address, voter));
    }

    /**
     * Blocking {@link #memberRemoveAsync}.
     *
     * @return the revision of the configuration change
     * @throws TernException as described in the class documentation
     */
    public long memberRemove(long id) {
        return await(memberRemoveAsync(id));
    }

    /**
     * Blocking {@link #memberPromoteAsync}.
     *
     * @return the revision of the configuration change
     * @throws TernException as described in the class documentation
     */
    public long memberPromote(long id) {
        return await(memberPromoteAsync(id));
    }

    /**
     * Blocking {@link #transferLeaderAsync}.
     *
     * @throws TernException as described in the class documentation
     */
    public void transferLeader(long targetId) {
        await(transferLeaderAsync(targetId));
    }

    /**
     * Blocking {@link #alarmDisarmAsync}.
     *
     * @return the revision of the entry that cleared it
     * @throws TernException as described in the class documentation
     */
    public long alarmDisarm(long memberId) {
        return await(alarmDisarmAsync(memberId));
    }

    /**
     * Blocking {@link #snapshotAsync}.
     *
     * @return the log index the snapshot covers
     * @throws TernException as described in the class documentation
     */
    public long snapshot() {
        return await(snapshotAsync());
    }

    /**
     * Blocking {@link #backupAsync}.
     *
     * @return the last log index the backup's snapshot covers
     */
    public long backup(String endpoint, OutputStream out) {
        return await(backupAsync(endpoint, out));
    }

    /** Users, roles and the switch of authentication (etcd's Auth service). */
    public AuthClient auth() {
        return auth;
    }

    /** etcd's leases: grant, revoke, keep-alive (once, or in the background), time-to-live, list. */
    public LeaseClient leases() {
        return leases;
    }

    /**
     * The highest revision any answer to this client carried: writes, reads (found or not), CAS
     * mismatches, scans, batches and membership changes. It only grows; 0 before any answer.
     */
    public long lastSeenRevision() {
        return results.lastSeenRevision();
    }

    /**
     * Fails every call still under way ({@link UnavailableException}, or
     * {@link OutcomeUnknownException} for a write already sent), closes the connections and stops
     * the client's threads, waiting a few seconds at most. Calls made afterwards fail with
     * {@link UnavailableException}. Closing twice does nothing.
     */
    @Override
    public void close() {
        runtime.close();
    }

    // ---- package-private, for tests ------------------------------------------------------

    /** The endpoint new calls go to. */
    HostPort currentEndpoint() {
        return runtime.router().current();
    }

    /** How many requests await an answer on all connections (a late answer's entry must not linger). */
    int inFlight() {
        return runtime.inFlight();
    }

    // ---- internals ------------------------------------------------------------------------

    <T> CompletableFuture<T> submit(Opcode opcode, LongFunction<Request> requests, Function<Response, T> mapping) {
        return submit(opcode, null, requests, mapping);
    }

    private <T> CompletableFuture<T> submit(Opcode opcode, HostPort pinned, LongFunction<Request> requests,
            Function<Response, T> mapping) {
        return submit(opcode, pinned, requests, mapping, requestTimeoutNanos);
    }

    /** A call with its own deadline (the other parts of the API, such as {@link LeaseClient}, call through this). */
    <T> CompletableFuture<T> submit(Opcode opcode, HostPort pinned, LongFunction<Request> requests,
            Function<Response, T> mapping, long timeoutNanos) {
        Call<T> call = new Call<>(runtime, opcode, pinned, requests, mapping, timeoutNanos);
        if (runtime.isClosed()) {
            call.completeExceptionally(Call.closedError());
            return call;
        }
        call.start();
        return call;
    }

    /** Asks the first endpoint who leads, and makes the leader the current endpoint if it still is the first. */
    private void discoverLeader() {
        EndpointRouter router = runtime.router();
        HostPort first = router.current();
        statusAsync(first.toString()).thenAccept(json -> {
            try {
                String leader = ServerStatus.parse(json).leaderAddress();
                if (leader != null) {
                    router.redirect(first, EndpointList.parse(leader));
                }
            } catch (IllegalArgumentException e) {
                log.debug("Ignoring the STATUS of {} in looking for the leader: {}", first, e.getMessage());
            }
        });
    }

    long minRevision(ReadOptions read) {
        return read.readYourWrites() ? Math.max(read.minRevision(), results.lastSeenRevision()) : read.minRevision();
    }

    <T> T await(CompletableFuture<T> future) {
        if (runtime.ownsCurrentThread()) {
            throw new IllegalStateException("a blocking TernClient call on one of the client's own threads "
                    + "(a callback of one of its futures) would deadlock; use the ...Async method and compose");
        }
        try {
            return future.get();
        } catch (ExecutionException e) {
            throw rethrow(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            TernException abandoned = future instanceof Call<?> call ? call.abandon(Call.Abandon.INTERRUPTED) : null;
            if (abandoned != null) {
                throw abandoned;
            }
            try {
                return future.join(); // it had already ended: its outcome stands
            } catch (CompletionException ended) {
                throw rethrow(ended.getCause());
            }
        }
    }

    private static RuntimeException rethrow(Throwable cause) {
        if (cause instanceof RuntimeException runtime) {
            return runtime;
        }
        if (cause instanceof Error error) {
            throw error;
        }
        return new IllegalStateException("unexpected failure of a Tern call", cause);
    }
}
