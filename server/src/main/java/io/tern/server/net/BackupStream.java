package io.tern.server.net;

import io.netty.channel.ChannelHandlerContext;
import io.tern.client.protocol.Request;
import io.tern.client.protocol.Response;
import io.tern.engine.snapshot.SnapshotBackup;
import io.tern.server.service.Backups;
import io.tern.server.service.Caller;
import io.tern.server.service.RequestDispatcher;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One BACKUP request on a client connection: the backup the dispatcher opened, sent as OK frames
 * under the request's id as fast as the client reads and no faster. A piece is read from the snapshot
 * only while the channel is writable, and the rest waits for the connection's next writability
 * change, so a stream holds about the channel's high water mark in memory however large the state.
 * Everything runs on the connection's event loop, as the engine reads of GET and SCAN do.
 */
final class BackupStream {

    private static final Logger log = LoggerFactory.getLogger(BackupStream.class);

    private final ChannelHandlerContext ctx;
    private final long requestId;
    /** The last answer once the stream ended: a failure, or null after the last piece (or a lost connection). */
    private final CompletableFuture<Response> done = new CompletableFuture<>();
    private SnapshotBackup.Writer backup;

    private BackupStream(ChannelHandlerContext ctx, long requestId) {
        this.ctx = ctx;
        this.requestId = requestId;
    }

    /** Opens the backup of {@code request} and streams it once it is there. Call on the connection's loop. */
    static BackupStream start(ChannelHandlerContext ctx, Request.Backup request, RequestDispatcher dispatcher,
                              Caller caller) {
        BackupStream stream = new BackupStream(ctx, request.requestId());
        dispatcher.openBackup(request, ctx.executor(), caller).whenComplete((opened, error) -> {
            if (ctx.executor().inEventLoop()) {
                stream.opened(opened, error);
            } else {
                ctx.executor().execute(() -> stream.opened(opened, error));
            }
        });
        return stream;
    }

    /** Completes on the loop once the stream ended, with the answer still to send (a failure) or null. */
    CompletableFuture<Response> done() {
        return done;
    }

    private void opened(Backups.Opened opened, Throwable error) {
        if (error != null) {
            done.complete(new Response.Internal(requestId, "opening the backup failed: " + error));
            return;
        }
        switch (opened) {
            case Backups.Opened.Refused refused -> done.complete(refused.answer());
            case Backups.Opened.Ready ready -> {
                if (done.isDone()) {
                    ready.backup().close(); // the connection closed while the snapshot was taken
                    return;
                }
                backup = ready.backup();
                pump();
            }
        }
    }

    /** The connection can take more: send on. */
    void writable() {
        pump();
    }

    /** The connection is gone: stop reading the snapshot. */
    void close() {
        if (backup != null) {
            backup.close();
        }
        done.complete(null);
    }

    private void pump() {
        if (backup == null || done.isDone()) {
            return;
        }
        try {
            while (backup.hasNext() && ctx.channel().isWritable()) {
                byte[] piece = backup.next();
                Response.BackupPiece frame = new Response.BackupPiece(requestId, backup.snapshotIndex(),
                        backup.remainingBytes(), piece);
                ctx.writeAndFlush(ClientConnection.encode(ctx.alloc(), frame), ctx.voidPromise());
            }
        } catch (RuntimeException e) {
            log.warn("sending a backup of snapshot {} to {} failed: {}", backup.snapshotIndex(),
                    ctx.channel().remoteAddress(), e.toString());
            backup.close();
            done.complete(new Response.Internal(requestId, "reading the backup failed: " + e.getMessage()));
            return;
        }
        if (!backup.hasNext()) {
            backup.close();
            done.complete(null);
        }
    }
}
