package io.tern.engine.auth;

import io.tern.kv.KeyRange;
import io.tern.kv.Permission;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;

/**
 * The stored form of an {@link AuthChange} inside a log entry: {@code u8 kind | fields}, strings and
 * byte strings as {@code u32 n | n bytes}. Kinds: 1 enable (bytes tokenKey), 2 disable, 3 user add
 * (str name, u8 hasHash, [str hash]), 4 user delete (str), 5 change password (str name, str hash),
 * 6 grant role (str user, str role), 7 revoke role (str user, str role), 8 role add (str), 9 role
 * delete (str), 10 grant permission (str role, u8 type, bytes key, bytes rangeEnd), 11 revoke
 * permission (str role, bytes key, bytes rangeEnd). Codes never change meaning.
 */
public final class AuthChangeCodec {

    private AuthChangeCodec() {
    }

    public static byte[] encode(AuthChange change) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            switch (change) {
                case AuthChange.Enable c -> {
                    out.writeByte(1);
                    AuthState.writeBytes(out, c.tokenKey());
                }
                case AuthChange.Disable c -> out.writeByte(2);
                case AuthChange.UserAdd c -> {
                    out.writeByte(3);
                    AuthState.writeString(out, c.name());
                    out.writeBoolean(c.passwordHash() != null);
                    if (c.passwordHash() != null) {
                        AuthState.writeString(out, c.passwordHash());
                    }
                }
                case AuthChange.UserDelete c -> {
                    out.writeByte(4);
                    AuthState.writeString(out, c.name());
                }
                case AuthChange.UserChangePassword c -> {
                    out.writeByte(5);
                    AuthState.writeString(out, c.name());
                    AuthState.writeString(out, c.passwordHash());
                }
                case AuthChange.UserGrantRole c -> {
                    out.writeByte(6);
                    AuthState.writeString(out, c.user());
                    AuthState.writeString(out, c.role());
                }
                case AuthChange.UserRevokeRole c -> {
                    out.writeByte(7);
                    AuthState.writeString(out, c.user());
                    AuthState.writeString(out, c.role());
                }
                case AuthChange.RoleAdd c -> {
                    out.writeByte(8);
                    AuthState.writeString(out, c.name());
                }
                case AuthChange.RoleDelete c -> {
                    out.writeByte(9);
                    AuthState.writeString(out, c.name());
                }
                case AuthChange.RoleGrantPermission c -> {
                    out.writeByte(10);
                    AuthState.writeString(out, c.role());
                    out.writeByte(c.permission().type().code());
                    AuthState.writeBytes(out, c.permission().range().key());
                    AuthState.writeBytes(out, c.permission().range().rangeEnd());
                }
                case AuthChange.RoleRevokePermission c -> {
                    out.writeByte(11);
                    AuthState.writeString(out, c.role());
                    AuthState.writeBytes(out, c.range().key());
                    AuthState.writeBytes(out, c.range().rangeEnd());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** @throws IllegalArgumentException if the bytes are not one whole change of a known kind */
    public static AuthChange decode(byte[] encoded) {
        ByteBuffer in = ByteBuffer.wrap(encoded);
        try {
            int kind = in.get();
            AuthChange change = switch (kind) {
                case 1 -> new AuthChange.Enable(AuthState.readBytes(in));
                case 2 -> new AuthChange.Disable();
                case 3 -> new AuthChange.UserAdd(AuthState.readString(in),
                        in.get() != 0 ? AuthState.readString(in) : null);
                case 4 -> new AuthChange.UserDelete(AuthState.readString(in));
                case 5 -> new AuthChange.UserChangePassword(AuthState.readString(in), AuthState.readString(in));
                case 6 -> new AuthChange.UserGrantRole(AuthState.readString(in), AuthState.readString(in));
                case 7 -> new AuthChange.UserRevokeRole(AuthState.readString(in), AuthState.readString(in));
                case 8 -> new AuthChange.RoleAdd(AuthState.readString(in));
                case 9 -> new AuthChange.RoleDelete(AuthState.readString(in));
                case 10 -> {
                    String role = AuthState.readString(in);
                    Permission.Type type = Permission.Type.fromCode(in.get());
                    if (type == null) {
                        throw new IllegalArgumentException("auth change: unknown permission type");
                    }
                    yield new AuthChange.RoleGrantPermission(role,
                            new Permission(type, new KeyRange(AuthState.readBytes(in), AuthState.readBytes(in))));
                }
                case 11 -> new AuthChange.RoleRevokePermission(AuthState.readString(in),
                        new KeyRange(AuthState.readBytes(in), AuthState.readBytes(in)));
                default -> throw new IllegalArgumentException("auth change of unknown kind " + kind);
            };
            if (in.hasRemaining()) {
                throw new IllegalArgumentException("auth change: " + in.remaining() + " bytes after its end");
            }
            return change;
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("auth change: truncated");
        }
    }
}
