package io.tern.engine.auth;

import java.util.List;
import java.util.Objects;

/**
 * A user of the auth state.
 *
 * @param passwordHash     the slow salted hash of the password, {@code null} for a user without one
 * @param passwordRevision the revision at which the password was last set: a token names it, so that a
 *                         new password ends the old tokens
 * @param roles            sorted, no repeats
 */
public record AuthUser(String name, String passwordHash, long passwordRevision, List<String> roles) {

    public AuthUser {
        Objects.requireNonNull(name, "name");
        roles = List.copyOf(roles);
    }

    @Override
    public String toString() {
        return "AuthUser[name=" + name + ", passwordRevision=" + passwordRevision + ", roles=" + roles + "]";
    }
}
