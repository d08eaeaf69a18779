package io.tern.client.concurrency;

import io.tern.client.KvResult;
import io.tern.kv.Bytes;
import io.tern.kv.Compare;
import io.tern.kv.DeleteRangeRequest;
import io.tern.kv.KeyRange;
import io.tern.kv.PutRequest;
import io.tern.kv.RangeRequest;
import io.tern.kv.RangeResponse;
import io.tern.kv.TxnResponse;
import io.tern.kv.VersionedKeyValue;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Takes a place in the queue of a lock or an election and waits for it to come first, as etcd's
 * {@code Mutex.Lock} and {@code Election.Campaign} do: the session's key is created with its lease
 * in a txn (created only if its create revision is 0, else put again in place), its create revision
 * is its place, and the place comes first once every key of the queue with a lower create revision
 * is gone.
 *
 * <p>Every take puts the key, so each take has a mod revision of its own, and every release of a
 * place deletes the key only while it still has that mod revision. A release whose answer was lost
 * (a failover) may still be applied later; fenced so, it can never delete a place the same session
 * has taken again since.
 *
 * <p>The returned future completes with the place. Cancelling it while it waits gives the place up;
 * when it fails, it does so only once the place has been given up, so that a caller who tries again
 * at once does not race its own clean-up.
 */
final class QueuePlace {

    /**
     * One take of a queue's key.
     *
     * @param createRevision the place in line, and the fencing token of whoever holds it
     * @param modRevision    the revision of this take's put: what a release of this take compares
     */
    record Place(long createRevision, long modRevision) {
    }

    private QueuePlace() {
    }

    /**
     * @param value the key's value; a key of the session's already there keeps its place and gets
     *     this value (a campaign made again with a new proposal)
     */
    static CompletableFuture<Place> take(Session session, KeyRange queue, byte[] key, byte[] value) {
        CompletableFuture<Place> place = new CompletableFuture<>();
        if (session.isDone()) {
            place.completeExceptionally(new SessionExpiredException("the session has ended"));
            return place;
        }
        CompletableFuture<Place> created = create(session, key, value);
        QueueTurn[] waiting = new QueueTurn[1];
        CompletableFuture<Place> outcome = new CompletableFuture<>();
        created.whenComplete((taken, error) -> {
            if (error != null) {
                outcome.completeExceptionally(Futures.cause(error));
                return;
            }
            synchronized (waiting) {
                if (place.isDone()) {
                    return;
                }
                waiting[0] = QueueTurn.await(session.client(), queue, taken.createRevision());
            }
            waiting[0].future().thenCompose(first -> stillThere(session, key, taken)).whenComplete((ok, failed) -> {
                if (failed != null) {
                    outcome.completeExceptionally(Futures.cause(failed));
                } else {
                    outcome.complete(taken);
                }
            });
        });
        CompletableFuture<Void> ended = session.done();
        ended.whenComplete((closed, lost) -> outcome.completeExceptionally(
                lost != null ? Futures.cause(lost) : new SessionExpiredException("the session was closed")));
        outcome.whenComplete((taken, error) -> {
            ended.cancel(false); // lets go of this place's callback on a session that outlives it
            if (error == null) {
                place.complete(taken);
                return;
            }
            stopWaiting(waiting);
            giveUp(session, key, created).whenComplete((released, releaseError) -> place.completeExceptionally(error));
        });
        place.whenComplete((taken, error) -> {
            // Cancelled: the outcome is cancelled too, which gives the place up; one that had just
            // succeeded (its completion lost to the cancel) is released here instead.
            if (place.isCancelled() && !outcome.cancel(false)) {
                outcome.thenAccept(lost -> release(session, key, lost));
            }
        });
        return place;
    }

    private static void stopWaiting(QueueTurn[] waiting) {
        synchronized (waiting) {
            if (waiting[0] != null) {
                waiting[0].stop();
            }
        }
    }

