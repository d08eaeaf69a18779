package io.tern.client;

import java.util.Objects;
import io.tern.client.protocol.AuthMessages;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * A client's user and password, and the token they got. The first call gets a token before it goes;
 * every request goes out with the current token ({@code WITH_TOKEN}), so any connection to any member
 * acts as the user; when a member answers UNAUTHENTICATED (the token expired), the call asks for a fresh
 * token once and goes again.
 * Calls that find the same token stale share one AUTHENTICATE.
 */
final class ClientCredentials {

    private final String user;
    private final String password;
    private volatile String token;
    /** Set once a member said authentication is off: then calls go without a token until one is refused. */
    private volatile boolean notEnabled;
    private Supplier<CompletableFuture<String>> authenticate;
    /** The AUTHENTICATE under way, if any; guarded by this. */
    private CompletableFuture<String> renewing;

    ClientCredentials(String user, String password) {
        this.user = Objects.requireNonNull(user, "user");
        this.password = Objects.requireNonNull(password, "password");
    }

    String user() {
        return user;
    }

    String password() {
        return password;
    }

    /** How to get a token: an AUTHENTICATE call of the client these credentials belong to. */
    synchronized void authenticateWith(Supplier<CompletableFuture<String>> call) {
        this.authenticate = call;
    }

    /** The token to send requests with; {@code null} before the first AUTHENTICATE. */
    String token() {
        return token;
    }

    /**
     * Whether a call should get a token before it is sent: none yet, and no member said authentication
     * is off. (A member with authentication on would take a client without a token as the user its
     * certificate names, and refuse it as that user rather than ask it to authenticate.)
     */
    boolean authenticatesFirst() {
        return token == null && !notEnabled;
    }

    /**
     * A token other than {@code stale} (the one a refused request carried, or {@code null}): the current
     * one if someone renewed it meanwhile, else the result of a new AUTHENTICATE.
     */
    synchronized CompletableFuture<String> renew(String stale) {
        String current = token;
        if (current != null && !current.equals(stale)) {
            return CompletableFuture.completedFuture(current);
        }
        if (renewing != null) {
            return renewing;
        }
        // Its own future, completed once the token is in place: a call that goes again on it must send the
        // new token. And set before the AUTHENTICATE's answer can clear it, which may come at once, on
        // another I/O thread, before this thread registers on the answer.
        CompletableFuture<String> renewed = new CompletableFuture<>();
        renewing = renewed;
        authenticate.get().whenComplete((fresh, error) -> {
            synchronized (ClientCredentials.this) {
                if (error == null) {
                    token = fresh;
                    notEnabled = false;
                } else if (saysNotEnabled(error)) {
                    notEnabled = true;
                }
                renewing = null;
            }
            if (error == null) {
                renewed.complete(fresh);
            } else {
                renewed.completeExceptionally(error);
            }
        });
        return renewed;
    }

    /** What a call fails with when its AUTHENTICATE failed with {@code error}. */
    TernException authenticationFailure(Throwable error) {
        Throwable cause = unwrap(error);
        return cause instanceof TernException tern ? tern
                : new UnauthenticatedException("cannot authenticate as " + user() + ": " + cause);
    }

    static Throwable unwrap(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }

    /** Whether {@code error}, from {@link #renew}, says only that authentication is off. */
    static boolean saysNotEnabled(Throwable error) {
        return String.valueOf(unwrap(error).getMessage()).contains(AuthMessages.AUTH_NOT_ENABLED);
    }

    @Override
    public String toString() {
        return "ClientCredentials[user=" + user + "]";
    }
}
