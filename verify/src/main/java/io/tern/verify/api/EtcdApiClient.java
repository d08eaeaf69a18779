package io.tern.verify.api;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.common.exception.ErrorCode;
import io.etcd.jetcd.common.exception.EtcdException;
import io.etcd.jetcd.lease.LeaseGrantResponse;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchResponse;
import io.grpc.Status;
import io.tern.kv.KeyRange;
import io.tern.kv.VersionedKeyValue;
import io.tern.kv.WatchEvent;
import io.tern.verify.history.Call;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The workloads' calls through etcd's v3 API: one jetcd {@link Client} of every member's etcd address,
 * as an application would hold one. jetcd spreads calls over the members (its default round-robin)
 * and keeps each connection checked with HTTP/2 pings, so a member that is cut off or frozen is left
 * after a few seconds; every call but a watch has the run's request timeout ({@link CallDeadlines}).
 * jetcd retries what is safe to repeat (reads, lease grants and revokes on UNAVAILABLE) and never a
 * write; {@link EtcdFailures} judges what a failed call may have done.
 */
public final class EtcdApiClient implements ApiClient {

    /** How often a connection is pinged: what the gateway allows (etcd's --grpc-keepalive-min-time 5 s), plus slack. */
    private static final Duration KEEPALIVE_INTERVAL = Duration.ofSeconds(6);
    /** How long a ping may go unanswered before the connection is given up (slow links stay under this). */
    private static final Duration KEEPALIVE_TIMEOUT = Duration.ofSeconds(2);

    private final Client client;
    /**
     * The most a call is waited for: its deadline, the read retries jetcd makes within it, and slack. A
     * call jetcd never completes (it lost track of it) is then unknown rather than waited for forever.
     */
    private final long waitNanos;

    private EtcdApiClient(Client client, Duration requestTimeout) {
        this.client = client;
        this.waitNanos = requestTimeout.multipliedBy(3).toNanos();
    }

    /** A plaintext client of the etcd addresses {@code endpoints} ({@code host:port} each). */
    public static EtcdApiClient connect(List<String> endpoints, Duration requestTimeout) {
        return connect(endpoints, requestTimeout, ClientSecurity.PLAINTEXT);
    }

    /** A client of the etcd addresses {@code endpoints} ({@code host:port} each). */
    public static EtcdApiClient connect(List<String> endpoints, Duration requestTimeout, ClientSecurity security) {
        Client client = security.applyTo(Client.builder())
                .endpoints(endpoints.stream().map(security::etcdUrl).toArray(String[]::new))
                .interceptor(new CallDeadlines(requestTimeout))
                .keepaliveTime(KEEPALIVE_INTERVAL)
                .keepaliveTimeout(KEEPALIVE_TIMEOUT)
                // Reads are retried on UNAVAILABLE, backing off from a tenth of the request timeout up to
                // half of it, and not once the request timeout has passed since the first attempt.
                .retryDelay(Math.max(1, requestTimeout.toMillis() / 10))
                .retryMaxDelay(Math.max(2, requestTimeout.toMillis() / 2))
                .retryChronoUnit(ChronoUnit.MILLIS)
                .retryMaxDuration(requestTimeout)
                .build();
        return new EtcdApiClient(client, requestTimeout);
    }

