package io.tern.server.auth;

import java.time.Duration;
import java.util.Objects;

/**
 * The server's authentication options.
 *
 * @param tokenTtl   how long a token from AUTHENTICATE lives ({@code --auth-token-ttl}, seconds; etcd's 300 by default)
 * @param bcryptCost the cost of users' password hashes ({@code --auth-bcrypt-cost}; 10 by default, tests use 4)
 */
public record AuthSettings(Duration tokenTtl, int bcryptCost) {

    public static final Duration DEFAULT_TOKEN_TTL = Duration.ofSeconds(300);
    public static final AuthSettings DEFAULTS = new AuthSettings(DEFAULT_TOKEN_TTL, PasswordHasher.DEFAULT_COST);

    public AuthSettings {
        Objects.requireNonNull(tokenTtl, "tokenTtl");
        if (tokenTtl.isNegative() || tokenTtl.isZero()) {
            throw new IllegalArgumentException("--auth-token-ttl must be positive, was " + tokenTtl.toSeconds());
        }
        if (bcryptCost < PasswordHasher.MIN_COST || bcryptCost > 31) {
            throw new IllegalArgumentException("--auth-bcrypt-cost must be in " + PasswordHasher.MIN_COST
                    + "..31, was " + bcryptCost);
        }
    }
}
