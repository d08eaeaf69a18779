package io.tern.server.auth;

import java.nio.charset.StandardCharsets;
import org.springframework.security.crypto.bcrypt.BCrypt;

/**
 * Users' passwords as BCrypt hashes (slow and salted): only the hash is proposed, replicated and
 * stored. Slow on purpose, so callers run it off the network threads.
 */
public final class PasswordHasher {

    /** The production cost (2^cost rounds); etcd's bcrypt cost is 10 too. */
    public static final int DEFAULT_COST = 10;
    /** BCrypt's least cost; for tests, where a hash must take a millisecond, not 100. */
    public static final int MIN_COST = 4;
    /** BCrypt reads no more of a password than this; a longer one is refused rather than cut silently. */
    public static final int MAX_PASSWORD_BYTES = 72;

    private final int cost;

    public PasswordHasher(int cost) {
        if (cost < MIN_COST || cost > 31) {
            throw new IllegalArgumentException("the bcrypt cost must be in " + MIN_COST + "..31: " + cost);
        }
        this.cost = cost;
    }

    /** @throws IllegalArgumentException if the password is longer than {@link #MAX_PASSWORD_BYTES} */
    public String hash(String password) {
        if (password.getBytes(StandardCharsets.UTF_8).length > MAX_PASSWORD_BYTES) {
            throw new IllegalArgumentException("a password may be at most " + MAX_PASSWORD_BYTES + " bytes");
        }
        return BCrypt.hashpw(password, BCrypt.gensalt(cost));
    }

    /** Whether {@code password} is the one {@code hash} was made from; false for a malformed hash. */
    public boolean matches(String password, String hash) {
        if (password.getBytes(StandardCharsets.UTF_8).length > MAX_PASSWORD_BYTES) {
            return false;
        }
        try {
            return BCrypt.checkpw(password, hash);
        } catch (IllegalArgumentException malformed) {
            return false;
        }
    }
}
