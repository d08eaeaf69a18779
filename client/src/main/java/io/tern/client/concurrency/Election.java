package io.tern.client.concurrency;

import io.tern.client.Watcher;
import io.tern.kv.Bytes;
import io.tern.kv.Compare;
import io.tern.kv.DeleteRangeRequest;
import io.tern.kv.KeyRange;
import io.tern.kv.PutRequest;
import io.tern.kv.RangeRequest;
import io.tern.kv.SortOrder;
import io.tern.kv.SortTarget;
import io.tern.kv.VersionedKeyValue;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;

/**
 * A leader election, as etcd's {@code concurrency.Election}: each candidate's key is
 * {@code PREFIX/<lease id in hex>}, put with its session's lease and holding its proposal; the
 * candidate whose key has the lowest create revision leads. A campaign waits in line as a
 * {@link Mutex} does (watching only the candidate just ahead), the leader changes its value with
 * {@link #proclaim} and steps down with {@link #resign}; anyone may read the {@link #leader()} or
 * {@link #observe} the succession.
 *
 * <p>Leading is a belief that can go stale like a lock's: guard the leader's writes with
 * {@link #isLeader()}. One election object campaigns for one candidate; not for concurrent use.
 */
public final class Election {

    private final Session session;
    private final byte[] prefix;
    private final byte[] key;
    private volatile long revision = -1;

    /** The election named {@code prefix} ("/" is appended, as etcd does), campaigning with {@code session}. */
    public Election(Session session, String prefix) {
        this(session, Objects.requireNonNull(prefix, "prefix").getBytes(StandardCharsets.UTF_8));
    }

    public Election(Session session, byte[] prefix) {
        this.session = Objects.requireNonNull(session, "session");
        this.prefix = Keys.queuePrefix(Objects.requireNonNull(prefix, "prefix"));
        this.key = Keys.sessionKey(this.prefix, session);
    }

    /**
     * Campaigns with {@code value} as the proposal: completes once this candidate leads. A campaign of
     * a candidate already in line keeps its place and takes the new value. Cancelling the future
     * while it waits withdraws the candidate (its key is deleted); it fails with
     * {@link SessionExpiredException} if the session ends first.
     */
    public CompletableFuture<Void> campaignAsync(byte[] value) {
        Objects.requireNonNull(value, "value");
        CompletableFuture<QueuePlace.Place> place = QueuePlace.take(session, KeyRange.prefix(prefix), key, value);
        return QueuePlace.handOut(place, leading -> revision = leading.createRevision(),
                leading -> QueuePlace.release(session, key, leading));
    }

    /** Blocking {@link #campaignAsync}, withdrawing after {@code timeout} with {@link TimeoutException}. */
    public void campaign(byte[] value, Duration timeout) throws InterruptedException, TimeoutException {
        Futures.await(campaignAsync(value), timeout.toNanos());
    }

    /**
     * Sets the leader's value, only while this candidate still leads (a txn guarded by its key's create
     * revision); fails with {@link NotElectedException} otherwise.
     */
    public CompletableFuture<Void> proclaimAsync(byte[] value) {
        Objects.requireNonNull(value, "value");
        long leading = revision;
        if (leading < 0) {
            return CompletableFuture.failedFuture(new NotElectedException("not the leader of " + Bytes.show(prefix)
                    + ": campaign first"));
        }
        return session.client().kv().txn()
                .when(Compare.createRevision(key, Compare.Result.EQUAL, leading))
                .then(new PutRequest(key, value, session.leaseId(), false, false, false))
                .commitAsync()
                .thenAccept(result -> {
                    if (!result.response().succeeded()) {
                        revision = -1;
                        throw new NotElectedException("no longer the leader of " + Bytes.show(prefix)
                                + ": the key " + Bytes.show(key) + " is gone (the session's lease expired)");
                    }
                });
    }

    /** Blocking {@link #proclaimAsync}. */
    public void proclaim(byte[] value) {
        Futures.await(proclaimAsync(value));
    }

    /**
     * Steps down: deletes this candidate's key if it still has the revision it was elected with, so
     * the next candidate in line leads. Nothing to do when not leading.
     */
    public CompletableFuture<Void> resignAsync() {
        long leading = revision;
        if (leading < 0) {
            return CompletableFuture.completedFuture(null);
        }
        return session.client().kv().txn()
                .when(Compare.createRevision(key, Compare.Result.EQUAL, leading))
                .then(new DeleteRangeRequest(KeyRange.single(key), false))
                .commitAsync()
                .thenAccept(result -> revision = -1);
    }

    /** Blocking {@link #resignAsync}. */
    public void resign() {
        Futures.await(resignAsync());
    }

    /** The leader now (the candidate key with the lowest create revision), or empty when nobody leads. */
    public CompletableFuture<Optional<VersionedKeyValue>> leaderAsync() {
        RangeRequest first = RangeRequest.of(KeyRange.prefix(prefix)).sortedBy(SortTarget.CREATE, SortOrder.ASCEND)
                .withLimit(1);
        return session.client().kv().rangeAsync(first)
                .thenApply(read -> read.response().kvs().stream().findFirst());
    }

    /** Blocking {@link #leaderAsync}. */
    public Optional<VersionedKeyValue> leader() {
        return Futures.await(leaderAsync());
    }

    /**
     * Tells {@code listener} of the leader now and of every change of leader (or of its value) after,
     * in revision order, from a watch of the prefix, until the returned watcher is closed.
     */
    public Watcher observe(LeaderListener listener) {
        LeaderObserver observer = new LeaderObserver(session.client(), KeyRange.prefix(prefix),
                Objects.requireNonNull(listener, "listener"));
        observer.start();
        return observer;
    }

    /** This candidate's key: {@code PREFIX/<lease id in hex>}. */
    public byte[] key() {
        return key.clone();
    }

    /** The election's prefix, with its "/". */
    public byte[] prefix() {
        return prefix.clone();
    }

    /**
     * The create revision this candidate was elected with.
     *
     * @throws IllegalStateException when not leading
     */
    public long revision() {
        long leading = revision;
        if (leading < 0) {
            throw new IllegalStateException("not the leader of " + Bytes.show(prefix));
        }
        return leading;
    }

    /** The compare that holds only while this candidate still leads: guard the leader's writes with it. */
    public Compare isLeader() {
        return Compare.createRevision(key, Compare.Result.EQUAL, revision());
    }

    public Session session() {
        return session;
    }
}
