package io.tern.server.service;

import io.tern.client.protocol.AuthMessages;
import io.tern.client.protocol.AuthRequests;
import io.tern.client.protocol.AuthResponses;
import io.tern.client.protocol.ReadMode;
import io.tern.client.protocol.Request;
import io.tern.client.protocol.Response;
import io.tern.engine.StorageEngine;
import io.tern.engine.auth.AuthChange;
import io.tern.engine.auth.AuthRole;
import io.tern.engine.auth.AuthState;
import io.tern.engine.auth.AuthUser;
import io.tern.engine.auth.RequiredAccess;
import io.tern.engine.state.Command;
import io.tern.engine.state.CommandResult;
import io.tern.raft.node.RaftNode;
import io.tern.server.auth.PasswordHasher;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The auth requests: AUTHENTICATE, AUTH_STATUS and the user and role requests. Changes are proposed as
 * made by their caller, so the auth state at their position in the log decides (root only, while
 * authentication is on); reads of users and roles are answered after a read barrier, as linearizable
 * reads are. Passwords are hashed and checked on {@code hashing}, never on a network thread, and only
 * their hashes are proposed.
 */
final class AuthOperations {

    private static final int TOKEN_KEY_BYTES = 32;

    private final RaftNode node;
    private final StorageEngine engine;
    private final ReadGate reads;
    private final Authorization authorization;
    private final PasswordHasher hasher;
    private final Executor hashing;
    private final SecureRandom random = new SecureRandom();

    AuthOperations(RaftNode node, StorageEngine engine, ReadGate reads, Authorization authorization,
                   PasswordHasher hasher, Executor hashing) {
        this.node = node;
        this.engine = engine;
        this.reads = reads;
        this.authorization = authorization;
        this.hasher = hasher;
        this.hashing = hashing;
    }

    /** Whether {@code request} changes the auth state. */
    static boolean writes(Request.Auth request) {
        return !(request instanceof AuthRequests.Authenticate || request instanceof AuthRequests.GetStatus
                || request instanceof AuthRequests.UserGet || request instanceof AuthRequests.UserList
                || request instanceof AuthRequests.RoleGet || request instanceof AuthRequests.RoleList);
    }

    /**
     * @param user the caller's user, or "" for a caller without one (refused at apply, and by the reads,
     *             while authentication is on)
     */
    CompletableFuture<Response> serve(Request.Auth request, String user, Executor reader) {
        long id = request.requestId();
        return switch (request) {
            case AuthRequests.Authenticate r -> authenticate(r, reader);
            case AuthRequests.GetStatus r -> afterBarrier(reader, () -> {
                AuthState state = engine.auth();
                return new AuthResponses.AuthStatus(id, state.enabled(), state.revision());
            });
            // As etcd: a user may read its own user and its own roles without root.
            case AuthRequests.UserGet r -> rootRead(id, user, reader, state -> r.name().equals(user), state -> {
                AuthUser found = state.user(r.name());
                return found == null ? new Response.BadRequest(id, AuthMessages.USER_NOT_FOUND)
                        : new AuthResponses.UserDetails(id, found.roles());
            });
            case AuthRequests.UserList r -> rootRead(id, user, reader, state -> false,
                    state -> new AuthResponses.Names(id, state.userNames()));
            case AuthRequests.RoleGet r -> rootRead(id, user, reader,
                    state -> state.user(user) != null && state.user(user).roles().contains(r.name()), state -> {
                if (r.name().equals(AuthState.ROOT) && state.role(AuthState.ROOT) == null) {
                    return new AuthResponses.RoleDetails(id, List.of());
                }
                AuthRole found = state.role(r.name());
                return found == null ? new Response.BadRequest(id, AuthMessages.ROLE_NOT_FOUND)
                        : new AuthResponses.RoleDetails(id, found.permissions());
            });
            case AuthRequests.RoleList r -> rootRead(id, user, reader, state -> false,
                    state -> new AuthResponses.Names(id, state.roleNames()));
            case AuthRequests.Enable r -> {
                byte[] key = new byte[TOKEN_KEY_BYTES];
                random.nextBytes(key);
                yield change(id, user, new AuthChange.Enable(key));
            }
            case AuthRequests.Disable r -> change(id, user, new AuthChange.Disable());
            case AuthRequests.UserAdd r -> {
                if (r.name().isEmpty()) {
                    yield done(new Response.BadRequest(id, AuthMessages.USER_EMPTY));
                }
                if (r.noPassword()) {
                    yield change(id, user, new AuthChange.UserAdd(r.name(), null));
                }
                yield hashed(id, r.password(), hash -> change(id, user, new AuthChange.UserAdd(r.name(), hash)));
            }
            case AuthRequests.UserDelete r -> change(id, user, new AuthChange.UserDelete(r.name()));
            case AuthRequests.UserChangePassword r -> hashed(id, r.password(),
                    hash -> change(id, user, new AuthChange.UserChangePassword(r.name(), hash)));
            case AuthRequests.UserGrantRole r -> change(id, user, new AuthChange.UserGrantRole(r.user(), r.role()));
            case AuthRequests.UserRevokeRole r -> change(id, user, new AuthChange.UserRevokeRole(r.user(), r.role()));
            case AuthRequests.RoleAdd r -> change(id, user, new AuthChange.RoleAdd(r.name()));
            case AuthRequests.RoleDelete r -> change(id, user, new AuthChange.RoleDelete(r.name()));
            case AuthRequests.RoleGrantPermission r -> change(id, user,
                    new AuthChange.RoleGrantPermission(r.role(), r.permission()));
            case AuthRequests.RoleRevokePermission r -> change(id, user,
                    new AuthChange.RoleRevokePermission(r.role(), r.range()));
        };
    }

