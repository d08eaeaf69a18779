package io.tern.client;

import static io.tern.client.ClientTests.awaitCondition;
import static io.tern.client.ClientTests.b;
import static io.tern.client.ClientTests.clientOf;
import static io.tern.client.ClientTests.failure;
import static io.tern.client.ClientTests.result;
import static io.tern.client.ClientTests.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tern.client.protocol.Opcode;
import io.tern.client.protocol.Request;
import io.tern.client.protocol.Response;
import io.tern.client.protocol.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

/** Failover, the retry rules, deadlines and close, against nodes that misbehave on cue. */
@Timeout(60)
class TernClientRetryTest {

    private final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    private FakeServer server() {
        FakeServer server = FakeServer.start();
        resources.add(server);
        return server;
    }

    private TernClient client(TernClientBuilder builder) {
        TernClient client = builder.build();
        resources.add(client);
        return client;
    }

    @Test
    void failsOverToTheNextEndpointWhenTheFirstRefusesConnections() {
        FakeServer second = server();
        TernClient client = client(clientOf(FakeServer.refusingEndpoint(), second.endpoint()));
        assertEquals(1, client.put(b("k"), b("v")));
        assertEquals(second.endpoint(), client.currentEndpoint().toString());
        assertEquals("v", s(client.get(b("k")).value()));
        assertEquals(1, second.count(Opcode.PUT));
    }

    @Test
    void failsOverOnUnavailableAndStaysOnTheNodeThatServed() {
        FakeServer first = server().handler(e -> e.reply(new Response.Unavailable(e.id(), "no quorum")));
        FakeServer second = server();
        TernClient client = client(clientOf(first.endpoint(), second.endpoint()));
        assertEquals(1, client.put(b("k"), b("v")));
        assertEquals(1, first.count(Opcode.PUT), "UNAVAILABLE means not applied, so the write went on");
        assertEquals(1, second.count(Opcode.PUT));
        client.get(b("k"));
        assertEquals(0, first.count(Opcode.GET), "later calls start at the endpoint that answered");
    }

    @Test
    void notLeaderWithAnAddressRedirectsThereEvenOutsideTheList() {
        FakeServer leader = server();
        FakeServer follower = server().handler(e -> e.reply(new Response.NotLeader(e.id(), leader.endpoint())));
        TernClient client = client(clientOf(follower.endpoint()));
        assertEquals(1, client.put(b("k"), b("v")));
        assertEquals(1, leader.count(Opcode.PUT));
        assertEquals(leader.endpoint(), client.currentEndpoint().toString());
        client.put(b("k2"), b("v"));
        assertEquals(1, follower.count(Opcode.PUT), "the second write went straight to the leader");
    }

    @Test
    void notLeaderWithoutAnAddressMovesToTheNextEndpoint() {
        FakeServer first = server().handler(e -> e.reply(new Response.NotLeader(e.id(), "")));
        FakeServer second = server();
        TernClient client = client(clientOf(first.endpoint(), second.endpoint()));
        assertEquals(1, client.put(b("k"), b("v")));
        assertEquals(second.endpoint(), client.currentEndpoint().toString());
    }

    @Test
    void aReadIsSentAgainAfterTheConnectionIsLost() {
        AtomicInteger gets = new AtomicInteger();
        FakeServer server = server().handler(e -> {
            if (e.opcode() == Opcode.GET && gets.incrementAndGet() == 1) {
                e.closeConnection(); // read, then drop the connection without answering
            } else {
                e.replyFromStore();
            }
        });
        TernClient client = client(clientOf(server.endpoint()));
        client.put(b("k"), b("v"));
        assertEquals("v", s(client.get(b("k")).value()));
        assertEquals(2, server.count(Opcode.GET));
    }

