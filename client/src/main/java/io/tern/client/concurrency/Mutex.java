package io.tern.client.concurrency;

import io.tern.kv.Bytes;
import io.tern.kv.Compare;
import io.tern.kv.KeyRange;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;

/**
 * A distributed lock, as etcd's {@code concurrency.Mutex}. Each holder's key is
 * {@code PREFIX/<lease id in hex>}, put with its session's lease; its create revision is the holder's
 * place in line, and the holder with the lowest create revision under the prefix owns the lock.
 * A waiter watches only the delete of the key just ahead of its own, so an unlock wakes one waiter.
 *
 * <p>Owning the lock is a belief that can go stale (a pause longer than the TTL lets the lease
 * expire and the next waiter in): guard the writes the lock protects with {@link #isOwner()} in
 * their transaction, and {@link #revision()} is the fencing token to hand to anything else.
 *
 * <p>One mutex serves one holder at a time; a thread that locks it again while owning it gets it at
 * once (the same session's key). Not for concurrent use by several threads.
 */
public final class Mutex {

    private final Session session;
    private final byte[] prefix;
    private final byte[] key;
    private volatile QueuePlace.Place held;

    /** A lock named {@code prefix} ("/" is appended, as etcd does), held with {@code session}'s lease. */
    public Mutex(Session session, String prefix) {
        this(session, Objects.requireNonNull(prefix, "prefix").getBytes(StandardCharsets.UTF_8));
    }

    public Mutex(Session session, byte[] prefix) {
        this.session = Objects.requireNonNull(session, "session");
        this.prefix = Keys.queuePrefix(Objects.requireNonNull(prefix, "prefix"));
        this.key = Keys.sessionKey(this.prefix, session);
    }

    /**
     * Takes the lock: completes once this session's key has the lowest create revision under the
     * prefix. Cancelling the future while it waits deletes the key (the place in line is given up).
     * Fails with {@link SessionExpiredException} if the session ends meanwhile, or with the
     * client's exception when a request fails (the key is then deleted too).
     */
    public CompletableFuture<Void> lockAsync() {
        CompletableFuture<QueuePlace.Place> place = QueuePlace.take(session, KeyRange.prefix(prefix), key, Bytes.EMPTY);
        return QueuePlace.handOut(place, acquired -> held = acquired,
                acquired -> QueuePlace.release(session, key, acquired));
    }

    /**
     * Blocking {@link #lockAsync()}, giving up after {@code timeout}: its place is then given up and
     * {@link TimeoutException} thrown. An interrupt gives it up too.
     */
    public void lock(Duration timeout) throws InterruptedException, TimeoutException {
        Futures.await(lockAsync(), timeout.toNanos());
    }

    /**
     * Releases the lock by deleting this session's key, only while it is still the take that got the
     * lock (so an unlock applied late never releases a place the session has taken again since); the
     * next waiter in line gets it. Nothing to do when not held.
     */
    public CompletableFuture<Void> unlockAsync() {
        QueuePlace.Place taken = held;
        if (taken == null) {
            return CompletableFuture.completedFuture(null);
        }
        return QueuePlace.release(session, key, taken).thenAccept(released -> held = null);
    }

    /** Blocking {@link #unlockAsync()}. */
    public void unlock() {
        Futures.await(unlockAsync());
    }

    /** This holder's key: {@code PREFIX/<lease id in hex>}. */
    public byte[] key() {
        return key.clone();
    }

    /** The lock's prefix, with its "/". */
    public byte[] prefix() {
        return prefix.clone();
    }

    /**
     * The create revision of this holder's key when it took the lock: its fencing token, increasing
     * from one holder to the next.
     *
     * @throws IllegalStateException when the lock is not held
     */
    public long revision() {
        QueuePlace.Place taken = held;
        if (taken == null) {
            throw new IllegalStateException("the lock " + Bytes.show(key) + " is not held");
        }
        return taken.createRevision();
    }

    /**
     * The compare that holds only while this holder still owns the lock (its key still has the create
     * revision it took the lock with): put it in the transaction of every write the lock guards.
     *
     * @throws IllegalStateException when the lock is not held
     */
    public Compare isOwner() {
        return Compare.createRevision(key, Compare.Result.EQUAL, revision());
    }

    public Session session() {
        return session;
    }
}
