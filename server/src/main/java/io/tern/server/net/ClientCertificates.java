package io.tern.server.net;

import io.netty.handler.ssl.SslHandler;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;

/** The user a client certificate names: its subject's common name, as etcd takes it under {@code --client-cert-auth}. */
final class ClientCertificates {

    private ClientCertificates() {
    }

    /**
     * The common name of the certificate the client presented and the handshake verified; "" when the
     * connection is plaintext, presented none, or its subject has no common name.
     */
    static String commonName(SslHandler ssl) {
        if (ssl == null) {
            return "";
        }
        try {
            Certificate[] chain = ssl.engine().getSession().getPeerCertificates();
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
