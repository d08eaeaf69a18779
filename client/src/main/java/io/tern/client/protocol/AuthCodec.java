package io.tern.client.protocol;

import io.netty.buffer.ByteBuf;
import io.tern.kv.KeyRange;
import io.tern.kv.Permission;
import java.util.ArrayList;
import java.util.List;

/**
 * The fields of the authentication requests and their OK answers (opcodes 0x50 to 0x60), after the
 * 9-byte header:
 *
 * <pre>
 * 0x50 AUTHENTICATE           str name, str password              OK: str token, u64 ttlSeconds
 * 0x51 AUTH_ENABLE            (nothing)                           OK: u64 revision
 * 0x52 AUTH_DISABLE           (nothing)                           OK: u64 revision
 * 0x53 AUTH_STATUS            (nothing)                           OK: flag enabled, u64 authRevision
 * 0x54 USER_ADD               str name, str password, flag noPassword   OK: u64 revision
 * 0x55 USER_DELETE            str name                            OK: u64 revision
 * 0x56 USER_GET               str name                            OK: u32 n, n x str role
 * 0x57 USER_LIST              (nothing)                           OK: u32 n, n x str name
 * 0x58 USER_CHANGE_PASSWORD   str name, str password              OK: u64 revision
 * 0x59 USER_GRANT_ROLE        str user, str role                  OK: u64 revision
 * 0x5A USER_REVOKE_ROLE       str user, str role                  OK: u64 revision
 * 0x5B ROLE_ADD               str name                            OK: u64 revision
 * 0x5C ROLE_DELETE            str name                            OK: u64 revision
 * 0x5D ROLE_GET               str name                            OK: u32 n, n x permission
 * 0x5E ROLE_LIST              (nothing)                           OK: u32 n, n x str name
 * 0x5F ROLE_GRANT_PERMISSION  str role, permission                OK: u64 revision
 * 0x60 ROLE_REVOKE_PERMISSION str role, bytes key, bytes rangeEnd OK: u64 revision
 * permission := u8 type (0 READ, 1 WRITE, 2 READWRITE) | bytes key | bytes rangeEnd
 * </pre>
 */
final class AuthCodec {

    /** A listed name's least size (its length prefix), to bound a claimed count before allocating. */
    private static final int MIN_NAME_BYTES = 4;
    /** type + two length prefixes. */
    private static final int MIN_PERMISSION_BYTES = 1 + 4 + 4;

    private AuthCodec() {
    }

    static void encode(Request.Auth request, ByteBuf out) {
        switch (request) {
            case AuthRequests.Authenticate r -> {
                FieldWriter.utf8(out, r.name());
                FieldWriter.utf8(out, r.password());
            }
            case AuthRequests.Enable r -> { }
            case AuthRequests.Disable r -> { }
            case AuthRequests.GetStatus r -> { }
            case AuthRequests.UserAdd r -> {
                FieldWriter.utf8(out, r.name());
                FieldWriter.utf8(out, r.password());
                FieldWriter.flag(out, r.noPassword());
            }
            case AuthRequests.UserDelete r -> FieldWriter.utf8(out, r.name());
            case AuthRequests.UserGet r -> FieldWriter.utf8(out, r.name());
            case AuthRequests.UserList r -> { }
            case AuthRequests.UserChangePassword r -> {
                FieldWriter.utf8(out, r.name());
                FieldWriter.utf8(out, r.password());
            }
            case AuthRequests.UserGrantRole r -> {
                FieldWriter.utf8(out, r.user());
                FieldWriter.utf8(out, r.role());
            }
            case AuthRequests.UserRevokeRole r -> {
                FieldWriter.utf8(out, r.user());
                FieldWriter.utf8(out, r.role());
            }
            case AuthRequests.RoleAdd r -> FieldWriter.utf8(out, r.name());
            case AuthRequests.RoleDelete r -> FieldWriter.utf8(out, r.name());
            case AuthRequests.RoleGet r -> FieldWriter.utf8(out, r.name());
            case AuthRequests.RoleList r -> { }
            case AuthRequests.RoleGrantPermission r -> {
                FieldWriter.utf8(out, r.role());
                permission(out, r.permission());
            }
            case AuthRequests.RoleRevokePermission r -> {
                FieldWriter.utf8(out, r.role());
                FieldWriter.bytes(out, r.range().key());
                FieldWriter.bytes(out, r.range().rangeEnd());
            }
        }
    }

