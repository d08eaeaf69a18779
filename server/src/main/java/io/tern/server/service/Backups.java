package io.tern.server.service;

import io.tern.client.protocol.ReadMode;
import io.tern.client.protocol.Request;
import io.tern.client.protocol.Response;
import io.tern.engine.StorageEngine;
import io.tern.engine.snapshot.Snapshot;
import io.tern.engine.snapshot.SnapshotBackup;
import io.tern.raft.node.RaftNode;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BiFunction;

/**
 * Opens the backup a BACKUP request (0x16) streams: a snapshot of this member's state that holds
 * every write acknowledged before the request, in the engine's backup format
 * ({@link SnapshotBackup}). Any member serves it from its own state, as etcd's Maintenance.Snapshot
 * does; what makes a follower's backup complete is the linearizable read it starts with (served
 * as a client's is, after a ReadIndex round with the leader or forwarded to it): its revision covers every acknowledged write, and the snapshot is
 * taken only once this member has applied that far.
 */
public final class Backups {

    /** The most bytes of the backup one frame carries. */
    static final int PIECE_BYTES = 256 * 1024;
    private static final byte[] ANY_KEY = new byte[0];

    /** What a BACKUP request gets: the backup to stream, or one failure to answer instead. */
    public sealed interface Opened {

        /** The backup to stream; the receiver closes it. */
        record Ready(SnapshotBackup.Writer backup) implements Opened {
        }

        /** The answer instead of a backup: nothing was taken, or it could not be opened. */
        record Refused(Response answer) implements Opened {
        }
    }

    private final RaftNode node;
    private final StorageEngine engine;

    Backups(RaftNode node, StorageEngine engine) {
        this.node = node;
        this.engine = engine;
    }

    /**
     * @param linearizableRead serves a GET as the dispatcher does (forwarding included), on {@code reader}
     */
    CompletableFuture<Opened> open(Request.Backup request, Executor reader,
                                   BiFunction<Request, Executor, CompletableFuture<Response>> linearizableRead) {
        long id = request.requestId();
        Request.Get barrier = new Request.Get(id, ReadMode.LINEARIZABLE, 0, ANY_KEY);
        return linearizableRead.apply(barrier, reader).thenCompose(answer -> afterRead(id, answer));
    }

    private CompletableFuture<Opened> afterRead(long id, Response answer) {
        long revision;
        switch (answer) {
            case Response.GetOk found -> revision = found.revision();
            case Response.NotFound absent -> revision = absent.revision();
            case Response.Failure failure -> {
                return CompletableFuture.completedFuture(new Opened.Refused(failure));
            }
            default -> {
                return CompletableFuture.completedFuture(new Opened.Refused(Failures.unexpectedResult(id, answer)));
            }
        }
        CompletableFuture<Opened> opened = node.awaitApplied(revision)
                .thenCompose(applied -> node.snapshotNow())
                .thenApply(index -> writer(id));
        return opened.exceptionally(error -> new Opened.Refused(Failures.toResponse(id, error, false)));
    }

    private Opened writer(long requestId) {
        Optional<Snapshot> newest = engine.latestSnapshot();
        if (newest.isEmpty()) {
            return new Opened.Refused(new Response.Internal(requestId, "a snapshot was taken but none is there"));
        }
        return new Opened.Ready(SnapshotBackup.writer(engine.openSnapshotReader(newest.get(), PIECE_BYTES)));
    }
}
