package io.tern.client;

import io.netty.util.Timeout;
import io.tern.client.net.ProtocolConnection;
import io.tern.client.protocol.MalformedResponseException;
import io.tern.client.protocol.Opcode;
import io.tern.client.protocol.Request;
import io.tern.client.protocol.Response;
import io.tern.platform.HostPort;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;

/**
 * One BACKUP stream from one member into an {@link OutputStream}: each piece is written as it
 * arrives, on the client's I/O thread, so a slow output slows the member's sending rather than
 * piling up in memory. Completes with the snapshot index once the last piece is written; fails when
 * the member refuses or fails, the connection breaks, no piece comes within the request timeout, or
 * the output fails ({@link UncheckedIOException}). No failover: a backup is of the member asked.
 */
final class BackupDownload extends CompletableFuture<Long> implements ProtocolConnection.Exchange {

    private final CallContext context;
    private final HostPort endpoint;
    private final OutputStream out;
    private final long idleTimeoutNanos;
    private ProtocolConnection connection;
    private volatile long requestId;
    private Timeout idle;

    BackupDownload(CallContext context, HostPort endpoint, OutputStream out, long idleTimeoutNanos) {
        this.context = context;
        this.endpoint = endpoint;
        this.out = out;
        this.idleTimeoutNanos = idleTimeoutNanos;
    }

    synchronized void start() {
        connection = context.connection(endpoint);
        if (connection == null) {
            completeExceptionally(Call.closedError());
            return;
        }
        armIdleTimer();
        connection.send(this);
    }

    private synchronized void armIdleTimer() {
        if (idle != null) {
            idle.cancel();
        }
        if (isDone()) {
            return;
        }
        try {
            idle = context.schedule(timeout -> idleTimedOut(), idleTimeoutNanos);
        } catch (IllegalStateException closed) {
            completeExceptionally(Call.closedError());
        }
    }

    private void idleTimedOut() {
        // Still connecting (no id yet): request() will see it done and send nothing.
        if (requestId == 0 || connection.forget(requestId, this)) {
            completeExceptionally(new UnavailableException("no part of the backup came from " + endpoint + " within "
                    + idleTimeoutNanos / 1_000_000 + " ms"));
        }
    }

    @Override
    public Opcode opcode() {
        return Opcode.BACKUP;
    }

    @Override
    public Request request(long id) {
        requestId = id;
        if (isDone()) {
            return null;
        }
        String token = context.credentials() == null ? null : context.credentials().token();
        return token == null ? new Request.Backup(id) : new Request.WithToken(token, new Request.Backup(id));
    }

    @Override
    public boolean endsWith(Response response) {
        return !(response instanceof Response.BackupPiece piece) || piece.last();
    }

    @Override
    public void answered(Response response) {
        switch (response) {
            case Response.BackupPiece piece -> {
                try {
                    out.write(piece.piece());
                } catch (IOException e) {
                    connection.forget(requestId, this);
                    finish(new UncheckedIOException("cannot write the backup: " + e.getMessage(), e));
                    return;
                }
                if (piece.last()) {
                    finish(null);
                    complete(piece.snapshotIndex());
                } else {
                    armIdleTimer();
                }
            }
            case Response.Unavailable u -> finish(new UnavailableException(endpoint + ": " + u.message()));
            case Response.Timeout t -> finish(new UnavailableException(endpoint + " answered TIMEOUT: " + t.message()));
            case Response.NotLeader n -> finish(new UnavailableException(endpoint + " is not the leader"
                    + (n.leaderKnown() ? "; the leader is " + n.leaderAddress() : "") + " and does not forward"));
            case Response.Internal i -> finish(new ServerErrorException(endpoint + ": " + i.message()));
            case Response.Failure f -> finish(new RequestRefusedException(f.status(), f.message()));
            default -> finish(Results.unexpected(response));
        }
    }

    @Override
    public void notSent(Throwable cause) {
        finish(new UnavailableException("cannot reach " + endpoint + ": " + cause, cause));
    }

    @Override
    public void lost(Throwable cause) {
        finish(new UnavailableException("the connection to " + endpoint + " was lost during the backup: " + cause,
                cause));
    }

    @Override
    public void malformed(MalformedResponseException e) {
        finish(new ServerErrorException(endpoint + " sent an answer that does not decode: " + e.getMessage()));
    }

    private synchronized void finish(RuntimeException error) {
        if (idle != null) {
            idle.cancel();
        }
        if (error != null) {
            completeExceptionally(error);
        }
    }
}
