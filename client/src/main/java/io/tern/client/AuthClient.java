package io.tern.client;

import io.tern.client.protocol.AuthRequests;
import io.tern.client.protocol.AuthResponses;
import io.tern.client.protocol.Opcode;
import io.tern.client.protocol.Request;
import io.tern.client.protocol.Response;
import io.tern.kv.KeyRange;
import io.tern.kv.Permission;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongFunction;

/**
 * Users, roles and the switch of authentication, from {@link TernClient#auth()}: etcd's Auth service over
 * the native protocol. While authentication is on, only a client with credentials of a user with the
 * {@code root} role may call these (except {@link #statusAsync()}); others fail with
 * {@link UnauthenticatedException} or {@link PermissionDeniedException}. A refused change (a user that
 * exists, a role that does not...) fails with {@link RequestRefusedException} in etcd's words.
 *
 * <p>Calls behave as {@link TernClient}'s do (one deadline, failover, the same exceptions); changes are
 * writes, not sent again once they may have reached a node, and answer with the revision they made.
 */
public final class AuthClient {

    private final TernClient client;
    private final Results results;

    AuthClient(TernClient client, Results results) {
        this.client = client;
        this.results = results;
    }

    // ---- asynchronous ---------------------------------------------------------------------

    /** Turns authentication on; refused unless user {@code root} exists and has role {@code root}. */
    public CompletableFuture<Long> enableAsync() {
        return change(Opcode.AUTH_ENABLE, AuthRequests.Enable::new);
    }

    /** Turns authentication off: everyone may do everything again. */
    public CompletableFuture<Long> disableAsync() {
        return change(Opcode.AUTH_DISABLE, AuthRequests.Disable::new);
    }

    /** Whether authentication is on, and the revision of the last change to users and roles. */
    public CompletableFuture<AuthStatus> statusAsync() {
        return client.submit(Opcode.AUTH_STATUS, AuthRequests.GetStatus::new, response -> {
            AuthResponses.AuthStatus status = answer(response, AuthResponses.AuthStatus.class);
            return new AuthStatus(status.enabled(), status.authRevision());
        });
    }

