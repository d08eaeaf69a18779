package io.tern.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ClientCredentialsTest {

    private final ClientCredentials credentials = new ClientCredentials("alice", "secret");

    @Test
    void anAuthenticateAnsweredBeforeItsCallbackIsRegisteredStillHandsOverTheToken() {
        // The answer can come on another I/O thread between sending AUTHENTICATE and registering on it.
        credentials.authenticateWith(() -> CompletableFuture.completedFuture("token-1"));
        assertEquals("token-1", credentials.renew(null).join());
        assertEquals("token-1", credentials.token());
    }

    @Test
    void aRenewalCompletesOnlyOnceTheNewTokenIsInPlace() {
        CompletableFuture<String> answer = new CompletableFuture<>();
        credentials.authenticateWith(() -> answer);
        AtomicReference<String> tokenSeenByTheCall = new AtomicReference<>();
        credentials.renew(null).thenRun(() -> tokenSeenByTheCall.set(credentials.token()));
        answer.complete("token-1");
        assertEquals("token-1", tokenSeenByTheCall.get(), "the call goes again with the new token, not the refused one");
    }

    @Test
    void aTokenRefusedLaterIsRenewedAgain() {
        AtomicInteger calls = new AtomicInteger();
        credentials.authenticateWith(() -> CompletableFuture.completedFuture("token-" + calls.incrementAndGet()));
        assertEquals("token-1", credentials.renew(null).join());
        assertEquals("token-2", credentials.renew("token-1").join());
        assertEquals("token-2", credentials.renew("token-1").join(), "someone renewed it meanwhile");
        assertEquals(2, calls.get(), "two AUTHENTICATEs");
    }
}
