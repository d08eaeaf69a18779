package io.tern.client.protocol;

import io.tern.kv.KeyRange;
import io.tern.kv.Permission;
import java.util.Objects;

/**
 * The authentication and user/role requests (etcd's Auth service), one record per opcode 0x50 to 0x60.
 * Names are UTF-8 strings; a password travels only in AUTHENTICATE, USER_ADD and USER_CHANGE_PASSWORD,
 * and no {@code toString} shows it.
 */
public final class AuthRequests {

    private static final String HIDDEN = "<hidden>";

    private AuthRequests() {
    }

    /** User and password for a token; the connection acts as {@code name} from then on. */
    public record Authenticate(long requestId, String name, String password) implements Request.Auth {
        public Authenticate {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(password, "password");
        }

        @Override
        public Opcode opcode() {
            return Opcode.AUTHENTICATE;
        }

        @Override
        public Authenticate withRequestId(long id) {
            return new Authenticate(id, name, password);
        }

        @Override
        public String toString() {
            return "Authenticate[requestId=" + requestId + ", name=" + name + ", password=" + HIDDEN + "]";
        }
    }

    /** Turns authentication on; refused unless user {@code root} exists and has role {@code root}. */
    public record Enable(long requestId) implements Request.Auth {
        @Override
        public Opcode opcode() {
            return Opcode.AUTH_ENABLE;
        }

        @Override
        public Enable withRequestId(long id) {
            return new Enable(id);
        }
    }

    /** Turns authentication off (root only). */
    public record Disable(long requestId) implements Request.Auth {
        @Override
        public Opcode opcode() {
            return Opcode.AUTH_DISABLE;
        }

        @Override
        public Disable withRequestId(long id) {
            return new Disable(id);
        }
    }

    /** Whether authentication is on, and the auth state's revision. */
    public record GetStatus(long requestId) implements Request.Auth {
        @Override
        public Opcode opcode() {
            return Opcode.AUTH_STATUS;
        }

        @Override
        public GetStatus withRequestId(long id) {
            return new GetStatus(id);
        }
    }

    /**
     * Adds user {@code name}. The server stores only a slow salted hash of {@code password}.
     *
     * @param noPassword the user cannot authenticate with a password (only by certificate), as etcd's
     *                   {@code UserAddOptions.no_password}; {@code password} is then empty
     */
    public record UserAdd(long requestId, String name, String password, boolean noPassword) implements Request.Auth {
        public UserAdd {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(password, "password");
        }

        @Override
        public Opcode opcode() {
            return Opcode.USER_ADD;
        }

        @Override
        public UserAdd withRequestId(long id) {
            return new UserAdd(id, name, password, noPassword);
        }

        @Override
        public String toString() {
            return "UserAdd[requestId=" + requestId + ", name=" + name + ", password=" + HIDDEN + ", noPassword="
                    + noPassword + "]";
        }
    }

    public record UserDelete(long requestId, String name) implements Request.Auth {
        public UserDelete {
            Objects.requireNonNull(name, "name");
        }

        @Override
        public Opcode opcode() {
            return Opcode.USER_DELETE;
        }

        @Override
        public UserDelete withRequestId(long id) {
            return new UserDelete(id, name);
        }
    }

    /** The roles of user {@code name}. */
    public record UserGet(long requestId, String name) implements Request.Auth {
        public UserGet {
            Objects.requireNonNull(name, "name");
        }

        @Override
        public Opcode opcode() {
            return Opcode.USER_GET;
        }

        @Override
        public UserGet withRequestId(long id) {
            return new UserGet(id, name);
        }
    }

    public record UserList(long requestId) implements Request.Auth {
        @Override
        public Opcode opcode() {
            return Opcode.USER_LIST;
        }

        @Override
        public UserList withRequestId(long id) {
            return new UserList(id);
        }
    }

    /** Sets user {@code name}'s password; the user's tokens stop working. */
    public record UserChangePassword(long requestId, String name, String password) implements Request.Auth {
        public UserChangePassword {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(password, "password");
        }

        @Override
        public Opcode opcode() {
            return Opcode.USER_CHANGE_PASSWORD;
        }

        @Override
        public UserChangePassword withRequestId(long id) {
            return new UserChangePassword(id, name, password);
        }

        @Override
        public String toString() {
            return "UserChangePassword[requestId=" + requestId + ", name=" + name + ", password=" + HIDDEN + "]";
        }
    }

    public record UserGrantRole(long requestId, String user, String role) implements Request.Auth {
        public UserGrantRole {
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(role, "role");
        }

        @Override
        public Opcode opcode() {
            return Opcode.USER_GRANT_ROLE;
        }

        @Override
        public UserGrantRole withRequestId(long id) {
            return new UserGrantRole(id, user, role);
        }
    }

    public record UserRevokeRole(long requestId, String user, String role) implements Request.Auth {
        public UserRevokeRole {
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(role, "role");
        }

        @Override
        public Opcode opcode() {
            return Opcode.USER_REVOKE_ROLE;
        }

        @Override
        public UserRevokeRole withRequestId(long id) {
            return new UserRevokeRole(id, user, role);
        }
    }

    public record RoleAdd(long requestId, String name) implements Request.Auth {
        public RoleAdd {
            Objects.requireNonNull(name, "name");
        }

        @Override
        public Opcode opcode() {
            return Opcode.ROLE_ADD;
        }

        @Override
        public RoleAdd withRequestId(long id) {
            return new RoleAdd(id, name);
        }
    }

    public record RoleDelete(long requestId, String name) implements Request.Auth {
        public RoleDelete {
            Objects.requireNonNull(name, "name");
        }

        @Override
        public Opcode opcode() {
            return Opcode.ROLE_DELETE;
        }

        @Override
        public RoleDelete withRequestId(long id) {
            return new RoleDelete(id, name);
        }
    }

    /** The permissions of role {@code name}. */
    public record RoleGet(long requestId, String name) implements Request.Auth {
        public RoleGet {
            Objects.requireNonNull(name, "name");
        }

        @Override
        public Opcode opcode() {
            return Opcode.ROLE_GET;
        }

        @Override
        public RoleGet withRequestId(long id) {
            return new RoleGet(id, name);
        }
    }

    public record RoleList(long requestId) implements Request.Auth {
        @Override
        public Opcode opcode() {
            return Opcode.ROLE_LIST;
        }

        @Override
        public RoleList withRequestId(long id) {
            return new RoleList(id);
        }
    }

    /** Gives role {@code role} {@code permission} (replacing one of the same range, as etcd does). */
    public record RoleGrantPermission(long requestId, String role, Permission permission) implements Request.Auth {
        public RoleGrantPermission {
            Objects.requireNonNull(role, "role");
            Objects.requireNonNull(permission, "permission");
        }

        @Override
        public Opcode opcode() {
            return Opcode.ROLE_GRANT_PERMISSION;
        }

        @Override
        public RoleGrantPermission withRequestId(long id) {
            return new RoleGrantPermission(id, role, permission);
        }
    }

    /** Takes from role {@code role} its permission on exactly {@code range}. */
    public record RoleRevokePermission(long requestId, String role, KeyRange range) implements Request.Auth {
        public RoleRevokePermission {
            Objects.requireNonNull(role, "role");
            Objects.requireNonNull(range, "range");
        }

        @Override
        public Opcode opcode() {
            return Opcode.ROLE_REVOKE_PERMISSION;
        }

        @Override
        public RoleRevokePermission withRequestId(long id) {
            return new RoleRevokePermission(id, role, range);
        }
    }
}
