package io.tern.server.net;

import io.netty.handler.ssl.SslHandler;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/** The user a client certificate names: its subject's common name, as etcd takes it under {@code --client-cert-auth}. */
public final class ClientCertificates {

    private ClientCertificates() {
    }

    /**
     * The common name of the certificate the client presented and the handshake verified; "" when the
     * connection is plaintext, presented none, or its subject has no common name.
     */
    static String commonName(SslHandler ssl) {
        return ssl == null ? "" : commonName(ssl.engine().getSession());
    }

    /**
     * The common name of the certificate the peer of {@code session} presented and the handshake
     * verified; "" when there is no session, no certificate, or no common name. For the etcd gateway's
     * TLS sessions too (grpc-java's own Netty), so that both ports read the name alike.
     */
    public static String commonName(SSLSession session) {
        if (session == null) {
            return "";
        }
        try {
            Certificate[] chain = session.getPeerCertificates();
            if (chain.length == 0 || !(chain[0] instanceof X509Certificate certificate)) {
                return "";
            }
            for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    return rdn.getValue().toString();
                }
            }
            return "";
        } catch (SSLPeerUnverifiedException | InvalidNameException e) {
            return "";
        }
    }
}
