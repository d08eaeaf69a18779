package io.tern.client;

import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.EncoderException;
import io.netty.util.Timeout;
import io.netty.util.TimerTask;
import io.tern.client.net.ProtocolConnection;
import io.tern.client.protocol.MalformedResponseException;
import io.tern.client.protocol.Opcode;
import io.tern.client.protocol.Request;
import io.tern.client.protocol.Response;
import io.tern.client.protocol.Status;
import io.tern.client.protocol.TooLargeException;
import io.tern.platform.HostPort;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.ConnectException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongFunction;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

/**
 * One operation of a {@link TernClient}, from the caller's request to its answer, across every
 * retry, within one deadline. It is the future handed to the caller, and the timer task of its
 * own deadline.
 *
 * <p>At most one {@link Attempt} is under way at a time. The state says whether that attempt's
 * request was handed to a channel ({@code SENDING}), so that whoever ends the call knows what the
 * caller may assume: a write that was {@code SENDING} may have been applied. Every move between
 * states is a compare-and-set, so an answer, a lost connection, the deadline and {@code close()}
 * can race and exactly one of them ends the call.
 */
final class Call<T> extends CompletableFuture<T> implements TimerTask {

    private static final int IDLE = 0;
    private static final int SENDING = 1;
    private static final int DONE = 2;
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Call.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * After this many rounds of the endpoint list in which every connection was refused, the call
     * fails at once: nothing listens at any endpoint, and waiting out the deadline would only make the
     * caller wait. One retry round covers a refusal of the moment; an endpoint that accepts and then
     * does not answer is not refused, so it keeps the whole deadline.
     */
    private static final int REFUSED_ROUNDS = 2;

    /** Backoff after each full round of the endpoint list: 20 ms, doubling, at most 500 ms. */
    private static final long FIRST_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final long MAX_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    /** Why a call was ended from outside rather than by an answer. */
    enum Abandon { DEADLINE, CLOSED, INTERRUPTED, CANCELLED }

    private final CallContext context;
    private final Opcode opcode;
    private final boolean write;
    private final HostPort pinned;
    private final LongFunction<Request> requests;
    private final Function<Response, T> results;
    private final long timeoutNanos;
    private final long deadlineNanos;

    @SuppressWarnings("unused") // through STATE
    private volatile int state;
    private volatile Attempt attempt;
    private volatile TernException lastError;
    private volatile Timeout deadline;
    private volatile int failures;
    /** Attempts in a row whose connection was refused (one attempt is under way at a time). */
    private volatile int refusedInARow;
    /** The token the last attempt carried ({@code null}: none), to tell the credentials which one went stale. */
    private volatile String sentToken;
    /** Whether this call already got a fresh token after an UNAUTHENTICATED: it does so once. */
    private volatile boolean reauthenticated;

    /**
     * @param pinned   the only endpoint to use, with no retry at all; {@code null} to fail over
     * @param requests builds the request for a request id, at the moment it is sent
     * @param results  maps an answer that is not a {@link Response.Failure} to the result, or throws
     *                 a {@link TernException}
     */
    Call(CallContext context, Opcode opcode, HostPort pinned, LongFunction<Request> requests,
            Function<Response, T> results, long timeoutNanos) {
        this.context = context;
        this.opcode = opcode;
        this.write = isWrite(opcode);
        this.pinned = pinned;
        this.requests = requests;
        this.results = results;
        this.timeoutNanos = timeoutNanos;
        this.deadlineNanos = System.nanoTime() + timeoutNanos;
    }

