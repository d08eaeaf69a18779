package io.tern.etcd;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.tern.server.net.ClientCertificates;
import io.tern.server.service.Caller;

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
                ClientCertificates.commonName(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION)))), call, headers, next);
    }

    /** The caller of the gRPC call being served on this thread; anonymous outside of one. */
    static Caller current() {
        Caller caller = CALLER.get();
        return caller == null ? Caller.ANONYMOUS : caller;
    }

    /**
     * A token speaks for itself; without one, a verified certificate names the user, as etcd has it.
     *
     * @param certificateName the common name of the verified client certificate, "" without one
     */
    static Caller caller(String token, String certificateName) {
        if (token != null && !token.isEmpty()) {
            return Caller.token(token);
        }
        return certificateName.isEmpty() ? Caller.ANONYMOUS : new Caller.CertificateName(certificateName);
    }
}
