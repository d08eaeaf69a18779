package io.tern.engine.auth;

/** An {@link AuthChange} the auth state does not allow; the message is etcd's words for why. */
public final class AuthRefusedException extends RuntimeException {

    public AuthRefusedException(String message) {
        super(message, null, false, false);
    }
}
