package io.tern.verify.api;

import io.etcd.jetcd.ClientBuilder;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.tern.client.TernClientBuilder;
import io.tern.platform.tls.TlsConfigException;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * How the run's own clients reach a cluster whose ports speak TLS: the command line's
 * {@code --cacert}, {@code --cert} and {@code --key}, given to every kind of client the run makes
 * (the native client, jetcd, and the raw sockets of the oversize fault), so that one run can check a
 * cluster with TLS on every port.
 *
 * @param caCert the CAs to trust, or null for plaintext (or the JDK's CAs when a certificate is given)
 * @param cert   the client certificate, or null
 * @param key    the key of {@code cert}, or null
 */
public record ClientSecurity(Path caCert, Path cert, Path key) {

    /** Plaintext. */
    public static final ClientSecurity PLAINTEXT = new ClientSecurity(null, null, null);

    /** @throws IllegalArgumentException with one line when a certificate comes without its key or the reverse */
    public ClientSecurity {
        if ((cert == null) != (key == null)) {
            throw new IllegalArgumentException(cert == null ? "--key needs --cert" : "--cert needs --key");
        }
    }

    public boolean tls() {
        return caCert != null || cert != null;
    }

    /** {@code builder}, speaking TLS when this says so. */
    public TernClientBuilder applyTo(TernClientBuilder builder) {
        if (caCert != null) {
            builder.trustCertificates(caCert);
        }
        if (cert != null) {
            builder.keyCertChain(cert, key);
        }
        return builder;
    }

    /** jetcd's {@code builder}, speaking TLS when this says so. */
    public ClientBuilder applyTo(ClientBuilder builder) {
        if (!tls()) {
            return builder;
        }
        try {
            return builder.sslContext(ssl -> {
                if (caCert != null) {
                    ssl.trustManager(caCert.toFile());
                }
                if (cert != null) {
                    ssl.keyManager(cert.toFile(), key.toFile());
                }
            });
        } catch (SSLException | IllegalArgumentException e) {
            throw new TlsConfigException("cannot use the client's TLS files: " + e.getMessage(), e);
        }
    }

    /** The URL of an etcd endpoint {@code host:port}. */
    public String etcdUrl(String endpoint) {
        return (tls() ? "https://" : "http://") + endpoint;
    }

    /**
     * A blocking socket to {@code host:port}, the TLS handshake done when this says TLS (the server's
     * certificate checked against the host, as the clients do).
     */
    public Socket connect(String host, int port) throws IOException {
        if (!tls()) {
            return new Socket(host, port);
        }
        SSLSocket socket = (SSLSocket) sslContext().getSocketFactory().createSocket(host, port);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        socket.setSSLParameters(parameters);
        socket.startHandshake();
        return socket;
    }

    private SSLContext sslContext() {
        SslContextBuilder builder = SslContextBuilder.forClient().sslProvider(SslProvider.JDK);
        if (caCert != null) {
            builder.trustManager(caCert.toFile());
        }
        if (cert != null) {
            builder.keyManager(cert.toFile(), key.toFile());
        }
        try {
            return ((JdkSslContext) builder.build()).context();
        } catch (IOException | IllegalArgumentException e) {
            throw new TlsConfigException("cannot use the client's TLS files: " + e.getMessage(), e);
        }
    }
}
