package io.tern.server.service;

import java.util.Objects;

/**
 * Who makes a request, as the way it reached the member says: the one seam through which a native
 * connection and the etcd gateway alike hand the {@link RequestDispatcher} an identity to check. With
 * authentication off, every caller may do everything and the caller is not looked at.
 */
public sealed interface Caller {

    /** No credentials: refused with UNAUTHENTICATED while authentication is on (except where etcd allows it). */
    Caller ANONYMOUS = new Anonymous();

    /** A caller with no credentials. */
    record Anonymous() implements Caller {
    }

    /**
     * A caller presenting a token from AUTHENTICATE (the native connection's, a WITH_TOKEN request's, or
     * the {@code token} metadata of an etcd call). Checked at each request: an expired or invalidated
     * token is UNAUTHENTICATED.
     */
    record Token(String token) implements Caller {
        public Token {
            Objects.requireNonNull(token, "token");
        }

        @Override
        public String toString() {
            return "Token[<hidden>]";
        }
    }

    /**
     * A caller whose client certificate the TLS handshake verified ({@code --client-cert-auth}) and that
     * sent no other credentials: the user named by the certificate's common name, as etcd has it.
     */
    record CertificateName(String commonName) implements Caller {
        public CertificateName {
            Objects.requireNonNull(commonName, "commonName");
        }
    }

    static Caller token(String token) {
        return new Token(token);
    }
}
