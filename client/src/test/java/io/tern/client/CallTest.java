package io.tern.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.Bootstrap;
import io.netty.util.HashedWheelTimer;
import io.netty.util.Timeout;
import io.netty.util.TimerTask;
import io.tern.client.net.ProtocolConnection;
import io.tern.client.net.SendLimits;
import io.tern.client.protocol.Opcode;
import io.tern.client.protocol.Request;
import io.tern.platform.HostPort;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A call against a context of its own making: it needs a timer, a router and connections, not a client. */
class CallTest {

    private static final HostPort NODE = new HostPort("127.0.0.1", 1);

    private final HashedWheelTimer timer = new HashedWheelTimer(1, TimeUnit.MILLISECONDS);

    @AfterEach
    void stopTimer() {
        timer.stop();
    }

    /** A context whose client was closed between the call's creation and its first send. */
    private final class ClosedContext implements CallContext {
        final EndpointRouter router = new EndpointRouter(List.of(NODE));
        Timeout deadline;

        @Override
        public Timeout schedule(TimerTask task, long delayNanos) {
            deadline = timer.newTimeout(task, delayNanos, TimeUnit.NANOSECONDS);
            return deadline;
        }

        @Override
        public EndpointRouter router() {
            return router;
        }

        @Override
        public boolean isClosed() {
            return true;
        }

        @Override
        public ProtocolConnection connection(HostPort endpoint) {
            return null;
        }
    }

    private static Call<Void> ping(CallContext context) {
        return new Call<>(context, Opcode.PING, null, Request.Ping::new, response -> null,
                TimeUnit.SECONDS.toNanos(10));
    }

    @Test
    void aCallWithNoConnectionToHaveFailsAsClosedAndDisarmsItsDeadline() {
        ClosedContext context = new ClosedContext();
        Call<Void> call = ping(context);
        call.start();
        CompletionException failed = assertThrows(CompletionException.class, call::join);
        UnavailableException closed = assertInstanceOf(UnavailableException.class, failed.getCause());
        assertEquals("client closed", closed.getMessage());
        assertTrue(context.deadline.isCancelled(), "the deadline of an ended call must not stay on the timer");
    }

    @Test
    void aCallWhoseTimerHasStoppedFailsAsClosedAtOnce() {
        timer.stop();
        Call<Void> call = ping(new ClosedContext());
        call.start();
        CompletionException failed = assertThrows(CompletionException.class, call::join);
        assertEquals("client closed", assertInstanceOf(UnavailableException.class, failed.getCause()).getMessage());
    }

    private static Call<Long> put(CallContext context) {
        return new Call<>(context, Opcode.PUT, null, id -> new Request.Put(id, new byte[] {'k'}, new byte[] {'v'}),
                response -> 0L, TimeUnit.SECONDS.toNanos(10));
    }

    /** A put written on a connection that then ends with {@code cause}; how its call ended. */
    private Throwable lostAfterWrite(Throwable cause) {
        Call<Long> call = put(new ClosedContext());
        Attempt attempt = new Attempt(call, new ProtocolConnection(NODE, new Bootstrap(), SendLimits.NONE));
        attempt.request(1);
        attempt.written();
        attempt.lost(cause);
        return assertThrows(CompletionException.class, call::join).getCause();
    }

    @Test
    void aCertificateRefusedAfterTheWriteMeansTheRequestWasNotReadButAnyOtherTlsErrorLeavesTheOutcomeUnknown() {
        // Refused: sent again (here, to a closed client, so it ends as closed), never "may have been applied".
        assertEquals("client closed", assertInstanceOf(UnavailableException.class,
                lostAfterWrite(new SSLHandshakeException("the server requires a client certificate"))).getMessage());
        // A TLS failure later on a connection that carried requests says nothing about the write.
        assertInstanceOf(OutcomeUnknownException.class, lostAfterWrite(new SSLException("bad_record_mac")));
    }
}
