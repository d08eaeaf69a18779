package io.tern.client.protocol;

import io.tern.kv.Permission;
import java.util.List;
import java.util.Objects;

/** The OK answers to the requests of {@link AuthRequests}. */
public final class AuthResponses {

    private AuthResponses() {
    }

    /**
     * OK to AUTHENTICATE: a token for the user, valid for {@code ttlSeconds} from now (the server's
     * {@code --auth-token-ttl}) unless the user's password changes, the user is deleted or
     * authentication is turned off first. A token is a secret: {@code toString} hides it.
     */
    public record Authenticated(long requestId, String token, long ttlSeconds) implements Response.AuthOk {
        public Authenticated {
            Objects.requireNonNull(token, "token");
        }

        @Override
        public Authenticated withRequestId(long id) {
            return new Authenticated(id, token, ttlSeconds);
        }

        @Override
        public String toString() {
            return "Authenticated[requestId=" + requestId + ", token=<hidden>, ttlSeconds=" + ttlSeconds + "]";
        }
    }

    /** OK to a request that changed the auth state (enable, disable, user and role changes): its revision. */
    public record Changed(long requestId, long revision) implements Response.AuthOk {
        @Override
        public Changed withRequestId(long id) {
            return new Changed(id, revision);
        }
    }

    /**
     * OK to AUTH_STATUS.
     *
     * @param authRevision the revision of the last change to the auth state (0 if none)
     */
    public record AuthStatus(long requestId, boolean enabled, long authRevision) implements Response.AuthOk {
        @Override
        public AuthStatus withRequestId(long id) {
            return new AuthStatus(id, enabled, authRevision);
        }
    }

    /** OK to USER_GET: the user's roles, sorted. */
    public record UserDetails(long requestId, List<String> roles) implements Response.AuthOk {
        public UserDetails {
            roles = List.copyOf(roles);
        }

        @Override
        public UserDetails withRequestId(long id) {
            return new UserDetails(id, roles);
        }
    }

    /** OK to USER_LIST and ROLE_LIST: the names, sorted. */
    public record Names(long requestId, List<String> names) implements Response.AuthOk {
        public Names {
            names = List.copyOf(names);
        }

        @Override
        public Names withRequestId(long id) {
            return new Names(id, names);
        }
    }

    /** OK to ROLE_GET: the role's permissions, by range. */
    public record RoleDetails(long requestId, List<Permission> permissions) implements Response.AuthOk {
        public RoleDetails {
            permissions = List.copyOf(permissions);
        }

        @Override
        public RoleDetails withRequestId(long id) {
            return new RoleDetails(id, permissions);
        }
    }
}