    /**
     * Gives up the place once the create has an outcome, whatever it was. A create that failed may
     * still have put the key (its answer was lost), so then the key is read and released as found;
     * a create applied even later leaves a key the session's next take puts again, and its lease
     * removes at the latest.
     */
    private static CompletableFuture<Void> giveUp(Session session, byte[] key, CompletableFuture<Place> created) {
        return created.handle((taken, error) -> taken)
                .thenCompose(taken -> taken != null ? release(session, key, taken) : releaseAsFound(session, key))
                .exceptionally(error -> null); // the lease removes the key if the release did not get through
    }

    /** Deletes {@code key} only while it still is the take {@code place}. */
    static CompletableFuture<Void> release(Session session, byte[] key, Place place) {
        return session.client().kv().txn()
                .when(Compare.modRevision(key, Compare.Result.EQUAL, place.modRevision()))
                .then(new DeleteRangeRequest(KeyRange.single(key), false))
                .commitAsync()
                .thenAccept(result -> { });
    }

    private static CompletableFuture<Void> releaseAsFound(Session session, byte[] key) {
        return session.client().kv().getAsync(key).thenCompose((KvResult<RangeResponse> read) -> {
            List<VersionedKeyValue> kvs = read.response().kvs();
            if (kvs.isEmpty()) {
                return CompletableFuture.completedFuture(null);
            }
            VersionedKeyValue found = kvs.get(0);
            return release(session, key, new Place(found.createRevision(), found.modRevision()));
        });
    }

    /**
     * What a caller holds for {@code place}: it completes once {@code taken} has recorded the place.
     * Cancelling it gives the place up, even one taken a moment before the cancel arrived (then
     * {@code giveBack} runs with it), since nobody would ever release it otherwise.
     */
    static <P> CompletableFuture<Void> handOut(CompletableFuture<P> place, Consumer<P> taken, Consumer<P> giveBack) {
        CompletableFuture<Void> handedOut = place.thenAccept(taken);
        handedOut.whenComplete((done, error) -> {
            if (handedOut.isCancelled() && !place.cancel(false)) {
                place.thenAccept(giveBack);
            }
        });
        return handedOut;
    }

    /** Puts the key: created if absent, else put again in its place (a take of its own); retried while it vanishes meanwhile. */
    private static CompletableFuture<Place> create(Session session, byte[] key, byte[] value) {
        PutRequest put = new PutRequest(key, value, session.leaseId(), false, false, false);
        return session.client().kv().txn()
                .when(Compare.createRevision(key, Compare.Result.EQUAL, 0))
                .then(put)
                .orElse(RangeRequest.of(KeyRange.single(key)))
                .commitAsync()
                .thenCompose(result -> {
                    TxnResponse txn = result.response();
                    if (txn.succeeded()) {
                        return CompletableFuture.completedFuture(new Place(result.revision(), result.revision()));
                    }
                    List<VersionedKeyValue> kvs = ((RangeResponse) txn.responses().get(0)).kvs();
                    if (kvs.isEmpty()) { // cannot be: the compare said it exists at this revision
                        throw new IllegalStateException("the key " + Bytes.show(key) + " was neither absent nor there");
                    }
                    long place = kvs.get(0).createRevision();
                    return session.client().kv().txn()
                            .when(Compare.createRevision(key, Compare.Result.EQUAL, place))
                            .then(put)
                            .commitAsync()
                            .thenCompose(again -> again.response().succeeded()
                                    ? CompletableFuture.completedFuture(new Place(place, again.revision()))
                                    : create(session, key, value)); // released meanwhile: take a new place
                });
    }

    /** etcd's last check: the place came first, but only counts if the session's key still has it. */
    private static CompletableFuture<Void> stillThere(Session session, byte[] key, Place place) {
        return session.client().kv().getAsync(key).thenAccept((KvResult<RangeResponse> read) -> {
            List<VersionedKeyValue> kvs = read.response().kvs();
            if (kvs.isEmpty() || kvs.get(0).createRevision() != place.createRevision()) {
                throw new SessionExpiredException("the key " + Bytes.show(key) + " is gone: the session's lease "
                        + Long.toHexString(session.leaseId()) + " expired while waiting, or someone deleted the key");
            }
        });
    }
}
