package io.tern.verify.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.grpc.Status;
import io.tern.client.protocol.ReadMode;
import io.tern.verify.history.Call;
import io.tern.verify.history.Outcome;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Which failed etcd calls were certainly not applied, and which may have been. */
class EtcdFailuresTest {

    private static final Call WRITE = new Call.Put("k0", "p0-1");
    private static final Call READ = new Call.Get("k0", ReadMode.LINEARIZABLE);

    /** The codes with which a server says it refused a request or could do nothing with it, whatever the text. */
    private static final Set<Status.Code> REFUSALS = EnumSet.of(Status.Code.INVALID_ARGUMENT,
            Status.Code.FAILED_PRECONDITION, Status.Code.OUT_OF_RANGE, Status.Code.NOT_FOUND, Status.Code.ALREADY_EXISTS,
            Status.Code.PERMISSION_DENIED, Status.Code.UNAUTHENTICATED, Status.Code.UNIMPLEMENTED);

    @ParameterizedTest
    @EnumSource(Status.Code.class)
    void everyCodeWithoutEtcdsWordsIsAFailureOnlyIfItIsARefusal(Status.Code code) {
        Outcome outcome = EtcdFailures.outcome(WRITE, code.toStatus().withDescription("io exception").asRuntimeException())
                .outcome();
        if (REFUSALS.contains(code)) {
            assertInstanceOf(Outcome.Failed.class, outcome, code::toString);
        } else {
            assertInstanceOf(Outcome.Unknown.class, outcome, code::toString);
        }
    }

    @ParameterizedTest
    @EnumSource(Status.Code.class)
    void aReadFailedWhateverWentWrong(Status.Code code) {
        assertInstanceOf(Outcome.Failed.class, EtcdFailures.outcome(READ, code.toStatus().asRuntimeException()).outcome());
    }

    @Test
    void etcdsNoLeaderWasNotAppliedButItsTimeoutAndALostConnectionMayHaveBeen() {
        assertFailed(Status.UNAVAILABLE.withDescription("etcdserver: no leader"));
        assertUnknown(Status.UNAVAILABLE.withDescription("etcdserver: request timed out"));
        assertUnknown(Status.UNAVAILABLE.withDescription("etcdserver: request timed out, possibly due to previous leader failure"));
        assertUnknown(Status.UNAVAILABLE.withDescription("etcdserver: server stopped"));
        assertUnknown(Status.UNAVAILABLE.withDescription("io exception"));
        assertUnknown(Status.UNAVAILABLE);
    }

    /** gRPC also says RESOURCE_EXHAUSTED of an answer too large to take in: that answer came after the write. */
    @Test
    void resourceExhaustedIsARefusalOnlyInEtcdsWords() {
        assertFailed(Status.RESOURCE_EXHAUSTED.withDescription("etcdserver: mvcc: database space exceeded"));
        assertFailed(Status.RESOURCE_EXHAUSTED.withDescription("etcdserver: too many requests"));
        assertUnknown(Status.RESOURCE_EXHAUSTED.withDescription("gRPC message exceeds maximum size 4194304: 5000000"));
    }

    @Test
    void aFailureWithNoStatusMayHaveBeenApplied() {
        assertInstanceOf(Outcome.Unknown.class, EtcdFailures.outcome(WRITE, new TimeoutException()).outcome());
        assertInstanceOf(Outcome.Unknown.class, EtcdFailures.outcome(WRITE, new IllegalStateException("closed")).outcome());
        assertInstanceOf(Outcome.Failed.class, EtcdFailures.outcome(READ, new TimeoutException()).outcome());
    }

    @Test
    void theStatusIsFoundUnderTheWrappersFuturesAndClientsPutAroundIt() {
        Throwable refused = Status.INVALID_ARGUMENT.withDescription("etcdserver: duplicate key given in txn request")
                .asRuntimeException();
        assertInstanceOf(Outcome.Failed.class, EtcdFailures.outcome(WRITE, new CompletionException(refused)).outcome());
        assertInstanceOf(Outcome.Failed.class, EtcdFailures.outcome(WRITE,
                new ExecutionException(new RuntimeException("jetcd", refused))).outcome());
        assertEquals("INVALID_ARGUMENT: etcdserver: duplicate key given in txn request",
                ((Outcome.Failed) EtcdFailures.outcome(WRITE, new CompletionException(refused)).outcome()).reason());
        assertInstanceOf(Outcome.Unknown.class, EtcdFailures.outcome(WRITE,
                new ExecutionException(Status.DEADLINE_EXCEEDED.asException())).outcome());
    }

    private static void assertFailed(Status status) {
        assertInstanceOf(Outcome.Failed.class, EtcdFailures.outcome(WRITE, status.asRuntimeException()).outcome(),
                status::toString);
    }

    private static void assertUnknown(Status status) {
        assertInstanceOf(Outcome.Unknown.class, EtcdFailures.outcome(WRITE, status.asRuntimeException()).outcome(),
                status::toString);
    }
}
