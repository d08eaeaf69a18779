package io.tern.client;

import static io.tern.client.ClientTests.b;
import static io.tern.client.ClientTests.clientOf;
import static io.tern.client.ClientTests.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tern.client.protocol.AuthMessages;
import io.tern.client.protocol.AuthRequests;
import io.tern.client.protocol.AuthResponses;
import io.tern.client.protocol.Request;
import io.tern.client.protocol.Response;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code credentials(user, password)}: the client authenticates when first refused, sends every request
 * with its token, and authenticates once more, then goes again, when its token expired.
 */
@Timeout(30)
class ClientAuthTest {

    private final FakeServer server = FakeServer.start();
    /** Tokens the fake member takes; a test removes one to expire it. */
    private final Set<String> valid = ConcurrentHashMap.newKeySet();
    private final AtomicInteger issued = new AtomicInteger();

    @AfterEach
    void stop() {
        server.close();
    }

    /** A member with authentication on: alice/secret may do anything. */
    private void authenticating() {
        server.handler(exchange -> {
            Request request = exchange.request();
            if (request instanceof AuthRequests.Authenticate authenticate) {
                if (authenticate.name().equals("alice") && authenticate.password().equals("secret")) {
                    String token = "token-" + issued.incrementAndGet();
                    valid.add(token);
                    exchange.reply(new AuthResponses.Authenticated(exchange.id(), token, 300));
                } else {
                    exchange.reply(new Response.Unauthenticated(exchange.id(), AuthMessages.AUTH_FAILED));
                }
            } else if (request instanceof Request.WithToken withToken) {
                exchange.reply(valid.contains(withToken.token()) ? server.store.answer(withToken.request())
                        : new Response.Unauthenticated(exchange.id(), AuthMessages.INVALID_TOKEN));
            } else {
                exchange.reply(new Response.Unauthenticated(exchange.id(), AuthMessages.USER_EMPTY));
            }
        });
    }

    private long authenticates() {
        return server.received().stream().filter(r -> r instanceof AuthRequests.Authenticate).count();
    }

    @Test
    void theClientAuthenticatesOnceAndSendsEveryRequestWithItsToken() throws Exception {
        authenticating();
        try (TernClient client = clientOf(server.endpoint()).credentials("alice", "secret").build()) {
            client.put(b("k"), b("v"));
            assertEquals("v", s(client.get(b("k")).value()));
            client.delete(b("k"));
            assertEquals(1, authenticates());
            List<Request> received = server.received();
            assertTrue(received.getLast() instanceof Request.WithToken token && token.token().equals("token-1"),
                    received::toString);
        }
    }

    @Test
    void anExpiredTokenIsRenewedOnceAndTheCallGoesAgain() throws Exception {
        authenticating();
        try (TernClient client = clientOf(server.endpoint()).credentials("alice", "secret").build()) {
            client.put(b("k"), b("v1"));
            valid.remove("token-1");
            client.put(b("k"), b("v2")); // refused UNAUTHENTICATED, so not applied: safe to send again
            assertEquals("v2", s(client.get(b("k")).value()));
            assertEquals(2, authenticates());
        }
    }

    @Test
    void aTokenRefusedEvenWhenFreshFailsTheCallAfterOneRenewal() throws Exception {
        authenticating();
        try (TernClient client = clientOf(server.endpoint()).credentials("alice", "secret").build()) {
            client.put(b("k"), b("v1"));
            server.handler(exchange -> exchange.reply(exchange.request() instanceof AuthRequests.Authenticate
                    ? new AuthResponses.Authenticated(exchange.id(), "token-x", 300)
                    : new Response.Unauthenticated(exchange.id(), AuthMessages.INVALID_TOKEN)));
            UnauthenticatedException e = assertThrows(UnauthenticatedException.class, () -> client.get(b("k")));
            assertTrue(e.getMessage().contains(AuthMessages.INVALID_TOKEN), e.getMessage());
            assertEquals(2, authenticates(), "one renewal, no loop");
        }
    }

    @Test
    void againstAMemberWithAuthenticationOffCallsGoWithoutAToken() throws Exception {
        server.handler(exchange -> exchange.reply(exchange.request() instanceof AuthRequests.Authenticate
                ? new Response.Unauthenticated(exchange.id(), AuthMessages.AUTH_NOT_ENABLED)
                : server.store.answer(exchange.request())));
        try (TernClient client = clientOf(server.endpoint()).credentials("alice", "secret").build()) {
            client.put(b("k"), b("v"));
            assertEquals("v", s(client.get(b("k")).value()));
            assertEquals(1, authenticates(), "asked once, then believed");
            assertTrue(server.received().getLast() instanceof Request.Get);
        }
    }

    @Test
    void aWrongPasswordOrNoCredentialsFailWithUnauthenticated() throws Exception {
        authenticating();
        try (TernClient client = clientOf(server.endpoint()).credentials("alice", "wrong").build()) {
            UnauthenticatedException e = assertThrows(UnauthenticatedException.class, () -> client.put(b("k"), b("v")));
            assertTrue(e.getMessage().contains(AuthMessages.AUTH_FAILED), e.getMessage());
        }
        assertEquals(1, authenticates());
        try (TernClient client = clientOf(server.endpoint()).build()) {
            assertThrows(UnauthenticatedException.class, () -> client.put(b("k"), b("v")));
        }
        assertEquals(1, authenticates(), "a client without credentials never authenticates");
        assertEquals(0, server.store.revision(), "nothing refused was applied");
    }
}