    /**
     * Whether a request of {@code opcode} may change state, and so must not be sent again once it
     * may have reached a node. PING and STATUS are reads, and so are a lease's keep-alive, time-to-live
     * and list.
     */
    static boolean isWrite(Opcode opcode) {
        return switch (opcode) {
            case GET, SCAN, PING, STATUS, RANGE, WATCH_CREATE, WATCH_CANCEL, WATCH_PROGRESS, BACKUP -> false;
            case PUT, DELETE, CAS, BATCH, MEMBER_ADD, MEMBER_REMOVE, MEMBER_PROMOTE, TRANSFER_LEADER, SNAPSHOT, ALARM,
                 PUT_KV, DELETE_RANGE, TXN, COMPACT -> true;
            // A keep-alive sent twice renews twice, which is harmless; a grant sent twice may make two leases.
            case LEASE_KEEPALIVE, LEASE_TIME_TO_LIVE, LEASE_LIST -> false;
            case LEASE_GRANT, LEASE_REVOKE -> true;
            case AUTHENTICATE, AUTH_STATUS, USER_GET, USER_LIST, ROLE_GET, ROLE_LIST -> false;
            case AUTH_ENABLE, AUTH_DISABLE, USER_ADD, USER_DELETE, USER_CHANGE_PASSWORD, USER_GRANT_ROLE,
                 USER_REVOKE_ROLE, ROLE_ADD, ROLE_DELETE, ROLE_GRANT_PERMISSION, ROLE_REVOKE_PERMISSION -> true;
            // What it carries decides; not knowing here, assume the worst.
            case WITH_TOKEN -> true;
        };
    }

    Opcode opcode() {
        return opcode;
    }

    /** How a call ends once its client is closed. */
    static UnavailableException closedError() {
        return new UnavailableException("client closed");
    }

    /** Arms the deadline and sends the first attempt. */
    void start() {
        try {
            deadline = context.schedule(this, timeoutNanos);
        } catch (IllegalStateException e) { // the timer stopped: the client is closed
            finish(null, closedError());
            return;
        }
        ClientCredentials credentials = context.credentials();
        if (credentials != null && opcode != Opcode.AUTHENTICATE && credentials.authenticatesFirst()) {
            credentials.renew(null).whenComplete((token, error) -> {
                if (error == null || ClientCredentials.saysNotEnabled(error)) {
                    send(pinned != null ? pinned : context.router().current());
                } else {
                    failAuthentication(credentials, error);
                }
            });
            return;
        }
        send(pinned != null ? pinned : context.router().current());
    }

    private void failAuthentication(ClientCredentials credentials, Throwable error) {
        finish(null, credentials.authenticationFailure(error));
    }

    // ---- called by Attempt -----------------------------------------------------------------

    /** The connection is about to hand this call's request to its channel; false if the call ended. */
    boolean beginSend() {
        return STATE.compareAndSet(this, IDLE, SENDING);
    }

    /** Whether the call has ended (its future may complete a moment later). */
    boolean ended() {
        return (int) STATE.getVolatile(this) == DONE;
    }

    Request request(long requestId) {
        Request request = requests.apply(requestId);
        ClientCredentials credentials = context.credentials();
        if (credentials == null || opcode == Opcode.AUTHENTICATE) {
            return request;
        }
        String token = credentials.token();
        sentToken = token;
        return token == null ? request : new Request.WithToken(token, request);
    }

    void answered(Attempt from, Response response) {
        refusedInARow = 0;
        if (response instanceof Response.Failure failure) {
            failed(from.connection().address(), failure);
            return;
        }
        T result;
        try {
            result = results.apply(response);
        } catch (TernException e) {
            finish(null, e);
            return;
        }
        finish(result, null);
    }

    /** The request certainly did not reach the node: connect failed, or its write failed. */
    void notSent(Attempt from, Throwable cause) {
        if (cause instanceof EncoderException && cause.getCause() instanceof TooLargeException tooLarge) {
            finish(null, new RequestRefusedException(Status.TOO_LARGE, tooLarge.getMessage()));
            return;
        }
        if (cause instanceof EncoderException) {
            finish(null, new RequestRefusedException(Status.BAD_REQUEST, "cannot encode the request: " + cause));
            return;
        }
        if (context.isClosed()) {
            finish(null, closedError());
            return;
        }
        HostPort at = from.connection().address();
        UnavailableException error = new UnavailableException("cannot reach " + at + ": " + describe(cause), cause);
        refusedInARow = isRefused(cause) ? refusedInARow + 1 : 0;
        if (refusedInARow >= REFUSED_ROUNDS * context.router().size()) {
            finish(null, error);
            return;
        }
        retryElsewhere(at, error);
    }

