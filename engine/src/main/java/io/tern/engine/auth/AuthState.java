package io.tern.engine.auth;

import io.tern.kv.KeyRange;
import io.tern.kv.Permission;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The replicated auth state, as etcd 3.5 has it: whether authentication is on, the users (with password
 * hashes, never passwords) and their roles, the roles and their permissions, and the secret tokens are
 * signed with. Immutable: {@link #apply} makes the next one, the same on every member, since it is a
 * function of the state and the log entry alone.
 *
 * <p>The {@code root} role allows everything, and need not be added to be granted; authentication can
 * be enabled only when user {@code root} exists and has it, and while it is on, that user and role
 * cannot be taken away.
 */
public final class AuthState {

    public static final String ROOT = "root";
    /** Why a command made by nobody is refused (etcd's words). */
    static final String USER_EMPTY = "etcdserver: user name is empty";
    public static final AuthState EMPTY = new AuthState(false, new byte[0], 0, Map.of(), Map.of());

    private static final byte FORMAT = 1;

    private final boolean enabled;
    private final byte[] tokenKey;
    private final long revision;
    private final Map<String, AuthUser> users;
    private final Map<String, AuthRole> roles;

    private AuthState(boolean enabled, byte[] tokenKey, long revision, Map<String, AuthUser> users,
                      Map<String, AuthRole> roles) {
        this.enabled = enabled;
        this.tokenKey = tokenKey;
        this.revision = revision;
        this.users = Collections.unmodifiableMap(new TreeMap<>(users));
        this.roles = Collections.unmodifiableMap(new TreeMap<>(roles));
    }

    public boolean enabled() {
        return enabled;
    }

    /** The secret tokens are signed with while enabled; empty while disabled. Not to be shown. */
    public byte[] tokenKey() {
        return tokenKey.clone();
    }

    /** The revision of the last change; 0 if there was none. */
    public long revision() {
        return revision;
    }

    public AuthUser user(String name) {
        return users.get(name);
    }

    public AuthRole role(String name) {
        return roles.get(name);
    }

    /** Sorted. */
    public List<String> userNames() {
        return List.copyOf(users.keySet());
    }

    /** Sorted. */
    public List<String> roleNames() {
        return List.copyOf(roles.keySet());
    }

    /** Whether {@code user} exists and has the root role. */
    public boolean isRoot(String user) {
        AuthUser found = users.get(user);
        return found != null && found.roles().contains(ROOT);
    }

    /**
     * Why {@code user} may not make a request that needs {@code access}, or {@code null} if it may. The
     * reason names the first missing permission ("user alice lacks WRITE on key 'foo'").
     */
    public String refusal(String user, RequiredAccess access) {
        if (user.isEmpty()) {
            return USER_EMPTY; // a command taken while authentication was off
        }
        AuthUser found = users.get(user);
        if (found == null) {
            return "user " + user + " does not exist";
        }
        if (found.roles().contains(ROOT)) {
            return null;
        }
        if (access.root()) {
            return "user " + user + " lacks the root role this request needs";
        }
        for (Permission need : access.needs()) {
            if (!allows(found, need)) {
                return "user " + user + " lacks " + need.type() + " on " + Permission.describe(need.range());
            }
        }
        return null;
    }

    // One permission must cover the whole range, as etcd's range permission cache judges (it merges
    // overlapping ranges of a user; a range spanning two adjacent permissions is refused here).
    private boolean allows(AuthUser user, Permission need) {
        for (String roleName : user.roles()) {
            AuthRole role = roles.get(roleName);
            if (role == null) {
                continue;
            }
            for (Permission permission : role.permissions()) {
                if (permission.allows(need.type(), need.range())) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * The state after {@code change}, made by the log entry at {@code atRevision}.
     *
     * @throws AuthRefusedException with etcd's words, when the state does not allow the change
     */
    public AuthState apply(AuthChange change, long atRevision) {
        TreeMap<String, AuthUser> nextUsers = new TreeMap<>(users);
        TreeMap<String, AuthRole> nextRoles = new TreeMap<>(roles);
        boolean nextEnabled = enabled;
        byte[] nextKey = tokenKey;
        switch (change) {
            case AuthChange.Enable enable -> {
                AuthUser root = users.get(ROOT);
                if (root == null) {
                    throw new AuthRefusedException("etcdserver: root user does not exist");
                }
                if (!root.roles().contains(ROOT)) {
                    throw new AuthRefusedException("etcdserver: root user does not have root role");
                }
                nextEnabled = true;
                nextKey = enable.tokenKey().clone();
            }
            case AuthChange.Disable disable -> {
                nextEnabled = false;
                nextKey = new byte[0];
            }
            case AuthChange.UserAdd add -> {
                requireName(add.name(), USER_EMPTY);
                if (users.containsKey(add.name())) {
                    throw new AuthRefusedException("etcdserver: user name already exists");
                }
                nextUsers.put(add.name(), new AuthUser(add.name(), add.passwordHash(), atRevision, List.of()));
            }
            case AuthChange.UserDelete delete -> {
                existingUser(delete.name());
                if (enabled && delete.name().equals(ROOT)) {
                    throw new AuthRefusedException("etcdserver: invalid auth management");
                }
                nextUsers.remove(delete.name());
            }
            case AuthChange.UserChangePassword change1 -> {
                AuthUser user = existingUser(change1.name());
                nextUsers.put(user.name(), new AuthUser(user.name(), change1.passwordHash(), atRevision, user.roles()));
            }
            case AuthChange.UserGrantRole grant -> {
                AuthUser user = existingUser(grant.user());
                if (!grant.role().equals(ROOT) && !roles.containsKey(grant.role())) {
                    throw new AuthRefusedException("etcdserver: role name not found");
                }
                TreeSet<String> granted = new TreeSet<>(user.roles());
                granted.add(grant.role());
                nextUsers.put(user.name(), new AuthUser(user.name(), user.passwordHash(), user.passwordRevision(),
                        List.copyOf(granted)));
            }
            case AuthChange.UserRevokeRole revoke -> {
                AuthUser user = existingUser(revoke.user());
                if (enabled && revoke.user().equals(ROOT) && revoke.role().equals(ROOT)) {
                    throw new AuthRefusedException("etcdserver: invalid auth management");
                }
                if (!user.roles().contains(revoke.role())) {
                    throw new AuthRefusedException("etcdserver: role is not granted to the user");
                }
                List<String> left = new ArrayList<>(user.roles());
                left.remove(revoke.role());
                nextUsers.put(user.name(), new AuthUser(user.name(), user.passwordHash(), user.passwordRevision(), left));
            }
            case AuthChange.RoleAdd add -> {
                requireName(add.name(), "etcdserver: role name is empty");
                if (roles.containsKey(add.name())) {
                    throw new AuthRefusedException("etcdserver: role name already exists");
                }
                nextRoles.put(add.name(), new AuthRole(add.name(), List.of()));
            }
            case AuthChange.RoleDelete delete -> {
                if (enabled && delete.name().equals(ROOT)) {
                    throw new AuthRefusedException("etcdserver: invalid auth management");
                }
                existingRole(delete.name());
                nextRoles.remove(delete.name());
                // As etcd: the role leaves every user that had it.
                for (AuthUser user : users.values()) {
                    if (user.roles().contains(delete.name())) {
                        List<String> left = new ArrayList<>(user.roles());
                        left.remove(delete.name());
                        nextUsers.put(user.name(), new AuthUser(user.name(), user.passwordHash(),
                                user.passwordRevision(), left));
                    }
                }
            }
            case AuthChange.RoleGrantPermission grant -> {
                AuthRole role = existingRole(grant.role());
                List<Permission> next = new ArrayList<>();
                for (Permission held : role.permissions()) {
                    if (!held.range().equals(grant.permission().range())) {
                        next.add(held);
                    }
                }
                next.add(grant.permission());
                next.sort(AuthState::byRange);
                nextRoles.put(role.name(), new AuthRole(role.name(), next));
            }
            case AuthChange.RoleRevokePermission revoke -> {
                AuthRole role = existingRole(revoke.role());
                List<Permission> next = new ArrayList<>(role.permissions());
                if (!next.removeIf(held -> held.range().equals(revoke.range()))) {
                    throw new AuthRefusedException("etcdserver: permission is not granted to the role");
                }
                nextRoles.put(role.name(), new AuthRole(role.name(), next));
            }
        }
        return new AuthState(nextEnabled, nextKey, atRevision, nextUsers, nextRoles);
    }

    private static int byRange(Permission a, Permission b) {
        int byKey = Arrays.compareUnsigned(a.range().key(), b.range().key());
        return byKey != 0 ? byKey : Arrays.compareUnsigned(a.range().rangeEnd(), b.range().rangeEnd());
    }

    private static void requireName(String name, String refusal) {
        if (name.isEmpty()) {
            throw new AuthRefusedException(refusal);
        }
    }

    private AuthUser existingUser(String name) {
        AuthUser user = users.get(name);
        if (user == null) {
            throw new AuthRefusedException("etcdserver: user name not found");
        }
        return user;
    }

    private AuthRole existingRole(String name) {
        AuthRole role = roles.get(name);
        if (role == null) {
            throw new AuthRefusedException("etcdserver: role name not found");
        }
        return role;
    }

    // ---- the stored form

    /**
     * The stored form: {@code u8 format | u8 enabled | bytes tokenKey | u64 revision | u32 n | n x user
     * | u32 n | n x role}; user := str name | u8 hasHash | [str hash] | u64 passwordRevision | u32 n |
     * n x str role; role := str name | u32 n | n x (u8 type | bytes key | bytes rangeEnd).
     */
    public byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT);
            out.writeBoolean(enabled);
            writeBytes(out, tokenKey);
            out.writeLong(revision);
            out.writeInt(users.size());
            for (AuthUser user : users.values()) {
                writeString(out, user.name());
                out.writeBoolean(user.passwordHash() != null);
                if (user.passwordHash() != null) {
                    writeString(out, user.passwordHash());
                }
                out.writeLong(user.passwordRevision());
                out.writeInt(user.roles().size());
                for (String role : user.roles()) {
                    writeString(out, role);
                }
            }
            out.writeInt(roles.size());
            for (AuthRole role : roles.values()) {
                writeString(out, role.name());
                out.writeInt(role.permissions().size());
                for (Permission permission : role.permissions()) {
                    out.writeByte(permission.type().code());
                    writeBytes(out, permission.range().key());
                    writeBytes(out, permission.range().rangeEnd());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * Reads {@link #encode()}'s form; {@code null} or empty is {@link #EMPTY} (a state that never had an auth change).
     *
     * @throws IllegalArgumentException if the bytes are not a whole auth state of a known format
     */
    public static AuthState decode(byte[] encoded) {
        if (encoded == null || encoded.length == 0) {
            return EMPTY;
        }
        ByteBuffer in = ByteBuffer.wrap(encoded);
        try {
            byte format = in.get();
            if (format != FORMAT) {
                throw new IllegalArgumentException("auth state of unknown format " + format);
            }
            boolean enabled = in.get() != 0;
            byte[] key = readBytes(in);
            long revision = in.getLong();
            TreeMap<String, AuthUser> users = new TreeMap<>();
            for (int i = count(in); i > 0; i--) {
                String name = readString(in);
                String hash = in.get() != 0 ? readString(in) : null;
                long passwordRevision = in.getLong();
                List<String> userRoles = new ArrayList<>();
                for (int r = count(in); r > 0; r--) {
                    userRoles.add(readString(in));
                }
                users.put(name, new AuthUser(name, hash, passwordRevision, userRoles));
            }
            TreeMap<String, AuthRole> roles = new TreeMap<>();
            for (int i = count(in); i > 0; i--) {
                String name = readString(in);
                List<Permission> permissions = new ArrayList<>();
                for (int p = count(in); p > 0; p--) {
                    Permission.Type type = Permission.Type.fromCode(in.get());
                    if (type == null) {
                        throw new IllegalArgumentException("auth state: unknown permission type");
                    }
                    permissions.add(new Permission(type, new KeyRange(readBytes(in), readBytes(in))));
                }
                roles.put(name, new AuthRole(name, permissions));
            }
            if (in.hasRemaining()) {
                throw new IllegalArgumentException("auth state: " + in.remaining() + " bytes after its end");
            }
            return new AuthState(enabled, key, revision, users, roles);
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("auth state: truncated");
        }
    }

    static void writeBytes(DataOutputStream out, byte[] value) throws IOException {
        out.writeInt(value.length);
        out.write(value);
    }

    static void writeString(DataOutputStream out, String value) throws IOException {
        writeBytes(out, value.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] readBytes(ByteBuffer in) {
        int n = in.getInt();
        if (n < 0 || n > in.remaining()) {
            throw new IllegalArgumentException("auth state: a length of " + n + " overruns the " + in.remaining()
                    + " bytes left");
        }
        byte[] value = new byte[n];
        in.get(value);
        return value;
    }

    static String readString(ByteBuffer in) {
        return new String(readBytes(in), StandardCharsets.UTF_8);
    }

    private static int count(ByteBuffer in) {
        int n = in.getInt();
        if (n < 0 || n > in.remaining()) {
            throw new IllegalArgumentException("auth state: a count of " + n + " overruns the bytes left");
        }
        return n;
    }

    @Override
    public String toString() {
        return "AuthState[enabled=" + enabled + ", revision=" + revision + ", users=" + users.keySet() + ", roles="
                + roles.keySet() + "]";
    }
}
