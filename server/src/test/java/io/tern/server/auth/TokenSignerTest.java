package io.tern.server.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tern.engine.auth.AuthChange;
import io.tern.engine.auth.AuthState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TokenSignerTest {

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(now.get());
        }
    };

    private static AuthState enabled(byte key) {
        return AuthState.EMPTY.apply(new AuthChange.UserAdd("root", "h"), 1)
                .apply(new AuthChange.UserGrantRole("root", "root"), 2)
                .apply(new AuthChange.UserAdd("alice", "h"), 3)
                .apply(new AuthChange.Enable(new byte[] {key, 2, 3, 4}), 4);
    }

    @Test
    void aTokenNamesItsUserUntilItExpires() {
        TokenSigner signer = new TokenSigner(Duration.ofSeconds(300), clock);
        AuthState state = enabled((byte) 1);
        String token = signer.issue(state, state.user("alice"));
        assertEquals("alice", signer.verify(state, token));
        now.addAndGet(299_999);
        assertEquals("alice", signer.verify(state, token));
        now.addAndGet(1);
        assertNull(signer.verify(state, token), "expired");
    }

    @Test
    void aTokenIsRefusedWhenForgedOrItsUserOrSecretChanged() {
        TokenSigner signer = new TokenSigner(Duration.ofSeconds(300), clock);
        AuthState state = enabled((byte) 1);
        String token = signer.issue(state, state.user("alice"));
        String rootToken = signer.issue(state, state.user("root"));
        String forged = rootToken.substring(0, rootToken.lastIndexOf('.'))
                + token.substring(token.lastIndexOf('.'));
        assertNull(signer.verify(state, forged), "another token's signature");
        assertNull(signer.verify(state, token + "x"));
        assertNull(signer.verify(state, "garbage"));
        assertNull(signer.verify(enabled((byte) 9), token), "re-enabled with a new secret");
        assertNull(signer.verify(state.apply(new AuthChange.UserChangePassword("alice", "h2"), 5), token));
        assertNull(signer.verify(state.apply(new AuthChange.UserDelete("alice"), 5), token));
        assertNull(signer.verify(state.apply(new AuthChange.Disable(), 5), token));
        assertTrue(signer.verify(state.apply(new AuthChange.RoleAdd("r"), 5), token) != null,
                "other changes leave tokens alone");
    }
}
