package io.tern.client;

import io.tern.client.net.ProtocolConnection;
import io.tern.client.protocol.MalformedResponseException;
import io.tern.client.protocol.Opcode;
import io.tern.client.protocol.Request;
import io.tern.client.protocol.Response;
import io.tern.client.protocol.WatchRequests;
import io.tern.client.protocol.WatchResponses;
import io.tern.kv.WatchEvent;
import io.tern.platform.HostPort;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One watch of a {@link WatchClient}, across the members that serve it. It remembers how far it
 * has delivered: {@link #covered}, the revision up to which every change it selects was delivered
 * (from the members' frames), and the changes delivered of a revision beyond that (a revision can be
 * split between frames). When its stream breaks (connection lost, member stopping, UNAVAILABLE) it
 * opens it again at the current endpoint, after a backoff, from exactly there: a revision delivered in
 * part is asked for again and its changes already delivered are skipped, so the listener sees no
 * gap and no repeat.
 *
 * <p>State is guarded by this object's monitor, and the listener is called under it: attempts follow
 * one another, and a frame of an attempt that is no longer current is ignored.
 */
final class WatchStream implements Watcher {

    private static final long FIRST_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final CallContext context;
    private final WatchOptions options;
    private final WatchListener listener;
    private final CompletableFuture<Void> done = new CompletableFuture<>();

    private Attempt attempt;
    private boolean suspended;
    /** Every selected change up to this revision was delivered; -1 before the first member said where it starts. */
    private long covered;
    private long lastEventRevision;
    private int deliveredOfLastRevision;
    private long skipRevision;
    private int skip;
    private int failuresInARow;
    /** An AUTHENTICATE for this stream is under way; the stream starts once it has an answer. */
    private boolean authenticating;
    /** The current token was refused once since the last stream was created: a second refusal ends the watch. */
    private boolean reauthenticated;

    WatchStream(CallContext context, WatchOptions options, WatchListener listener) {
        this.context = context;
        this.options = options;
        this.listener = listener;
        this.covered = options.startRevision() > 0 ? options.startRevision() - 1 : -1;
    }

    synchronized void start() {
        if (done.isDone() || suspended || attempt != null || authenticating) {
            return;
        }
        ClientCredentials credentials = context.credentials();
        if (credentials != null && credentials.authenticatesFirst()) {
            authenticate(credentials, null);
            return;
        }
        open();
    }

    /** Opens a stream at the current endpoint. */
    private void open() {
        HostPort endpoint = context.router().current();
        ProtocolConnection connection = context.connection(endpoint);
        if (connection == null) {
            end(Call.closedError());
            return;
        }
        attempt = new Attempt(endpoint, connection, resumeRevision());
        connection.send(attempt);
    }

    /**
     * Gets a token (the first, or one in place of {@code stale}, refused), then starts the stream, as
     * a call does before it is sent; a member that says authentication is off is believed.
     */
    private void authenticate(ClientCredentials credentials, String stale) {
        authenticating = true;
        credentials.renew(stale).whenComplete((token, error) -> {
            synchronized (WatchStream.this) {
                authenticating = false;
                if (error != null && !ClientCredentials.saysNotEnabled(error)) {
                    end(credentials.authenticationFailure(error));
                } else if (!done.isDone() && !suspended && attempt == null) {
                    // Not start(): the credentials may not have taken the token yet when this runs.
                    open();
                }
            }
        });
    }

    /** Where a new stream starts so that nothing delivered comes twice; sets up the skipping. */
    private long resumeRevision() {
        if (lastEventRevision > covered) {
            skipRevision = lastEventRevision;
            skip = deliveredOfLastRevision;
            return lastEventRevision;
        }
        skip = 0;
        return covered >= 0 ? covered + 1 : options.startRevision();
    }

    @Override
    public CompletableFuture<Void> done() {
        return done;
    }

    @Override
    public synchronized void close() {
        if (done.isDone()) {
            return;
        }
        stopAttempt();
        end(null);
    }

    /** Stops the stream at the member without ending the watch: {@link #start} continues it where it was. */
    synchronized void suspend() {
        if (!done.isDone() && !suspended) {
            suspended = true;
            stopAttempt();
        }
    }

    synchronized void unsuspend() {
        if (suspended) {
            suspended = false;
            start();
        }
    }

    private void stopAttempt() {
        Attempt stopped = attempt;
        attempt = null;
        if (stopped != null && stopped.watchId != 0) {
            stopped.cancelAtMember();
        }
    }

    private void end(TernException error) {
        attempt = null;
        if (done.isDone()) {
            return;
        }
        if (error == null) {
            done.complete(null);
        } else {
            done.completeExceptionally(error);
        }
        listener.onClosed(error);
    }

    private void deliver(WatchResponses.Events frame) {
        List<WatchEvent> fresh = new ArrayList<>(frame.events().size());
        for (WatchEvent event : frame.events()) {
            if (skip > 0 && event.revision() == skipRevision) {
                skip--;
                continue;
            }
            skip = 0;
            if (event.revision() == lastEventRevision) {
                deliveredOfLastRevision++;
            } else {
                lastEventRevision = event.revision();
                deliveredOfLastRevision = 1;
            }
            fresh.add(event);
        }
        covered = Math.max(covered, frame.revision());
        if (!fresh.isEmpty()) {
            listener.onEvents(fresh);
        }
    }

    private void retry(Attempt failed) {
        if (failed != attempt) {
            return;
        }
        attempt = null;
        if (context.isClosed()) {
            end(Call.closedError());
            return;
        }
        context.router().failed(failed.endpoint);
        failuresInARow++;
        int rounds = failuresInARow / Math.max(1, context.router().size());
        long backoff = rounds == 0 ? 0 : Math.min(MAX_BACKOFF_NANOS, FIRST_BACKOFF_NANOS << Math.min(rounds - 1, 10));
        try {
            context.schedule(timeout -> start(), Math.max(1, backoff));
        } catch (IllegalStateException closed) {
            end(Call.closedError());
        }
    }

    private synchronized void answered(Attempt from, Response response) {
        if (from != attempt) {
            if (response instanceof WatchResponses.Created created) {
                // Closed or suspended before the member answered: end the stream there too.
                from.watchId = created.watchId();
                from.cancelAtMember();
            }
            return;
        }
        switch (response) {
            case WatchResponses.Created created -> {
                from.watchId = created.watchId();
                failuresInARow = 0;
                reauthenticated = false;
                if (covered < 0) {
                    covered = created.revision();
                }
            }
            case WatchResponses.Events events -> deliver(events);
            case WatchResponses.Progress progress -> {
                covered = Math.max(covered, progress.revision());
                listener.onProgress(progress.revision());
            }
            case WatchResponses.Canceled canceled -> end(canceled.compactRevision() != 0
                    ? new CompactedException(canceled.compactRevision(), canceled.reason())
                    : new ServerErrorException("the member ended the watch: " + canceled.reason()));
            case Response.Compacted compacted -> end(new CompactedException(compacted.compactRevision(),
                    compacted.message()));
            case Response.Unavailable u -> retry(from);
            case Response.Timeout t -> retry(from);
            case Response.NotLeader n -> retry(from);
            case Response.Internal internal -> end(new ServerErrorException(internal.message()));
            case Response.Unauthenticated refused -> {
                ClientCredentials credentials = context.credentials();
                if (credentials == null || reauthenticated) {
                    end(new UnauthenticatedException(from.endpoint + ": " + refused.message()));
                } else {
                    reauthenticated = true; // an expired token: renewed once, then the stream goes again
                    attempt = null;
                    authenticate(credentials, from.sentToken);
                }
            }
            case Response.PermissionDenied denied -> end(new PermissionDeniedException(denied.message()));
            case Response.Failure failure -> end(new RequestRefusedException(failure.status(), failure.message()));
            default -> end(new ServerErrorException("unexpected answer to a watch: " + response));
        }
    }

    private synchronized void failed(Attempt from) {
        retry(from);
    }

    /** One stream at one member. */
    private final class Attempt implements ProtocolConnection.Exchange {

        final HostPort endpoint;
        final ProtocolConnection connection;
        final long startRevision;
        volatile long watchId;
        /** The token the create went with, or null. */
        volatile String sentToken;

        Attempt(HostPort endpoint, ProtocolConnection connection, long startRevision) {
            this.endpoint = endpoint;
            this.connection = connection;
            this.startRevision = startRevision;
        }

        @Override
        public Opcode opcode() {
            return Opcode.WATCH_CREATE;
        }

        @Override
        public Request request(long requestId) {
            synchronized (WatchStream.this) {
                if (attempt != this) {
                    return null;
                }
            }
            Request create = new WatchRequests.Create(requestId, options.range(), startRevision, options.flags(), 0);
            String token = context.credentials() == null ? null : context.credentials().token();
            sentToken = token;
            return token == null ? create : new Request.WithToken(token, create);
        }

        @Override
        public boolean endsWith(Response response) {
            return WatchResponses.endsStream(response);
        }

        @Override
        public void answered(Response response) {
            WatchStream.this.answered(this, response);
        }

        @Override
        public void notSent(Throwable cause) {
            failed(this);
        }

        @Override
        public void lost(Throwable cause) {
            failed(this);
        }

        @Override
        public void malformed(MalformedResponseException e) {
            failed(this);
        }

        /** Asks the member to end this stream; whatever it answers, nobody waits for it. */
        void cancelAtMember() {
            long id = watchId;
            connection.send(new ProtocolConnection.Exchange() {
                @Override
                public Opcode opcode() {
                    return Opcode.WATCH_CANCEL;
                }

                @Override
                public Request request(long requestId) {
                    return new WatchRequests.Cancel(requestId, id);
                }

                @Override
                public void answered(Response response) {
                }

                @Override
                public void notSent(Throwable cause) {
                }

                @Override
                public void lost(Throwable cause) {
                }

                @Override
                public void malformed(MalformedResponseException e) {
                }
            });
        }
    }
}