    /** The connection closed with the request in flight; {@code sent} says whether it had left the client. */
    void lost(Attempt from, boolean sent, Throwable cause) {
        HostPort at = from.connection().address();
        if (cause instanceof SSLHandshakeException) {
            // The server refused the handshake (a client certificate, say) before it read any request.
            notSent(from, cause);
            return;
        }
        refusedInARow = 0;
        if (sent && write) {
            finish(null, new OutcomeUnknownException("the connection to " + at + " was lost after the "
                    + opcode + " was sent; it may or may not have been applied", cause));
            return;
        }
        retryElsewhere(at, new UnavailableException("the connection to " + at + " was lost: "
                + describe(cause), cause));
    }

    /** The answer did not decode: the node handled the request, but what it said is unknown. */
    void malformed(Attempt from, MalformedResponseException e) {
        HostPort at = from.connection().address();
        finish(null, write
                ? new OutcomeUnknownException(at + " sent an answer that does not decode: " + e.getMessage(), e)
                : new ServerErrorException(at + " sent an answer that does not decode: " + e.getMessage()));
    }

    // ---- ended from outside ---------------------------------------------------------------

    /** The deadline passed. */
    @Override
    public void run(Timeout timeout) {
        TernException error = abandon(Abandon.DEADLINE);
        if (error != null) {
            completeExceptionally(error);
        }
    }

    /**
     * Ends the call without an answer and forgets its request, so that a late answer is dropped.
     *
     * @return what to tell the caller, or {@code null} if the call had already ended
     */
    TernException abandon(Abandon why) {
        int was;
        do {
            was = (int) STATE.getVolatile(this);
            if (was == DONE) {
                return null;
            }
        } while (!STATE.compareAndSet(this, was, DONE));
        Attempt current = attempt;
        if (was == SENDING && current != null) {
            current.forget();
        }
        Timeout timer = deadline;
        if (timer != null && why != Abandon.DEADLINE) {
            timer.cancel();
        }
        boolean maybeApplied = was == SENDING && write;
        String where = current != null ? current.connection().address().toString() : "any endpoint";
        return switch (why) {
            case DEADLINE -> {
                long millis = TimeUnit.NANOSECONDS.toMillis(timeoutNanos);
                if (maybeApplied) {
                    yield new OutcomeUnknownException("no answer from " + where + " within " + millis + " ms; the "
                            + opcode + " may or may not have been applied");
                }
                if (was == SENDING) {
                    yield new UnavailableException("no answer from " + where + " within " + millis + " ms");
                }
                TernException last = lastError;
                yield last != null ? last
                        : new UnavailableException("could not send the " + opcode + " within " + millis + " ms");
            }
            case CLOSED -> maybeApplied
                    ? new OutcomeUnknownException("the client was closed with the " + opcode
                            + " in flight; it may or may not have been applied")
                    : closedError();
            case INTERRUPTED -> maybeApplied
                    ? new OutcomeUnknownException("interrupted with the " + opcode
                            + " in flight; it may or may not have been applied")
                    : new UnavailableException("interrupted before the " + opcode + " was answered");
            case CANCELLED -> new UnavailableException("cancelled");
        };
    }

    /** The client closed: fails this call unless it already ended. */
    void closed() {
        TernException error = abandon(Abandon.CLOSED);
        if (error != null) {
            completeExceptionally(error);
        }
    }

