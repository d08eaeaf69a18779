package io.tern.server.service;

import io.tern.client.protocol.AuthMessages;
import io.tern.client.protocol.KvRequest;
import io.tern.client.protocol.LeaseResponses;
import io.tern.client.protocol.Request;
import io.tern.client.protocol.Response;
import io.tern.engine.auth.AuthState;
import io.tern.engine.auth.AuthUser;
import io.tern.engine.auth.RequiredAccess;
import io.tern.kv.KeyRange;
import io.tern.kv.Permission;
import io.tern.server.auth.TokenSigner;

/**
 * Who a caller is while authentication is on, and what a request needs of the caller's roles. The
 * decision itself is {@link AuthState#refusal}: here for reads and admin requests, against the member's
 * state once the read may proceed, and at apply for every command a user proposes ({@code Command.AsUser}).
 */
final class Authorization {

    private final TokenSigner tokens;

    Authorization(TokenSigner tokens) {
        this.tokens = tokens;
    }

    TokenSigner tokens() {
        return tokens;
    }

    /** A caller, identified: a user, or the answer that refuses it. */
    sealed interface Identity {
        /**
         * @param forwardToken the token to forward the user's requests to the leader with
         */
        record User(String name, String forwardToken) implements Identity {
        }

        record Refused(String message) implements Identity {
        }
    }

    /** Who {@code caller} is under {@code state} (which has authentication on). */
    Identity identify(Caller caller, AuthState state) {
        return switch (caller) {
            case Caller.Anonymous anonymous -> new Identity.Refused(AuthMessages.USER_EMPTY);
            case Caller.Token token -> {
                String user = tokens.verify(state, token.token());
                yield user == null ? new Identity.Refused(AuthMessages.INVALID_TOKEN)
                        : new Identity.User(user, token.token());
            }
            case Caller.CertificateName name -> {
                AuthUser user = state.user(name.commonName());
                yield user == null ? new Identity.Refused(AuthMessages.AUTH_FAILED)
                        : new Identity.User(user.name(), tokens.issue(state, user));
            }
        };
    }

    /**
     * A token for this member's own requests (its disk alarm) to the leader: it acts as root, who
     * exists while authentication is on; {@code null} while it is off.
     */
    String memberToken(AuthState state) {
        AuthUser root = state.user(AuthState.ROOT);
        return state.enabled() && root != null ? tokens.issue(state, root) : null;
    }

    /** The refusal of {@code request} by {@code user} under the member's current state, or null. */
    static Response refusal(long requestId, AuthState state, String user, RequiredAccess access) {
        if (!state.enabled()) {
            return null;
        }
        String why = state.refusal(user, access);
        return why == null ? null : new Response.PermissionDenied(requestId, why);
    }

    /**
     * What a read needs, given its answer: a lease's time-to-live that lists its keys needs READ on
     * each of them (as etcd 3.5 asks), which only the answer knows.
     */
    static RequiredAccess access(Request request, Response answer) {
        if (answer instanceof LeaseResponses.TimeToLive ttl && !ttl.keys().isEmpty()) {
            return new RequiredAccess(ttl.keys().stream()
                    .map(key -> new Permission(Permission.Type.READ, KeyRange.single(key))).toList(), false);
        }
        return access(request);
    }

    /**
     * What a read needs, as far as the request says (anything else served here is an admin request,
     * root's); writes are judged at apply, by the engine's own rule for each command
     * ({@code RocksStateStore}), which is the only one.
     */
    static RequiredAccess access(Request request) {
        return switch (request) {
            case Request.Get r -> RequiredAccess.read(KeyRange.single(r.key()));
            case Request.Scan r -> RequiredAccess.read(r.hasEnd() ? new KeyRange(r.start(), r.end())
                    : new KeyRange(r.start().length == 0 ? KeyRange.TO_THE_END : r.start(), KeyRange.TO_THE_END));
            case KvRequest.Range r -> RequiredAccess.of(r.range());
            case Request.Lease r -> RequiredAccess.ANY_USER;
            default -> RequiredAccess.ROOT;
        };
    }
}