    @Override
    public CallResult execute(Call call) {
        try {
            return await(EtcdCalls.send(client.getKVClient(), call));
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            return EtcdFailures.outcome(call, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return EtcdFailures.outcome(call, e);
        }
    }

    /**
     * A serializable Range is answered by whichever member gets it from its own state, which may be behind
     * what this client already saw elsewhere: etcd promises no more.
     */
    @Override
    public boolean localReadsFollowTheClient() {
        return false;
    }

    @Override
    public WatchHandle watch(KeyRange range, long startRevision, WatchSink sink) {
        WatchOption.Builder option = WatchOption.builder().withRevision(startRevision);
        if (!range.isSingleKey()) {
            option.withRange(ByteSequence.from(range.rangeEnd()));
        }
        JetcdWatch listener = new JetcdWatch(sink);
        try {
            Watch.Watcher watcher = client.getWatchClient().watch(ByteSequence.from(range.key()), option.build(),
                    listener);
            return () -> {
                listener.closing();
                watcher.close();
            };
        } catch (RuntimeException e) {
            throw new ApiCallException("the watch could not be started: " + e.getMessage(), e);
        }
    }

    /**
     * Hands jetcd's watch callbacks on. jetcd reports every error of the stream, then either resumes the
     * watch from the revision after the last event it delivered (an error it retries) or gives it up and
     * completes it; only the completion ends the watch.
     */
    private static final class JetcdWatch implements Watch.Listener {
        private final WatchSink sink;
        private volatile boolean closing;
        private volatile Throwable lastError;

        JetcdWatch(WatchSink sink) {
            this.sink = sink;
        }

        void closing() {
            closing = true;
        }

        @Override
        public void onNext(WatchResponse response) {
            if (response.isProgressNotify()) {
                sink.onProgress(response.getHeader().getRevision());
                return;
            }
            List<WatchEvent> events = new ArrayList<>();
            for (io.etcd.jetcd.watch.WatchEvent event : response.getEvents()) {
                WatchEvent.Type type = switch (event.getEventType()) {
                    case PUT -> WatchEvent.Type.PUT;
                    case DELETE -> WatchEvent.Type.DELETE;
                    case UNRECOGNIZED -> throw new IllegalStateException("a watch event of no known type: " + event);
                };
                events.add(new WatchEvent(type, keyValue(event.getKeyValue()), null));
            }
            if (!events.isEmpty()) {
                sink.onEvents(events);
            }
        }

        @Override
        public void onError(Throwable error) {
            lastError = error;
        }

        @Override
        public void onCompleted() {
            Throwable error = lastError;
            sink.onClosed(closing ? null : "jetcd gave the watch up" + (error == null ? "" : " after " + error));
        }

        private static VersionedKeyValue keyValue(KeyValue kv) {
            return new VersionedKeyValue(kv.getKey().getBytes(), kv.getValue().getBytes(), kv.getCreateRevision(),
                    kv.getModRevision(), kv.getVersion(), kv.getLease());
        }
    }

    @Override
    public GrantedLease grant(long ttlSeconds) {
        LeaseGrantResponse grant = leaseCall("grant", () -> client.getLeaseClient().grant(ttlSeconds));
        return new GrantedLease(grant.getID(), grant.getTTL());
    }

    @Override
    public void put(String key, String value, long leaseId) {
        leaseCall("put", () -> client.getKVClient().put(EtcdCalls.bytes(key), EtcdCalls.bytes(value),
                PutOption.builder().withLeaseId(leaseId).build()));
    }

    @Override
    public void keepAliveOnce(long leaseId) {
        leaseCall("keep-alive", () -> client.getLeaseClient().keepAliveOnce(leaseId));
    }

    @Override
    public void revoke(long leaseId) {
        leaseCall("revoke", () -> client.getLeaseClient().revoke(leaseId));
    }

    @Override
    public boolean exists(String key) {
        return !leaseCall("read", () -> client.getKVClient().get(EtcdCalls.bytes(key))).getKvs().isEmpty();
    }

    /** Makes and waits for a call of the lease workload; any failure is an {@link ApiCallException}. */
    private <T> T leaseCall(String what, Supplier<CompletableFuture<T>> call) {
        try {
            return await(call.get());
        } catch (ExecutionException e) {
            throw leaseFailure(what, e.getCause());
        } catch (RuntimeException e) {
            throw leaseFailure(what, e);
        } catch (TimeoutException e) {
            throw new ApiCallException(what + ": no answer within " + TimeUnit.NANOSECONDS.toMillis(waitNanos) + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiCallException(what + ": interrupted", e);
        }
    }

    private static ApiCallException leaseFailure(String what, Throwable cause) {
        return leaseNotFound(cause) ? new ApiCallException.LeaseNotFound(what + ": " + cause.getMessage(), cause)
                : new ApiCallException(what + ": " + cause, cause);
    }

    /**
     * etcd says a lease is gone with NOT_FOUND ({@code etcdserver: requested lease not found}); jetcd's
     * single keep-alive says it with an {@link EtcdException} of its own when the answer's TTL is 0.
     */
    private static boolean leaseNotFound(Throwable failure) {
        if (failure instanceof EtcdException e && e.getErrorCode() == ErrorCode.NOT_FOUND) {
            return true;
        }
        Status status = EtcdFailures.grpcStatus(failure);
        return status != null && status.getCode() == Status.Code.NOT_FOUND;
    }

    private <T> T await(CompletableFuture<T> call) throws ExecutionException, TimeoutException, InterruptedException {
        try {
            return call.get(waitNanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            call.cancel(false);
            throw e;
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
