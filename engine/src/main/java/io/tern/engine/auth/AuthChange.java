package io.tern.engine.auth;

import io.tern.kv.KeyRange;
import io.tern.kv.Permission;
import java.util.Objects;

/**
 * One change to the replicated {@link AuthState}: the payload of {@code Command.Auth}. Passwords are
 * never in it, only their slow salted hashes, made by the member that took the request.
 */
public sealed interface AuthChange {

    /**
     * Turns authentication on. {@code tokenKey} is the secret every member signs and checks tokens with,
     * drawn by the proposer so that all members hold the same; a new one each time, so that turning
     * authentication off and on again ends every token.
     */
    record Enable(byte[] tokenKey) implements AuthChange {
        public Enable {
            Objects.requireNonNull(tokenKey, "tokenKey");
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Enable e && java.util.Arrays.equals(tokenKey, e.tokenKey);
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(tokenKey);
        }

        @Override
        public String toString() {
            return "Enable[tokenKey=<hidden>]";
        }
    }

    record Disable() implements AuthChange {
    }

    /** @param passwordHash the hash of the password, or {@code null} for a user without one (certificate only) */
    record UserAdd(String name, String passwordHash) implements AuthChange {
        public UserAdd {
            Objects.requireNonNull(name, "name");
        }

        @Override
        public String toString() {
            return "UserAdd[name=" + name + "]";
        }
    }

    record UserDelete(String name) implements AuthChange {
        public UserDelete {
            Objects.requireNonNull(name, "name");
        }
    }

    record UserChangePassword(String name, String passwordHash) implements AuthChange {
        public UserChangePassword {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(passwordHash, "passwordHash");
        }

        @Override
        public String toString() {
            return "UserChangePassword[name=" + name + "]";
        }
    }

    record UserGrantRole(String user, String role) implements AuthChange {
        public UserGrantRole {
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(role, "role");
        }
    }

    record UserRevokeRole(String user, String role) implements AuthChange {
        public UserRevokeRole {
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(role, "role");
        }
    }

    record RoleAdd(String name) implements AuthChange {
        public RoleAdd {
            Objects.requireNonNull(name, "name");
        }
    }

    record RoleDelete(String name) implements AuthChange {
        public RoleDelete {
            Objects.requireNonNull(name, "name");
        }
    }

    record RoleGrantPermission(String role, Permission permission) implements AuthChange {
        public RoleGrantPermission {
            Objects.requireNonNull(role, "role");
            Objects.requireNonNull(permission, "permission");
        }
    }

    record RoleRevokePermission(String role, KeyRange range) implements AuthChange {
        public RoleRevokePermission {
            Objects.requireNonNull(role, "role");
            Objects.requireNonNull(range, "range");
        }
    }
}
