package io.tern.server.auth;

import io.tern.engine.auth.AuthState;
import io.tern.engine.auth.AuthUser;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Tokens that any member can check without asking the one that issued them: the user's name, the
 * revision of the user's password, and an expiry time, signed with HMAC-SHA256 under the secret of the
 * replicated auth state. So a follower can forward a client's request with its token and the leader
 * checks it; a new password, a deleted user or authentication turned off and on again ends a token at
 * once, everywhere; and members agree on expiry as far as their clocks agree.
 *
 * <pre>token := "t1." base64url(user) "." passwordRevision "." expiresAtMillis "." base64url(hmac of all before)</pre>
 */
public final class TokenSigner {

    private static final String VERSION = "t1";
    private static final String HMAC = "HmacSHA256";

    private final Duration ttl;
    private final Clock clock;

    public TokenSigner(Duration ttl, Clock clock) {
        this.ttl = ttl;
        this.clock = clock;
    }

    /** How long an issued token lives. */
    public Duration ttl() {
        return ttl;
    }

    /** A token for {@code user}, who must exist in {@code state}, which must have authentication on. */
    public String issue(AuthState state, AuthUser user) {
        long expires = clock.millis() + ttl.toMillis();
        String body = VERSION + "." + encode(user.name()) + "." + user.passwordRevision() + "." + expires;
        return body + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(sign(state, body));
    }

    /**
     * The user {@code token} stands for under {@code state}, or {@code null} if it is malformed, was not
     * signed under this state's secret, has expired, or names a user who is gone or has a new password.
     */
    public String verify(AuthState state, String token) {
        if (!state.enabled() || state.tokenKey().length == 0) {
            return null;
        }
        int signatureAt = token.lastIndexOf('.');
        if (signatureAt < 0) {
            return null;
        }
        String body = token.substring(0, signatureAt);
        byte[] signature;
        try {
            signature = Base64.getUrlDecoder().decode(token.substring(signatureAt + 1));
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (!MessageDigest.isEqual(signature, sign(state, body))) {
            return null;
        }
        String[] parts = body.split("\\.", -1);
        if (parts.length != 4 || !parts[0].equals(VERSION)) {
            return null;
        }
        try {
            String name = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
            long passwordRevision = Long.parseLong(parts[2]);
            long expires = Long.parseLong(parts[3]);
            AuthUser user = state.user(name);
            if (clock.millis() >= expires || user == null || user.passwordRevision() != passwordRevision) {
                return null;
            }
            return name;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String encode(String name) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(name.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] sign(AuthState state, String body) {
        byte[] key = state.tokenKey();
        if (key.length == 0) {
            return new byte[0];
        }
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(new SecretKeySpec(key, HMAC));
            return mac.doFinal(body.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
        }
    }
}