    /** The fields of an auth request of {@code opcode}; null for an opcode that is not one. */
    static Request.Auth decodeRequest(Opcode opcode, long requestId, FieldReader in) {
        return switch (opcode) {
            case AUTHENTICATE -> new AuthRequests.Authenticate(requestId, in.utf8("name"), in.utf8("password"));
            case AUTH_ENABLE -> new AuthRequests.Enable(requestId);
            case AUTH_DISABLE -> new AuthRequests.Disable(requestId);
            case AUTH_STATUS -> new AuthRequests.GetStatus(requestId);
            case USER_ADD -> new AuthRequests.UserAdd(requestId, in.utf8("name"), in.utf8("password"),
                    in.flag("noPassword"));
            case USER_DELETE -> new AuthRequests.UserDelete(requestId, in.utf8("name"));
            case USER_GET -> new AuthRequests.UserGet(requestId, in.utf8("name"));
            case USER_LIST -> new AuthRequests.UserList(requestId);
            case USER_CHANGE_PASSWORD -> new AuthRequests.UserChangePassword(requestId, in.utf8("name"),
                    in.utf8("password"));
            case USER_GRANT_ROLE -> new AuthRequests.UserGrantRole(requestId, in.utf8("user"), in.utf8("role"));
            case USER_REVOKE_ROLE -> new AuthRequests.UserRevokeRole(requestId, in.utf8("user"), in.utf8("role"));
            case ROLE_ADD -> new AuthRequests.RoleAdd(requestId, in.utf8("name"));
            case ROLE_DELETE -> new AuthRequests.RoleDelete(requestId, in.utf8("name"));
            case ROLE_GET -> new AuthRequests.RoleGet(requestId, in.utf8("name"));
            case ROLE_LIST -> new AuthRequests.RoleList(requestId);
            case ROLE_GRANT_PERMISSION -> new AuthRequests.RoleGrantPermission(requestId, in.utf8("role"),
                    permission(in));
            case ROLE_REVOKE_PERMISSION -> new AuthRequests.RoleRevokePermission(requestId, in.utf8("role"),
                    new KeyRange(in.lengthPrefixedBytes("key"), in.lengthPrefixedBytes("rangeEnd")));
            default -> null;
        };
    }

    static void encode(Response.AuthOk response, ByteBuf out) {
        switch (response) {
            case AuthResponses.Authenticated r -> {
                FieldWriter.utf8(out, r.token());
                out.writeLong(r.ttlSeconds());
            }
            case AuthResponses.Changed r -> out.writeLong(r.revision());
            case AuthResponses.AuthStatus r -> {
                FieldWriter.flag(out, r.enabled());
                out.writeLong(r.authRevision());
            }
            case AuthResponses.UserDetails r -> names(out, r.roles());
            case AuthResponses.Names r -> names(out, r.names());
            case AuthResponses.RoleDetails r -> {
                out.writeInt(r.permissions().size());
                for (Permission permission : r.permissions()) {
                    permission(out, permission);
                }
            }
        }
    }

    /** The OK answer to an auth request of {@code opcode}; null for an opcode that is not one. */
    static Response.AuthOk decodeOk(Opcode opcode, long requestId, FieldReader in) {
        return switch (opcode) {
            case AUTHENTICATE -> new AuthResponses.Authenticated(requestId, in.utf8("token"), in.u64("ttlSeconds"));
            case AUTH_STATUS -> new AuthResponses.AuthStatus(requestId, in.flag("enabled"), in.u64("authRevision"));
            case USER_GET -> new AuthResponses.UserDetails(requestId, names(in));
            case USER_LIST, ROLE_LIST -> new AuthResponses.Names(requestId, names(in));
            case ROLE_GET -> {
                int n = in.count("permission count", MIN_PERMISSION_BYTES);
                List<Permission> permissions = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    permissions.add(permission(in));
                }
                yield new AuthResponses.RoleDetails(requestId, permissions);
            }
            case AUTH_ENABLE, AUTH_DISABLE, USER_ADD, USER_DELETE, USER_CHANGE_PASSWORD, USER_GRANT_ROLE,
                 USER_REVOKE_ROLE, ROLE_ADD, ROLE_DELETE, ROLE_GRANT_PERMISSION, ROLE_REVOKE_PERMISSION ->
                    new AuthResponses.Changed(requestId, in.u64("revision"));
            default -> null;
        };
    }

    private static void permission(ByteBuf out, Permission permission) {
        out.writeByte(permission.type().code());
        FieldWriter.bytes(out, permission.range().key());
        FieldWriter.bytes(out, permission.range().rangeEnd());
    }

    private static Permission permission(FieldReader in) {
        int code = in.u8("permission type");
        Permission.Type type = Permission.Type.fromCode(code);
        if (type == null) {
            throw in.malformed("unknown permission type " + code + " (0 READ, 1 WRITE, 2 READWRITE)");
        }
        return new Permission(type, new KeyRange(in.lengthPrefixedBytes("key"), in.lengthPrefixedBytes("rangeEnd")));
    }

    private static void names(ByteBuf out, List<String> names) {
        out.writeInt(names.size());
        for (String name : names) {
            FieldWriter.utf8(out, name);
        }
    }

    private static List<String> names(FieldReader in) {
        int n = in.count("name count", MIN_NAME_BYTES);
        List<String> names = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            names.add(in.utf8("name"));
        }
        return names;
    }
}