    /** Cancelling the future also forgets the request; a write already sent may still be applied. */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        abandon(Abandon.CANCELLED);
        return super.cancel(mayInterruptIfRunning);
    }

    // ---- retries ---------------------------------------------------------------------------

    private void failed(HostPort at, Response.Failure failure) {
        switch (failure) {
            case Response.NotLeader notLeader -> {
                NotLeaderException error = new NotLeaderException(notLeader.leaderAddress());
                HostPort leader = notLeader.leaderKnown() ? parseOrNull(notLeader.leaderAddress()) : null;
                if (leader != null && pinned == null) {
                    lastError = error;
                    context.router().redirect(at, leader);
                    retry(leader);
                } else {
                    retryElsewhere(at, error);
                }
            }
            case Response.Unavailable unavailable ->
                    retryElsewhere(at, new UnavailableException(at + ": " + unavailable.message()));
            case Response.Timeout timeout -> {
                if (write) {
                    finish(null, new OutcomeUnknownException(at + " answered TIMEOUT to the " + opcode
                            + ": " + timeout.message()));
                } else {
                    retryElsewhere(at, new UnavailableException(at + " answered TIMEOUT: " + timeout.message()));
                }
            }
            case Response.BadRequest bad -> finish(null, new RequestRefusedException(Status.BAD_REQUEST, bad.message()));
            case Response.TooLarge tooLarge ->
                    finish(null, new RequestRefusedException(Status.TOO_LARGE, tooLarge.message()));
            case Response.Internal internal -> finish(null, new ServerErrorException(at + ": " + internal.message()));
            case Response.NoSpace noSpace -> finish(null, new RequestRefusedException(Status.NO_SPACE, noSpace.message()));
            case Response.Compacted compacted ->
                    finish(null, new CompactedException(compacted.compactRevision(), compacted.message()));
            case Response.FutureRevision future ->
                    finish(null, new FutureRevisionException(future.currentRevision(), future.message()));
            case Response.LeaseNotFound notFound -> finish(null, new LeaseNotFoundException(notFound.message()));
            case Response.Unauthenticated refused -> reauthenticate(at, refused);
            case Response.PermissionDenied denied -> finish(null, new PermissionDeniedException(denied.message()));
        }
    }

    /**
     * UNAUTHENTICATED did nothing, so the call may go again: once, with a fresh token (the first one, or
     * one that replaces an expired token), to the same endpoint.
     */
    private void reauthenticate(HostPort at, Response.Unauthenticated refused) {
        ClientCredentials credentials = context.credentials();
        if (credentials == null || opcode == Opcode.AUTHENTICATE || reauthenticated) {
            finish(null, new UnauthenticatedException(at + ": " + refused.message()));
            return;
        }
        reauthenticated = true;
        credentials.renew(sentToken).whenComplete((token, error) -> {
            if (error == null) {
                retry(at);
            } else {
                failAuthentication(credentials, error);
            }
        });
    }

    /** Not applied at {@code at}: try the next endpoint (a pinned call gives up instead). */
    private void retryElsewhere(HostPort at, TernException error) {
        lastError = error;
        if (pinned != null) {
            finish(null, error);
            return;
        }
        context.router().failed(at);
        retry(null);
    }

    /** Sends again, to {@code target} or else the current endpoint, after a backoff at the end of each round. */
    private void retry(HostPort target) {
        int was;
        do {
            was = (int) STATE.getVolatile(this);
            if (was == DONE) {
                return;
            }
        } while (was != IDLE && !STATE.compareAndSet(this, was, IDLE));
        int failed = failures + 1;
        failures = failed;
        int round = context.router().size();
        if (failed % round != 0) {
            send(target);
            return;
        }
        long delay = Math.min(MAX_BACKOFF_NANOS, FIRST_BACKOFF_NANOS << Math.min(10, failed / round - 1));
        if (System.nanoTime() + delay >= deadlineNanos) {
            return; // the deadline will end the call with lastError
        }
        try {
            context.schedule(timeout -> send(target), delay);
        } catch (IllegalStateException e) {
            finish(null, closedError());
        }
    }

    private void send(HostPort target) {
        if (ended()) {
            return;
        }
        HostPort endpoint = target != null ? target : context.router().current();
        ProtocolConnection connection = context.connection(endpoint);
        if (connection == null) {
            finish(null, closedError());
            return;
        }
        Attempt next = new Attempt(this, connection);
        attempt = next;
        connection.send(next);
    }

    private void finish(T result, TernException error) {
        int was;
        do {
            was = (int) STATE.getVolatile(this);
            if (was == DONE) {
                return;
            }
        } while (!STATE.compareAndSet(this, was, DONE));
        Timeout timer = deadline;
        if (timer != null) {
            timer.cancel();
        }
        if (error != null) {
            completeExceptionally(error);
        } else {
            complete(result);
        }
    }

    private static HostPort parseOrNull(String address) {
        try {
            return EndpointList.parse(address);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The node's host answered that nothing listens there (a connect timeout is no such answer). */
    private static boolean isRefused(Throwable cause) {
        // A TLS handshake that fails will fail again: a configuration error, like a closed port.
        return cause instanceof ConnectException && !(cause instanceof ConnectTimeoutException)
                || cause instanceof SSLException;
    }

    private static String describe(Throwable cause) {
        if (cause == null) {
            return "unknown cause";
        }
        String message = cause.getMessage();
        return message == null || message.isBlank() ? cause.getClass().getSimpleName() : message;
    }
}