    @Test
    void aWriteWhoseConnectionIsLostAfterSendingHasAnUnknownOutcome() {
        FakeServer server = server().handler(e -> {
            if (e.opcode() == Opcode.PUT) {
                e.closeConnection();
            } else {
                e.replyFromStore();
            }
        });
        TernClient client = client(clientOf(server.endpoint()));
        OutcomeUnknownException e = assertThrows(OutcomeUnknownException.class, () -> client.put(b("k"), b("v")));
        assertTrue(e.getMessage().contains("lost"), e.getMessage());
        assertEquals(Status.TIMEOUT, e.status());
        assertEquals(1, server.count(Opcode.PUT), "a write that may have been applied is never sent again");
        client.ping(); // the client reconnects on next use
    }

    @Test
    void timeoutAnswerToAWriteIsAnUnknownOutcomeAtOnce() {
        FakeServer server = server().handler(e -> e.reply(new Response.Timeout(e.id(), "commit took too long")));
        TernClient client = client(clientOf(server.endpoint()).requestTimeout(Duration.ofSeconds(30)));
        long start = System.nanoTime();
        OutcomeUnknownException e = assertThrows(OutcomeUnknownException.class, () -> client.delete(b("k")));
        assertTrue(e.getMessage().contains("commit took too long"), e.getMessage());
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10), "did not wait for the deadline");
        assertEquals(1, server.count(Opcode.DELETE));
    }

    @Test
    void timeoutAnswerToAReadIsRetried() {
        AtomicInteger gets = new AtomicInteger();
        FakeServer server = server().handler(e -> {
            if (e.opcode() == Opcode.GET && gets.incrementAndGet() <= 2) {
                e.reply(new Response.Timeout(e.id(), "read index took too long"));
            } else {
                e.replyFromStore();
            }
        });
        TernClient client = client(clientOf(server.endpoint()));
        client.put(b("k"), b("v"));
        assertEquals("v", s(client.get(b("k")).value()));
        assertEquals(3, server.count(Opcode.GET));
    }

    @Test
    void unavailableUntilTheDeadlineEndsInUnavailableWithTheNodesMessage() {
        FakeServer server = server().handler(e -> e.reply(new Response.Unavailable(e.id(), "no leader")));
        TernClient client = client(clientOf(server.endpoint()).requestTimeout(Duration.ofMillis(1000)));
        UnavailableException e = assertThrows(UnavailableException.class, () -> client.put(b("k"), b("v")));
        assertTrue(e.getMessage().contains("no leader"), e.getMessage());
        assertTrue(server.count(Opcode.PUT) > 1, "a write that was not applied is retried");
    }

    @Test
    void notLeaderUntilTheDeadlineEndsInNotLeader() {
        FakeServer first = server().handler(e -> e.reply(new Response.NotLeader(e.id(), "")));
        FakeServer second = server().handler(e -> e.reply(new Response.NotLeader(e.id(), "")));
        TernClient client = client(clientOf(first.endpoint(), second.endpoint()).requestTimeout(Duration.ofMillis(1000)));
        NotLeaderException e = assertThrows(NotLeaderException.class, () -> client.put(b("k"), b("v")));
        assertEquals("", e.leaderAddress());
        assertTrue(first.count(Opcode.PUT) >= 1 && second.count(Opcode.PUT) >= 1);
    }

    @Test
    void noEndpointReachableEndsInUnavailable() {
        TernClient client = client(clientOf(FakeServer.refusingEndpoint(), FakeServer.refusingEndpoint())
                .requestTimeout(Duration.ofMillis(300)));
        UnavailableException e = assertThrows(UnavailableException.class, client::ping);
        assertTrue(e.getMessage().contains("cannot reach"), e.getMessage());
    }

    @Test
    void whenEveryEndpointRefusesTheConnectionTheCallFailsLongBeforeItsDeadline() {
        TernClient client = client(clientOf(FakeServer.refusingEndpoint(), FakeServer.refusingEndpoint())
                .requestTimeout(Duration.ofSeconds(20)));
        assertFailsFast("a ping", client::ping);
        assertFailsFast("a put", () -> client.put(b("k"), b("v")));
    }

    private static void assertFailsFast(String what, Executable call) {
        long start = System.nanoTime();
        UnavailableException e = assertThrows(UnavailableException.class, call);
        long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        System.out.println(what + " to two refusing endpoints failed after " + elapsedMillis + " ms");
        assertTrue(e.getMessage().contains("cannot reach"), e.getMessage());
        // Far below the 20 s deadline; loose so that a loaded machine does not make it flaky.
        assertTrue(elapsedMillis < 2_000, what + " failed only after " + elapsedMillis + " ms");
    }

    @Test
    void anEndpointThatAcceptsButDoesNotAnswerKeepsTheWholeDeadlineBesideRefusingOnes() {
        FakeServer silent = server().handler(e -> { });
        TernClient client = client(clientOf(FakeServer.refusingEndpoint(), silent.endpoint(),
                FakeServer.refusingEndpoint()).requestTimeout(Duration.ofMillis(1500)));
        long start = System.nanoTime();
        UnavailableException e = assertThrows(UnavailableException.class, () -> client.get(b("k")));
        long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(elapsedMillis >= 1500, "ended after " + elapsedMillis + " ms");
        assertTrue(e.getMessage().contains("no answer from " + silent.endpoint()), e.getMessage());
    }

    @Test
    void aNodeThatIsUpButUnavailableKeepsTheCallRetryingUntilTheDeadlineBesideRefusingOnes() {
        FakeServer unavailable = server().handler(e -> e.reply(new Response.Unavailable(e.id(), "no leader")));
        TernClient client = client(clientOf(FakeServer.refusingEndpoint(), unavailable.endpoint(),
                FakeServer.refusingEndpoint()).requestTimeout(Duration.ofMillis(1500)));
        long start = System.nanoTime();
        assertThrows(UnavailableException.class, () -> client.put(b("k"), b("v")));
        long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(elapsedMillis >= 1500, "ended after " + elapsedMillis + " ms");
        assertTrue(unavailable.count(Opcode.PUT) > 2, "retried at the node that is up: " + unavailable.count(Opcode.PUT));
    }

    @Test
    void theDeadlineEndsAReadAsUnavailableAndAWriteAsOutcomeUnknown() throws Exception {
        FakeServer silent = server().handler(e -> { });
        TernClient client = client(clientOf(silent.endpoint()).requestTimeout(Duration.ofMillis(1000)));
        long start = System.nanoTime();
        CompletableFuture<GetResult> read = client.getAsync(b("k"));
        CompletableFuture<Long> write = client.putAsync(b("k"), b("v"));
        silent.nextRequest();
        silent.nextRequest();
        UnavailableException readFailure = failure(UnavailableException.class, read);
        OutcomeUnknownException writeFailure = failure(OutcomeUnknownException.class, write);
        long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(elapsedMillis >= 1000, "ended after " + elapsedMillis + " ms");
        assertTrue(readFailure.getMessage().contains("no answer") && readFailure.getMessage().contains("1000 ms"),
                readFailure.getMessage());
        assertTrue(writeFailure.getMessage().contains("may or may not"), writeFailure.getMessage());
        assertEquals(0, client.inFlight());
    }

    @Test
    void aLateAnswerAfterTheDeadlineIsDroppedWithoutLeaking() throws Exception {
        CompletableFuture<FakeServer.Exchange> held = new CompletableFuture<>();
        FakeServer server = server().handler(e -> {
            if (e.opcode() == Opcode.GET && !held.isDone()) {
                held.complete(e);
            } else {
                e.replyFromStore();
            }
        });
        TernClient client = client(clientOf(server.endpoint()).connectionsPerEndpoint(1)
                .requestTimeout(Duration.ofMillis(1000)));
        failure(UnavailableException.class, client.getAsync(b("first")));
        assertEquals(0, client.inFlight(), "the abandoned request is forgotten at once");

        FakeServer.Exchange late = result(held);
        late.reply(new Response.GetOk(late.id(), 99, b("stale"))).syncUninterruptibly();
        client.put(b("k"), b("v")); // answered after the late answer, on the same connection
        assertEquals("v", s(client.get(b("k")).value()));
        assertEquals(1, client.lastSeenRevision(), "nothing of the dropped answer was taken in");
        assertEquals(0, client.inFlight());
        assertEquals(1, server.connectionsAccepted(), "a stray answer does not break the connection");
    }

    @Test
    void closeFailsCallsUnderWay() throws Exception {
        FakeServer silent = server().handler(e -> { });
        FakeServer unavailable = server().handler(e -> e.reply(new Response.Unavailable(e.id(), "no leader")));
        TernClient client = clientOf(silent.endpoint()).requestTimeout(Duration.ofSeconds(30)).build();
        TernClient retrying = clientOf(unavailable.endpoint()).requestTimeout(Duration.ofSeconds(30)).build();
        CompletableFuture<GetResult> read = client.getAsync(b("k"));
        CompletableFuture<Long> write = client.putAsync(b("k"), b("v"));
        CompletableFuture<Long> backingOff = retrying.putAsync(b("k"), b("v"));
        silent.nextRequest();
        silent.nextRequest();
        // After six refusals the backoff is at its 500 ms cap; with no request on the wire the call is
        // then almost surely between attempts (a retry in flight would rightly end as outcome unknown).
        awaitCondition("the write to back off between retries",
                () -> unavailable.count(Opcode.PUT) >= 6 && retrying.inFlight() == 0);

        client.close();
        retrying.close();
        assertEquals("client closed", failure(UnavailableException.class, read).getMessage());
        assertTrue(failure(OutcomeUnknownException.class, write).getMessage().contains("closed"));
        assertEquals("client closed", failure(UnavailableException.class, backingOff).getMessage());
        failure(UnavailableException.class, client.pingAsync());
        assertThrows(UnavailableException.class, client::ping);
        client.close();
    }

    @Test
    void anInterruptedBlockingWriteInFlightReportsAnUnknownOutcome() throws Exception {
        FakeServer silent = server().handler(e -> { });
        TernClient client = client(clientOf(silent.endpoint()).requestTimeout(Duration.ofSeconds(30)));
        CompletableFuture<Throwable> thrown = new CompletableFuture<>();
        CompletableFuture<Boolean> stillInterrupted = new CompletableFuture<>();
        Thread writer = new Thread(() -> {
            try {
                client.put(b("k"), b("v"));
                thrown.complete(null);
            } catch (Throwable t) {
                thrown.complete(t);
            }
            stillInterrupted.complete(Thread.currentThread().isInterrupted());
        });
        writer.start();
        silent.nextRequest();
        writer.interrupt();
        Throwable t = result(thrown);
        assertTrue(t instanceof OutcomeUnknownException, "threw " + t);
        assertTrue(result(stillInterrupted), "the interrupt flag is kept");
        assertEquals(0, client.inFlight());

        Thread.currentThread().interrupt();
        try {
            assertThrows(UnavailableException.class, () -> client.get(b("k")));
        } finally {
            assertTrue(Thread.interrupted());
        }
    }

    @Test
    void statusOfOneNodeDoesNotFailOver() {
        FakeServer other = server();
        TernClient client = client(clientOf(other.endpoint()).requestTimeout(Duration.ofSeconds(30)));
        String down = FakeServer.refusingEndpoint();
        long start = System.nanoTime();
        UnavailableException e = assertThrows(UnavailableException.class, () -> client.status(down));
        assertTrue(e.getMessage().contains(down), e.getMessage());
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10), "failed at once, not at the deadline");
        assertEquals(0, other.count(Opcode.STATUS));
    }

    @Test
    void theClientFindsTheLeaderThroughStatusWhenAsked() throws Exception {
        FakeServer leader = server();
        FakeServer follower = server();
        follower.store.leaderAddress(leader.endpoint());
        TernClient client = client(TernClient.builder().endpoints(follower.endpoint() + "," + leader.endpoint()));
        awaitCondition("the client prefers the leader", () -> client.currentEndpoint().toString().equals(leader.endpoint()));
        client.put(b("k"), b("v"));
        assertEquals(1, leader.count(Opcode.PUT));
        assertEquals(List.of(Opcode.STATUS), follower.received().stream().map(Request::opcode).toList());
    }
}
