package io.tern.verify.api;

import io.tern.client.CasResult;
import io.tern.client.DeleteResult;
import io.tern.client.GetResult;
import io.tern.client.KvResult;
import io.tern.client.LeaseGrant;
import io.tern.client.LeaseNotFoundException;
import io.tern.client.NotLeaderException;
import io.tern.client.OutcomeUnknownException;
import io.tern.client.ReadOptions;
import io.tern.client.RequestRefusedException;
import io.tern.client.TernClient;
import io.tern.client.TernException;
import io.tern.client.UnavailableException;
import io.tern.client.WatchListener;
import io.tern.client.WatchOptions;
import io.tern.client.Watcher;
import io.tern.client.protocol.BatchOp;
import io.tern.client.protocol.ReadMode;
import io.tern.kv.KeyRange;
import io.tern.kv.RangeResponse;
import io.tern.kv.TxnResponse;
import io.tern.kv.WatchEvent;
import io.tern.verify.history.Call;
import io.tern.verify.history.Outcome;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The workloads' calls through Tern's native protocol: one {@link TernClient} that stays on the first
 * of its endpoints while that member answers (no leader discovery), so that every member serves
 * reads, and fails over to the next. The client's exceptions already say what happened to a call
 * (the contract's statuses): UNAVAILABLE, NOT_LEADER and refusals were not applied, a TIMEOUT or a
 * lost connection may have been.
 */
public final class NativeApiClient implements ApiClient {

    private final TernClient client;

    private NativeApiClient(TernClient client) {
        this.client = client;
    }

    /** A plaintext client of {@code endpoints}, starting at the first. */
    public static NativeApiClient connect(List<String> endpoints, Duration requestTimeout) {
        return connect(endpoints, requestTimeout, ClientSecurity.PLAINTEXT);
    }

    /** A client of {@code endpoints}, starting at the first. */
    public static NativeApiClient connect(List<String> endpoints, Duration requestTimeout, ClientSecurity security) {
        return new NativeApiClient(security.applyTo(TernClient.builder().endpoints(endpoints).requestTimeout(requestTimeout)
                .connectionsPerEndpoint(1).discoverLeader(false)).build());
    }

    @Override
    public CallResult execute(Call call) {
        try {
            return run(call);
        } catch (UnavailableException | NotLeaderException | RequestRefusedException e) {
            return CallResult.failed(e.getMessage());
        } catch (OutcomeUnknownException e) {
            return CallResult.unknown(e.getMessage());
        } catch (RuntimeException e) {
            // A read cannot have changed anything; a write the client knows nothing about may have.
            return call instanceof Call.Get ? CallResult.failed(e.toString()) : CallResult.unknown(e.toString());
        }
    }

    /** A LOCAL read waits until its member has applied the last revision this client saw. */
    @Override
    public boolean localReadsFollowTheClient() {
        return true;
    }

    private CallResult run(Call call) {
        return switch (call) {
            case Call.Get get -> {
                GetResult read = client.get(bytes(get.key()), get.readMode() == ReadMode.LOCAL
                        ? ReadOptions.localReadYourWrites() : ReadOptions.linearizable());
                yield new CallResult(new Outcome.ValueRead(read.found() ? text(read.value()) : null), read.revision());
            }
            case Call.Put put -> new CallResult(new Outcome.Written(), client.put(bytes(put.key()), bytes(put.value())));
            case Call.Delete delete -> {
                DeleteResult deleted = client.delete(bytes(delete.key()));
                yield new CallResult(new Outcome.Deleted(deleted.existed()), deleted.revision());
            }
            case Call.Cas cas -> {
                CasResult result = client.cas(bytes(cas.key()), cas.expected() == null ? null : bytes(cas.expected()),
                        cas.newValue() == null ? null : bytes(cas.newValue()));
                yield new CallResult(result.succeeded() ? new Outcome.Written()
                        : new Outcome.CasMismatch(result.current() == null ? null : text(result.current())),
                        result.revision());
            }
            case Call.Batch batch -> {
                List<BatchOp> ops = new ArrayList<>();
                for (Call.BatchWrite write : batch.writes()) {
                    ops.add(write.value() == null ? new BatchOp.Delete(bytes(write.key()))
                            : new BatchOp.Put(bytes(write.key()), bytes(write.value())));
                }
                yield new CallResult(new Outcome.Written(), client.batch(ops));
            }
            case Call.Txn txn -> {
                KvResult<TxnResponse> answer = client.kv().txn(TxnCalls.request(txn));
                yield new CallResult(TxnCalls.outcome(txn, answer.response()), answer.revision());
            }
        };
    }

    @Override
    public WatchHandle watch(KeyRange range, long startRevision, WatchSink sink) {
        try {
            Watcher watcher = client.watches().watch(WatchOptions.range(range).withStartRevision(startRevision),
                    new WatchListener() {
                        @Override
                        public void onEvents(List<WatchEvent> events) {
                            sink.onEvents(events);
                        }

                        @Override
                        public void onProgress(long revision) {
                            sink.onProgress(revision);
                        }

                        @Override
                        public void onClosed(TernException error) {
                            sink.onClosed(error == null ? null : error.toString());
                        }
                    });
            return watcher::close;
        } catch (TernException e) {
            throw new ApiCallException("the watch could not be started: " + e.getMessage(), e);
        }
    }

    @Override
    public GrantedLease grant(long ttlSeconds) {
        try {
            LeaseGrant grant = client.leases().grant(ttlSeconds);
            return new GrantedLease(grant.id(), grant.ttlSeconds());
        } catch (TernException e) {
            throw failure("grant", e);
        }
    }

    @Override
    public void put(String key, String value, long leaseId) {
        try {
            client.kv().put(bytes(key), bytes(value), leaseId);
        } catch (TernException e) {
            throw failure("put", e);
        }
    }

    @Override
    public void keepAliveOnce(long leaseId) {
        try {
            client.leases().keepAliveOnce(leaseId);
        } catch (LeaseNotFoundException e) {
            throw new ApiCallException.LeaseNotFound(e.getMessage(), e);
        } catch (TernException e) {
            throw failure("keep-alive", e);
        }
    }

    @Override
    public void revoke(long leaseId) {
        try {
            client.leases().revoke(leaseId);
        } catch (TernException e) {
            throw failure("revoke", e);
        }
    }

    @Override
    public boolean exists(String key) {
        try {
            KvResult<RangeResponse> read = client.kv().get(bytes(key));
            return !read.response().kvs().isEmpty();
        } catch (TernException e) {
            throw failure("read", e);
        }
    }

    private static ApiCallException failure(String what, TernException e) {
        return new ApiCallException(what + ": " + e.getMessage(), e);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        client.close();
    }
}