    /** Adds user {@code name} with {@code password} (the server keeps only a slow salted hash of it). */
    public CompletableFuture<Long> userAddAsync(String name, String password) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(password, "password");
        return change(Opcode.USER_ADD, id -> new AuthRequests.UserAdd(id, name, password, false));
    }

    /** Adds user {@code name} without a password: it can only be a client certificate's common name. */
    public CompletableFuture<Long> userAddWithoutPasswordAsync(String name) {
        Objects.requireNonNull(name, "name");
        return change(Opcode.USER_ADD, id -> new AuthRequests.UserAdd(id, name, "", true));
    }

    /** Deletes user {@code name}; its tokens stop working. */
    public CompletableFuture<Long> userDeleteAsync(String name) {
        Objects.requireNonNull(name, "name");
        return change(Opcode.USER_DELETE, id -> new AuthRequests.UserDelete(id, name));
    }

    /** The roles of user {@code name}, sorted. */
    public CompletableFuture<List<String>> userGetAsync(String name) {
        Objects.requireNonNull(name, "name");
        return client.submit(Opcode.USER_GET, id -> new AuthRequests.UserGet(id, name),
                response -> answer(response, AuthResponses.UserDetails.class).roles());
    }

    /** Every user's name, sorted. */
    public CompletableFuture<List<String>> userListAsync() {
        return client.submit(Opcode.USER_LIST, AuthRequests.UserList::new,
                response -> answer(response, AuthResponses.Names.class).names());
    }

    /** Sets user {@code name}'s password; its tokens stop working. */
    public CompletableFuture<Long> userChangePasswordAsync(String name, String password) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(password, "password");
        return change(Opcode.USER_CHANGE_PASSWORD, id -> new AuthRequests.UserChangePassword(id, name, password));
    }

    /** Gives user {@code user} role {@code role}. */
    public CompletableFuture<Long> userGrantRoleAsync(String user, String role) {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(role, "role");
        return change(Opcode.USER_GRANT_ROLE, id -> new AuthRequests.UserGrantRole(id, user, role));
    }

    /** Takes role {@code role} from user {@code user}, at once. */
    public CompletableFuture<Long> userRevokeRoleAsync(String user, String role) {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(role, "role");
        return change(Opcode.USER_REVOKE_ROLE, id -> new AuthRequests.UserRevokeRole(id, user, role));
    }

    /** Adds role {@code name}, with no permissions. */
    public CompletableFuture<Long> roleAddAsync(String name) {
        Objects.requireNonNull(name, "name");
        return change(Opcode.ROLE_ADD, id -> new AuthRequests.RoleAdd(id, name));
    }

    /** Deletes role {@code name}, and takes it from every user who had it. */
    public CompletableFuture<Long> roleDeleteAsync(String name) {
        Objects.requireNonNull(name, "name");
        return change(Opcode.ROLE_DELETE, id -> new AuthRequests.RoleDelete(id, name));
    }

    /** The permissions of role {@code name}. */
    public CompletableFuture<List<Permission>> roleGetAsync(String name) {
        Objects.requireNonNull(name, "name");
        return client.submit(Opcode.ROLE_GET, id -> new AuthRequests.RoleGet(id, name),
                response -> answer(response, AuthResponses.RoleDetails.class).permissions());
    }

    /** Every role's name, sorted. */
    public CompletableFuture<List<String>> roleListAsync() {
        return client.submit(Opcode.ROLE_LIST, AuthRequests.RoleList::new,
                response -> answer(response, AuthResponses.Names.class).names());
    }

    /** Gives role {@code role} {@code permission}, replacing its permission on the same range if any. */
    public CompletableFuture<Long> roleGrantPermissionAsync(String role, Permission permission) {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(permission, "permission");
        return change(Opcode.ROLE_GRANT_PERMISSION, id -> new AuthRequests.RoleGrantPermission(id, role, permission));
    }

    /** Takes from role {@code role} its permission on exactly {@code range}, at once. */
    public CompletableFuture<Long> roleRevokePermissionAsync(String role, KeyRange range) {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(range, "range");
        return change(Opcode.ROLE_REVOKE_PERMISSION, id -> new AuthRequests.RoleRevokePermission(id, role, range));
    }

    // ---- blocking -------------------------------------------------------------------------

    /** Blocking {@link #enableAsync}; returns the revision of the change. */
    public long enable() {
        return client.await(enableAsync());
    }

    /** Blocking {@link #disableAsync}; returns the revision of the change. */
    public long disable() {
        return client.await(disableAsync());
    }

    /** Blocking {@link #statusAsync}. */
    public AuthStatus status() {
        return client.await(statusAsync());
    }

    /** Blocking {@link #userAddAsync}; returns the revision of the change. */
    public long userAdd(String name, String password) {
        return client.await(userAddAsync(name, password));
    }

    /** Blocking {@link #userAddWithoutPasswordAsync}; returns the revision of the change. */
    public long userAddWithoutPassword(String name) {
        return client.await(userAddWithoutPasswordAsync(name));
    }

    /** Blocking {@link #userDeleteAsync}; returns the revision of the change. */
    public long userDelete(String name) {
        return client.await(userDeleteAsync(name));
    }

    /** Blocking {@link #userGetAsync}. */
    public List<String> userGet(String name) {
        return client.await(userGetAsync(name));
    }

    /** Blocking {@link #userListAsync}. */
    public List<String> userList() {
        return client.await(userListAsync());
    }

    /** Blocking {@link #userChangePasswordAsync}; returns the revision of the change. */
    public long userChangePassword(String name, String password) {
        return client.await(userChangePasswordAsync(name, password));
    }

    /** Blocking {@link #userGrantRoleAsync}; returns the revision of the change. */
    public long userGrantRole(String user, String role) {
        return client.await(userGrantRoleAsync(user, role));
    }

    /** Blocking {@link #userRevokeRoleAsync}; returns the revision of the change. */
    public long userRevokeRole(String user, String role) {
        return client.await(userRevokeRoleAsync(user, role));
    }

    /** Blocking {@link #roleAddAsync}; returns the revision of the change. */
    public long roleAdd(String name) {
        return client.await(roleAddAsync(name));
    }

    /** Blocking {@link #roleDeleteAsync}; returns the revision of the change. */
    public long roleDelete(String name) {
        return client.await(roleDeleteAsync(name));
    }

    /** Blocking {@link #roleGetAsync}. */
    public List<Permission> roleGet(String name) {
        return client.await(roleGetAsync(name));
    }

    /** Blocking {@link #roleListAsync}. */
    public List<String> roleList() {
        return client.await(roleListAsync());
    }

    /** Blocking {@link #roleGrantPermissionAsync}; returns the revision of the change. */
    public long roleGrantPermission(String role, Permission permission) {
        return client.await(roleGrantPermissionAsync(role, permission));
    }

    /** Blocking {@link #roleRevokePermissionAsync}; returns the revision of the change. */
    public long roleRevokePermission(String role, KeyRange range) {
        return client.await(roleRevokePermissionAsync(role, range));
    }

    // ---- answers --------------------------------------------------------------------------

    private CompletableFuture<Long> change(Opcode opcode, LongFunction<Request> request) {
        return client.submit(opcode, request,
                response -> results.seen(answer(response, AuthResponses.Changed.class).revision()));
    }

    private static <T extends Response> T answer(Response response, Class<T> kind) {
        if (kind.isInstance(response)) {
            return kind.cast(response);
        }
        throw new ServerErrorException("unexpected answer " + response);
    }
}
