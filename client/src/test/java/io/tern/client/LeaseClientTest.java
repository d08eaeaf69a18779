package io.tern.client;

import static io.tern.client.ClientTests.clientOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tern.client.protocol.LeaseRequests;
import io.tern.client.protocol.Opcode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The lease calls and the keep-alive helper against fake nodes (leases there have no time: tests end them). */
@Timeout(30)
class LeaseClientTest {

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

    private TernClient client(String... endpoints) {
        TernClient client = clientOf(endpoints).build();
        resources.add(client);
        return client;
    }

    /** What a keep-alive listener heard, in order: "renewed TTL" or "gone EXCEPTION". */
    private static final class Heard implements LeaseKeepAlive.Listener {
        final LinkedBlockingQueue<String> events = new LinkedBlockingQueue<>();
        volatile TernException goneFor;

        @Override
        public void renewed(long leaseId, long ttlSeconds) {
            events.add("renewed " + ttlSeconds);
        }

        @Override
        public void gone(long leaseId, TernException reason) {
            goneFor = reason;
            events.add("gone " + reason.getClass().getSimpleName());
        }

        String next() throws InterruptedException {
            String event = events.poll(10, TimeUnit.SECONDS);
            if (event == null) {
                throw new AssertionError("the listener heard nothing within 10 s");
            }
            return event;
        }
    }

    @Test
    void grantListTimeToLiveKeepAliveAndRevoke() {
        FakeServer server = server();
        LeaseClient leases = client(server.endpoint()).leases();
        LeaseGrant granted = leases.grant(60);
        assertEquals(60, granted.ttlSeconds());
        assertTrue(granted.id() > 0 && granted.revision() > 0);
        LeaseGrant chosen = leases.grant(0x694d77aa9e38260fL, 30);
        assertEquals(0x694d77aa9e38260fL, chosen.id());
        assertEquals(List.of(granted.id(), chosen.id()), leases.list());
        assertEquals(30, leases.keepAliveOnce(chosen.id()));
        LeaseTimeToLive ttl = leases.timeToLive(chosen.id(), true);
        assertTrue(ttl.exists());
        assertEquals(30, ttl.grantedSeconds());
        long revision = leases.revoke(chosen.id());
        assertTrue(revision > chosen.revision());
        assertFalse(leases.timeToLive(chosen.id(), false).exists(), "an unknown lease is no error: TTL -1");
        assertEquals(-1, leases.timeToLive(chosen.id(), false).remainingSeconds());
        LeaseNotFoundException notFound = assertThrows(LeaseNotFoundException.class, () -> leases.revoke(chosen.id()));
        assertEquals("etcdserver: requested lease not found", notFound.getMessage());
        assertThrows(LeaseNotFoundException.class, () -> leases.keepAliveOnce(chosen.id()));
        RequestRefusedException exists = assertThrows(RequestRefusedException.class,
                () -> leases.grant(granted.id(), 5));
        assertTrue(exists.getMessage().contains("lease already exists"), exists.getMessage());
    }

    @Test
    void theKeepAliveHelperRenewsEveryThirdOfTheTtlUntilClosed() throws Exception {
        FakeServer server = server();
        LeaseClient leases = client(server.endpoint()).leases();
        long id = leases.grant(1).id();
        Heard heard = new Heard();
        long began = System.nanoTime();
        try (LeaseKeepAlive keepAlive = leases.keepAlive(id, heard)) {
            for (int i = 0; i < 4; i++) {
                assertEquals("renewed 1", heard.next());
            }
            long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began);
            assertTrue(elapsedMillis >= 900, "the first renewal at once, three more a third of a second apart: "
                    + elapsedMillis + " ms");
            assertFalse(keepAlive.stopped());
        }
        long sent = server.count(Opcode.LEASE_KEEPALIVE);
        assertTrue(sent >= 4, "sent " + sent);
    }

    @Test
    void theListenerHearsOnceWhenTheLeaseIsGone() throws Exception {
        FakeServer server = server();
        LeaseClient leases = client(server.endpoint()).leases();
        long id = leases.grant(1).id();
        Heard heard = new Heard();
        LeaseKeepAlive keepAlive = leases.keepAlive(id, heard);
        resources.add(keepAlive);
        assertEquals("renewed 1", heard.next());
        server.store.expire(id);
        String event;
        do {
            event = heard.next();
        } while (event.startsWith("renewed"));
        assertEquals("gone LeaseNotFoundException", event);
        assertTrue(keepAlive.stopped());
        assertTrue(heard.events.isEmpty());
    }

    @Test
    void renewalsFailOverToAnotherEndpointWhenANodeGoesAway() throws Exception {
        FakeServer first = server();
        FakeServer second = server();
        long id = 0x1234;
        for (FakeServer server : List.of(first, second)) { // the same lease on both, as a cluster would hold it
            server.store.answer(new LeaseRequests.Grant(1, id, 1));
        }
        LeaseClient leases = client(first.endpoint(), second.endpoint()).leases();
        AtomicInteger servedByFirst = new AtomicInteger();
        first.handler(exchange -> {
            if (exchange.opcode() == Opcode.LEASE_KEEPALIVE && servedByFirst.incrementAndGet() > 2) {
                exchange.closeConnection();
            } else {
                exchange.replyFromStore();
            }
        });
        Heard heard = new Heard();
        resources.add(leases.keepAlive(id, heard));
        for (int i = 0; i < 6; i++) {
            assertEquals("renewed 1", heard.next(), "renewal " + i);
        }
        assertTrue(second.count(Opcode.LEASE_KEEPALIVE) >= 3, "the second node took over");
    }

    @Test
    void aLeaseNotRenewedWithinItsTtlIsGivenUpAsExpired() throws Exception {
        FakeServer server = server();
        long id = 0x99;
        server.store.answer(new LeaseRequests.Grant(1, id, 1));
        AtomicInteger keepAlives = new AtomicInteger();
        server.handler(exchange -> {
            if (exchange.opcode() != Opcode.LEASE_KEEPALIVE || keepAlives.incrementAndGet() == 1) {
                exchange.replyFromStore();
            } // later keep-alives are never answered: a node that went silent
        });
        Heard heard = new Heard();
        long began = System.nanoTime();
        resources.add(client(server.endpoint()).leases().keepAlive(id, heard));
        assertEquals("renewed 1", heard.next());
        assertEquals("gone UnavailableException", heard.next());
        long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began);
        assertTrue(elapsedMillis >= 1000, "not before its TTL ran out: " + elapsedMillis + " ms");
        assertTrue(heard.goneFor.getMessage().contains("may have expired"), heard.goneFor.getMessage());
    }

    @Test
    void keepAliveTimeToLiveAndListAreSentAgainAfterALostConnectionButGrantsAreNot() {
        FakeServer server = server();
        AtomicInteger dropped = new AtomicInteger();
        server.handler(exchange -> {
            if (dropped.getAndIncrement() % 2 == 0) {
                exchange.closeConnection();
            } else {
                exchange.replyFromStore();
            }
        });
        LeaseClient leases = client(server.endpoint()).leases();
        assertEquals(List.of(), leases.list(), "a read: sent again");
        CompletableFuture<LeaseGrant> grant = leases.grantAsync(5);
        ClientTests.failure(OutcomeUnknownException.class, grant);
        assertEquals(1, server.count(Opcode.LEASE_GRANT), "a write is not sent again once it may have been applied");
    }
}
