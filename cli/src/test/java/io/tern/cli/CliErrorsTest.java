package io.tern.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tern.cli.CliErrors.Failure;
import io.tern.client.NotLeaderException;
import io.tern.client.OutcomeUnknownException;
import io.tern.client.RequestRefusedException;
import io.tern.client.ServerErrorException;
import io.tern.client.UnavailableException;
import io.tern.client.protocol.Status;
import io.tern.client.protocol.TooLargeException;
import java.net.ConnectException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class CliErrorsTest {

    @Test
    void unavailableAndNotLeaderMeanNotApplied() {
        assertEquals(new Failure(4, "unavailable: no leader"), CliErrors.classify(new UnavailableException("no leader")));
        assertEquals(new Failure(4, "not the leader; the leader is 10.0.0.2:7379"),
                CliErrors.classify(new NotLeaderException("10.0.0.2:7379")));
        assertEquals(new Failure(4, "cannot connect: Connection refused"),
                CliErrors.classify(new ConnectException("Connection refused")));
    }

    @Test
    void timeoutMeansOutcomeUnknown() {
        assertEquals(new Failure(5, "timed out, the outcome is unknown: deadline passed"),
                CliErrors.classify(new OutcomeUnknownException("deadline passed")));
    }

    @Test
    void refusalsAndServerErrorsAreThree() {
        assertEquals(new Failure(3, "refused (TOO_LARGE): key over 16 KiB"),
                CliErrors.classify(new RequestRefusedException(Status.TOO_LARGE, "key over 16 KiB")));
        assertEquals(new Failure(3, "refused (BAD_REQUEST): bad"),
                CliErrors.classify(new RequestRefusedException(Status.BAD_REQUEST, "bad")));
        assertEquals(new Failure(3, "refused (NO_SPACE): NOSPACE alarm: member 2's data directory /d has 1.0 MiB free"),
                CliErrors.classify(new RequestRefusedException(Status.NO_SPACE,
                        "NOSPACE alarm: member 2's data directory /d has 1.0 MiB free")));
        assertEquals(new Failure(3, "server error: oops"), CliErrors.classify(new ServerErrorException("oops")));
        assertEquals(new Failure(3, "refused (TOO_LARGE): key of 20000 bytes"),
                CliErrors.classify(new TooLargeException("key of 20000 bytes")));
        assertEquals(new Failure(3, "internal error: IllegalStateException: bug"),
                CliErrors.classify(new IllegalStateException("bug")));
    }

    @Test
    void asyncWrappersAreLookedThrough() {
        assertEquals(new Failure(4, "unavailable: x"),
                CliErrors.classify(new CompletionException(new ExecutionException(new UnavailableException("x")))));
    }

    @Test
    void messagesAreFoldedToOneLine() {
        assertEquals(new Failure(4, "unavailable: first second"),
                CliErrors.classify(new UnavailableException("first\n  second\n")));
        assertEquals(new Failure(3, "internal error: NullPointerException: NullPointerException"),
                CliErrors.classify(new NullPointerException()));
    }
}
