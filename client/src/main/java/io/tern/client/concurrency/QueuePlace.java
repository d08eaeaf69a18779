package io.tern.client.concurrency;

import io.tern.client.KvResult;
import io.tern.kv.Bytes;
import io.tern.kv.Compare;
import io.tern.kv.KeyRange;
import io.tern.kv.PutRequest;
import io.tern.kv.RangeRequest;
import io.tern.kv.RangeResponse;
import io.tern.kv.TxnResponse;
import io.tern.kv.VersionedKeyValue;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongConsumer;

/**
 * Takes a place in the queue of a lock or an election and waits for it to come first, as etcd's
 * {@code Mutex.Lock} and {@code Election.Campaign} do: the session's key is created with its lease
 * in a txn (created only if its create revision is 0, else read), its create revision is its place,
 * and the place comes first once every key of the queue with a lower create revision is gone.
 *
 * <p>The returned future completes with the place's create revision. Cancelling it while it waits,
 * or its failing, deletes the key, so that an abandoned waiter holds up nobody.
 */
final class QueuePlace {

    private QueuePlace() {
    }

    /**
     * @param value the key's value; a key of the session's already there keeps its place and gets
     *     this value (a campaign made again with a new proposal)
     */
    static CompletableFuture<Long> take(Session session, KeyRange queue, byte[] key, byte[] value) {
        CompletableFuture<Long> place = new CompletableFuture<>();
        if (session.isDone()) {
            place.completeExceptionally(new SessionExpiredException("the session has ended"));
            return place;
        }
        CompletableFuture<Long> created = create(session, key, value);
        QueueTurn[] waiting = new QueueTurn[1];
        created.whenComplete((revision, error) -> {
            if (error != null) {
                place.completeExceptionally(Futures.cause(error));
                return;
            }
            synchronized (waiting) {
                if (place.isDone()) {
                    return;
                }
                waiting[0] = QueueTurn.await(session.client(), queue, revision);
            }
            waiting[0].future().thenCompose(first -> stillThere(session, key, revision)).whenComplete((ok, failed) -> {
                if (failed != null) {
                    place.completeExceptionally(Futures.cause(failed));
                } else {
                    place.complete(revision);
                }
            });
        });
        CompletableFuture<Void> ended = session.done();
        ended.whenComplete((closed, lost) -> place.completeExceptionally(
                lost != null ? Futures.cause(lost) : new SessionExpiredException("the session was closed")));
        place.whenComplete((revision, error) -> {
            ended.cancel(false); // lets go of this place's callback on a session that outlives it
            if (error == null) {
                return;
            }
            synchronized (waiting) {
                if (waiting[0] != null) {
                    waiting[0].stop();
                }
            }
            // Once the create has an outcome, whatever it was: an unknown one may have created the key.
            created.handle((r, e) -> session.client().kv().deleteAsync(key));
        });
        return place;
    }

    /**
     * What a caller holds for {@code place}: it completes once {@code taken} has recorded the place's
     * revision. Cancelling it gives the place up, even one taken a moment before the cancel arrived
     * (then {@code giveBack} runs with the revision), since nobody would ever release it otherwise.
     */
    static CompletableFuture<Void> handOut(CompletableFuture<Long> place, LongConsumer taken, LongConsumer giveBack) {
        CompletableFuture<Void> handedOut = place.thenAccept(taken::accept);
        handedOut.whenComplete((done, error) -> {
            if (handedOut.isCancelled() && !place.cancel(false)) {
                place.thenAccept(giveBack::accept);
            }
        });
        return handedOut;
    }

    private static CompletableFuture<Long> create(Session session, byte[] key, byte[] value) {
        PutRequest put = new PutRequest(key, value, session.leaseId(), false, false, false);
        return session.client().kv().txn()
                .when(Compare.createRevision(key, Compare.Result.EQUAL, 0))
                .then(put)
                .orElse(RangeRequest.of(KeyRange.single(key)))
                .commitAsync()
                .thenCompose(result -> {
                    TxnResponse txn = result.response();
                    if (txn.succeeded()) {
                        return CompletableFuture.completedFuture(result.revision());
                    }
                    List<VersionedKeyValue> kvs = ((RangeResponse) txn.responses().get(0)).kvs();
                    if (kvs.isEmpty()) { // cannot be: the compare said it exists at this revision
                        throw new IllegalStateException("the key " + Bytes.show(key) + " was neither absent nor there");
                    }
                    VersionedKeyValue existing = kvs.get(0);
                    if (Bytes.equal(existing.value(), value)) {
                        return CompletableFuture.completedFuture(existing.createRevision());
                    }
                    return session.client().kv().txn()
                            .when(Compare.createRevision(key, Compare.Result.EQUAL, existing.createRevision()))
                            .then(put)
                            .commitAsync()
                            .thenApply(updated -> existing.createRevision());
                });
    }

    /** etcd's last check: the place came first, but only counts if the session's key still has it. */
    private static CompletableFuture<Void> stillThere(Session session, byte[] key, long revision) {
        return session.client().kv().getAsync(key).thenAccept((KvResult<RangeResponse> read) -> {
            List<VersionedKeyValue> kvs = read.response().kvs();
            if (kvs.isEmpty() || kvs.get(0).createRevision() != revision) {
                throw new SessionExpiredException("the key " + Bytes.show(key) + " is gone: the session's lease "
                        + Long.toHexString(session.leaseId()) + " expired while waiting");
            }
        });
    }
}
