package io.tern.client;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.HashedWheelTimer;
import io.netty.util.Timeout;
import io.tern.client.net.ProtocolConnection;
import io.tern.client.protocol.BatchOp;
import io.tern.client.protocol.Opcode;
import io.tern.client.protocol.ReadMode;
import io.tern.client.protocol.Request;
import io.tern.client.protocol.Response;
import io.tern.platform.HostPort;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
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
 * Each call has one deadline ({@link Builder#requestTimeout}, default 10 s) that covers all its
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
 * connections per endpoint ({@link Builder#connectionsPerEndpoint}) served by one or two I/O
 * threads ({@code tern-client-<n>-io-<k>}) and one timer thread ({@code tern-client-<n>-timer-1}).
 * <b>Futures complete on those threads</b>, so a callback attached with {@code thenApply},
 * {@code whenComplete} and the like runs on them: keep callbacks short and never block in one
 * (use the {@code ...Async(fn, executor)} variants for slow work). Calling a blocking method of this
 * client on one of its own threads would wait for the very thread it occupies, so it throws
 * {@link IllegalStateException} instead.
 */
public final class TernClient implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TernClient.class);

    private static final long TIMER_TICK_MILLIS = 10;
    private static final long CLOSE_WAIT_SECONDS = 5;

    private final EndpointRouter router;
    private final long requestTimeoutNanos;
    private final int connectionsPerEndpoint;
    private final EventLoopGroup group;
    private final HashedWheelTimer timer;
    private final Bootstrap bootstrap;
    private final ConcurrentHashMap<HostPort, EndpointPool> pools = new ConcurrentHashMap<>();
    private final AtomicLong lastSeenRevision = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();

    // Built once: a method reference bound to this would otherwise be allocated per call.
    private final Function<Response, GetResult> getResults = this::getResult;
    private final Function<Response, Long> putResults = this::putResult;
    private final Function<Response, DeleteResult> deleteResults = this::deleteResult;
    private final Function<Response, CasResult> casResults = this::casResult;
    private final Function<Response, ScanResult> scanResults = this::scanResult;
    private final Function<Response, Long> batchResults = this::batchResult;
    private final Function<Response, Long> memberResults = this::memberResult;

    private TernClient(Builder builder) {
        this.router = new EndpointRouter(builder.endpoints);
        this.requestTimeoutNanos = builder.requestTimeout.toNanos();
        this.connectionsPerEndpoint = builder.connectionsPerEndpoint;
        ClientThreads[] threads = ClientThreads.forClient(this);
        int ioThreads = Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));
        this.group = new MultiThreadIoEventLoopGroup(ioThreads, threads[0], NioIoHandler.newFactory());
        this.timer = new HashedWheelTimer(threads[1], TIMER_TICK_MILLIS, TimeUnit.MILLISECONDS, 512);
        this.bootstrap = new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS,
                        (int) Math.min(Integer.MAX_VALUE, Math.max(1, builder.connectTimeout.toMillis())));
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

    /** A builder of a client with options; {@link Builder#endpoints(List)} is required. */
    public static Builder builder() {
        return new Builder();
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
        return submit(Opcode.GET, id -> new Request.Get(id, mode, minRevision(read), key), getResults);
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
        return submit(Opcode.PUT, id -> new Request.Put(id, key, value), putResults);
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
        return submit(Opcode.DELETE, id -> new Request.Delete(id, key), deleteResults);
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
        return submit(Opcode.CAS, id -> new Request.Cas(id, key, expected, newValue), casResults);
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
                scanResults);
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
        return submit(Opcode.BATCH, id -> new Request.Batch(id, copy), batchResults);
    }

    /** Asks the current node for an empty answer: completes once some node answered. */
    public CompletableFuture<Void> pingAsync() {
        return submit(Opcode.PING, Request.Ping::new, response -> expect(response, Response.PingOk.class, null));
    }

    /**
     * The STATUS json of the node the client currently talks to (which may change by failover on
     * the way); the contract lists its fields ({@code role}, {@code term}, {@code leaderAddress},
     * {@code commitIndex}, {@code members}, ...); {@link ServerStatus#parse} reads it.
     */
    public CompletableFuture<String> statusAsync() {
        return submit(Opcode.STATUS, null, Request.Status::new, TernClient::statusJson);
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
        return submit(Opcode.STATUS, node, Request.Status::new, TernClient::statusJson);
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
                memberResults);
    }

    /**
     * Removes member {@code id} from the cluster.
     *
     * @return the revision of the configuration change
     */
    public CompletableFuture<Long> memberRemoveAsync(long id) {
        return submit(Opcode.MEMBER_REMOVE, requestId -> new Request.MemberRemove(requestId, id), memberResults);
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
        return submit(Opcode.MEMBER_PROMOTE, requestId -> new Request.MemberPromote(requestId, id), memberResults);
    }

    /**
     * Asks the leader to hand leadership to member {@code targetId}; completes when the leader
     * accepted. Treated as a write: it is not sent again once it may have reached a node.
     */
    public CompletableFuture<Void> transferLeaderAsync(long targetId) {
        return submit(Opcode.TRANSFER_LEADER, requestId -> new Request.TransferLeader(requestId, targetId),
                response -> expect(response, Response.TransferOk.class, null));
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
                response -> {
                    if (response instanceof Response.AlarmOk ok) {
                        return seen(ok.revision());
                    }
                    throw unexpected(response);
                });
    }

    /**
     * Asks the node the client currently talks to (the first endpoint unless failover or a leader
     * redirect moved it) to take a snapshot and compact its log. Treated as a write: it fails over
     * only while its request has not left the client.
     *
     * @return the log index the snapshot covers
     */
    public CompletableFuture<Long> snapshotAsync() {
        return submit(Opcode.SNAPSHOT, Request.Snapshot::new, response -> {
            if (response instanceof Response.SnapshotOk ok) {
                return ok.snapshotIndex();
            }
            throw unexpected(response);
        });
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
     * The highest revision any answer to this client carried: writes, reads (found or not), CAS
     * mismatches, scans, batches and membership changes. It only grows; 0 before any answer.
     */
    public long lastSeenRevision() {
        return lastSeenRevision.get();
    }

    /**
     * Fails every call still under way ({@link UnavailableException}, or
     * {@link OutcomeUnknownException} for a write already sent), closes the connections and stops
     * the client's threads, waiting a few seconds at most. Calls made afterwards fail with
     * {@link UnavailableException}. Closing twice does nothing.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (ClientThreads.isOwnedBy(this)) {
            // From a callback: this thread cannot wait for itself to stop, so another one finishes the job.
            Thread closer = new Thread(this::shutDown, "tern-client-close");
            closer.setDaemon(true);
            closer.start();
            return;
        }
        shutDown();
    }

    // ---- package-private, for the call machinery and tests ---------------------------------

    EndpointRouter router() {
        return router;
    }

    HashedWheelTimer timer() {
        return timer;
    }

    boolean isClosed() {
        return closed.get();
    }

    /** A connection to {@code endpoint} in turn, or {@code null} once the client is closed. */
    ProtocolConnection connection(HostPort endpoint) {
        if (closed.get()) {
            return null;
        }
        EndpointPool pool = pools.get(endpoint);
        if (pool == null) {
            pool = pools.computeIfAbsent(endpoint, e -> new EndpointPool(e, bootstrap, connectionsPerEndpoint));
        }
        return pool.acquire();
    }

    /** The endpoint new calls go to. */
    HostPort currentEndpoint() {
        return router.current();
    }

    /** How many requests await an answer on all connections (a late answer's entry must not linger). */
    int inFlight() {
        int total = 0;
        for (EndpointPool pool : pools.values()) {
            total += pool.inFlight();
        }
        return total;
    }

    static UnavailableException closedError() {
        return new UnavailableException("client closed");
    }

    // ---- internals ------------------------------------------------------------------------

    private <T> CompletableFuture<T> submit(Opcode opcode, LongFunction<Request> requests, Function<Response, T> results) {
        return submit(opcode, null, requests, results);
    }

    private <T> CompletableFuture<T> submit(Opcode opcode, HostPort pinned, LongFunction<Request> requests,
            Function<Response, T> results) {
        Call<T> call = new Call<>(this, opcode, pinned, requests, results, requestTimeoutNanos);
        if (closed.get()) {
            call.completeExceptionally(closedError());
            return call;
        }
        call.start();
        return call;
    }

    /** Asks the first endpoint who leads, and makes the leader the current endpoint if it still is the first. */
    private void discoverLeader() {
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

    private long minRevision(ReadOptions read) {
        return read.readYourWrites() ? Math.max(read.minRevision(), lastSeenRevision.get()) : read.minRevision();
    }

    /** Records {@code revision} as seen and returns it. */
    private long seen(long revision) {
        long known;
        while (revision > (known = lastSeenRevision.get())) {
            if (lastSeenRevision.compareAndSet(known, revision)) {
                break;
            }
        }
        return revision;
    }

    private GetResult getResult(Response response) {
        return switch (response) {
            case Response.GetOk ok -> new GetResult(seen(ok.revision()), ok.value());
            case Response.NotFound notFound -> new GetResult(seen(notFound.revision()), null);
            default -> throw unexpected(response);
        };
    }

    private Long putResult(Response response) {
        if (response instanceof Response.PutOk ok) {
            return seen(ok.revision());
        }
        throw unexpected(response);
    }

    private DeleteResult deleteResult(Response response) {
        if (response instanceof Response.DeleteOk ok) {
            return new DeleteResult(seen(ok.revision()), ok.existed());
        }
        throw unexpected(response);
    }

    private CasResult casResult(Response response) {
        return switch (response) {
            case Response.CasOk ok -> new CasResult(true, seen(ok.revision()), null);
            case Response.CasMismatch mismatch -> new CasResult(false, seen(mismatch.revision()), mismatch.current());
            default -> throw unexpected(response);
        };
    }

    private ScanResult scanResult(Response response) {
        if (response instanceof Response.ScanOk ok) {
            return new ScanResult(seen(ok.revision()), ok.entries(), ok.more());
        }
        throw unexpected(response);
    }

    private Long batchResult(Response response) {
        if (response instanceof Response.BatchOk ok) {
            return seen(ok.revision());
        }
        throw unexpected(response);
    }

    private Long memberResult(Response response) {
        return switch (response) {
            case Response.MemberAddOk ok -> seen(ok.revision());
            case Response.MemberRemoveOk ok -> seen(ok.revision());
            case Response.MemberPromoteOk ok -> seen(ok.revision());
            default -> throw unexpected(response);
        };
    }

    private static String statusJson(Response response) {
        if (response instanceof Response.StatusOk ok) {
            return ok.json();
        }
        throw unexpected(response);
    }

    private static <T> T expect(Response response, Class<? extends Response> type, T result) {
        if (type.isInstance(response)) {
            return result;
        }
        throw unexpected(response);
    }

    // The codec decodes by the request's opcode, so only a bug on either side gets here.
    private static ServerErrorException unexpected(Response response) {
        return new ServerErrorException("unexpected answer " + response);
    }

    private <T> T await(CompletableFuture<T> future) {
        if (ClientThreads.isOwnedBy(this)) {
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

    private void shutDown() {
        for (Timeout pending : timer.stop()) {
            if (pending.task() instanceof Call<?> call) {
                call.closed();
            }
        }
        pools.values().forEach(EndpointPool::close);
        group.shutdownGracefully(0, CLOSE_WAIT_SECONDS, TimeUnit.SECONDS)
                .awaitUninterruptibly(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
    }

    /** Options of a {@link TernClient}. */
    public static final class Builder {

        private List<HostPort> endpoints;
        private Duration requestTimeout = Duration.ofSeconds(10);
        private Duration connectTimeout = Duration.ofSeconds(2);
        private int connectionsPerEndpoint = 2;
        private boolean discoverLeader = true;

        /** A builder with the defaults; prefer {@link TernClient#builder()}. */
        public Builder() {
        }

        /**
         * The cluster's members as "host:port" (IPv6 literals in brackets), in the order to try them.
         * Required; repeats are ignored.
         *
         * @throws IllegalArgumentException if the list is empty or an entry is malformed
         */
        public Builder endpoints(List<String> endpoints) {
            this.endpoints = EndpointList.parseAll(endpoints);
            return this;
        }

        /**
         * Comma-separated "host:port" list, as {@code --endpoints} takes it.
         *
         * @throws IllegalArgumentException if the list is empty or an entry is malformed
         */
        public Builder endpoints(String commaSeparated) {
            this.endpoints = EndpointList.parseAll(EndpointList.split(commaSeparated));
            return this;
        }

        /** Deadline of each call, retries included. Default 10 s. */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = positive(timeout, "requestTimeout");
            return this;
        }

        /** How long one connection attempt may take before the endpoint counts as unreachable. Default 2 s. */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive(timeout, "connectTimeout");
            return this;
        }

        /** Connections per endpoint, requests pipelined over them round-robin. Default 2. */
        public Builder connectionsPerEndpoint(int connections) {
            if (connections < 1 || connections > 64) {
                throw new IllegalArgumentException("connectionsPerEndpoint must be in 1..64: " + connections);
            }
            this.connectionsPerEndpoint = connections;
            return this;
        }

        /**
         * Whether the client, once built, asks the first endpoint for its STATUS and, if that names
         * a leader, sends its calls to the leader from then on (a follower forwards writes and
         * linearizable reads to the leader: one hop more). Done in the background; it delays no call.
         * Default true.
         */
        public Builder discoverLeader(boolean discover) {
            this.discoverLeader = discover;
            return this;
        }

        /**
         * A client with these options. It connects lazily, on the first call to each endpoint.
         *
         * @throws IllegalArgumentException if no endpoints were given
         */
        public TernClient build() {
            if (endpoints == null) {
                throw new IllegalArgumentException("no endpoints: give at least one HOST:PORT");
            }
            TernClient client = new TernClient(this);
            if (discoverLeader) {
                client.discoverLeader();
            }
            return client;
        }

        private static Duration positive(Duration timeout, String name) {
            Objects.requireNonNull(timeout, name);
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException(name + " must be positive: " + timeout);
            }
            return timeout;
        }
    }
}
