package io.tern.etcd;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.tern.server.service.Caller;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Reads who makes each gRPC call, as etcd does: the {@code token} metadata that an etcd client sends
 * once it has authenticated, or else the common name of the client's verified certificate. It puts the
 * {@link Caller} in the call's {@link Context}, where the services read it ({@link #current()}) on the
 * thread that runs the call or one of its stream's messages, and hand it to the dispatcher with each
 * native request: a gRPC call is checked exactly as a native one.
 */
final class CallerInterceptor implements ServerInterceptor {

    /** etcd's name for the metadata its clients put their token in. */
    static final Metadata.Key<String> TOKEN = Metadata.Key.of("token", Metadata.ASCII_STRING_MARSHALLER);

    private static final Context.Key<Caller> CALLER = Context.key("tern-etcd-caller");

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
                                                      ServerCallHandler<Q, A> next) {
        return Contexts.interceptCall(Context.current().withValue(CALLER, caller(headers.get(TOKEN),
                certificateName(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION)))), call, headers, next);
    }

    /** The caller of the gRPC call being served on this thread; anonymous outside of one. */
    static Caller current() {
        Caller caller = CALLER.get();
        return caller == null ? Caller.ANONYMOUS : caller;
    }

    /** A token speaks for itself; without one, a verified certificate names the user, as etcd has it. */
    static Caller caller(String token, String certificateName) {
        if (token != null && !token.isEmpty()) {
            return Caller.token(token);
        }
        return certificateName == null ? Caller.ANONYMOUS : new Caller.CertificateName(certificateName);
    }

    /** The common name of the verified client certificate of {@code session}, or null. */
    static String certificateName(SSLSession session) {
        if (session == null) {
            return null;
        }
        try {
            Certificate[] chain = session.getPeerCertificates();
            if (chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
                return null;
            }
            for (Rdn rdn : new LdapName(leaf.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    return rdn.getValue().toString();
                }
            }
            return null;
        } catch (SSLPeerUnverifiedException noCertificate) {
            return null;
        } catch (InvalidNameException unreadable) {
            return null;
        }
    }
}