    /** As etcd: a wrong name and a wrong password get the same answer. */
    private CompletableFuture<Response> authenticate(AuthRequests.Authenticate request, Executor reader) {
        long id = request.requestId();
        return reads.whenReadable(ReadMode.LINEARIZABLE, 0, reader)
                .thenApplyAsync(ignored -> {
                    AuthState state = engine.auth();
                    if (!state.enabled()) {
                        return new Response.Unauthenticated(id, AuthMessages.AUTH_NOT_ENABLED);
                    }
                    AuthUser user = state.user(request.name());
                    if (user == null || user.passwordHash() == null
                            || !hasher.matches(request.password(), user.passwordHash())) {
                        return new Response.Unauthenticated(id, AuthMessages.AUTH_FAILED);
                    }
                    return new AuthResponses.Authenticated(id, authorization.tokens().issue(state, user),
                            authorization.tokens().ttl().toSeconds());
                }, hashing);
    }

    private CompletableFuture<Response> hashed(long id, String password,
                                               Function<String, CompletableFuture<Response>> then) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return hasher.hash(password);
            } catch (IllegalArgumentException e) {
                return null;
            }
        }, hashing).thenCompose(hash -> hash == null
                ? done(new Response.BadRequest(id, "a password may be at most " + PasswordHasher.MAX_PASSWORD_BYTES
                        + " bytes"))
                : then.apply(hash));
    }

    private CompletableFuture<Response> change(long id, String user, AuthChange change) {
        return node.propose(new Command.AsUser(user, new Command.Auth(change)).encode())
                .thenApply(applied -> applied.result() instanceof CommandResult.Refused refused
                        ? Failures.refused(id, refused)
                        : new AuthResponses.Changed(id, applied.revision()));
    }

    /**
     * A read of users or roles, after a read barrier: root only while authentication is on, unless
     * {@code ownRead} says the user reads what is its own.
     */
    private CompletableFuture<Response> rootRead(long id, String user, Executor reader, Predicate<AuthState> ownRead,
                                                 Function<AuthState, Response> answer) {
        return afterBarrier(reader, () -> {
            AuthState state = engine.auth();
            Response refused = state.enabled() && ownRead.test(state) ? null
                    : Authorization.refusal(id, state, user, RequiredAccess.ROOT);
            return refused != null ? refused : answer.apply(state);
        });
    }

    private CompletableFuture<Response> afterBarrier(Executor reader, Supplier<Response> answer) {
        return reads.whenReadable(ReadMode.LINEARIZABLE, 0, reader)
                .thenApply(ignored -> answer.get());
    }

    private static CompletableFuture<Response> done(Response response) {
        return CompletableFuture.completedFuture(response);
    }
}
