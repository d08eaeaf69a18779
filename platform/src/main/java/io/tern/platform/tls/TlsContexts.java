package io.tern.platform.tls;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;

/**
 * The one place Netty SslContexts are built, for every port and every client: the server side of the
 * native port and the client side of clients, members and a member's own native clients. The keys and
 * CAs come in as (reloading) managers, so a context is built once and follows its files.
 *
 * <p>BoringSSL (netty-tcnative) where its native library loads, the JDK's provider elsewhere: on this
 * project's machine the JDK's cost a 3-node cluster more than a quarter of its write throughput at 256
 * clients ({@code bench/tls-cost}, numbers in bench/README.md). The managers work with both.
 */
public final class TlsContexts {

    /**
     * The server name (SNI) a member sends when it dials another member. The native port serves clients
     * and members alike, so this is how it knows, before it picks a certificate, that the other end wants
     * the member-to-member handshake (peer certificate, peer CA, client certificate required).
     * {@code .invalid} is reserved (RFC 2606): no real host has it.
     */
    public static final String PEER_SERVER_NAME = "tern-peer.invalid";

    private static final SslProvider PROVIDER = OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;

    private TlsContexts() {
    }

    /** A server side presenting {@code keys}' certificate and checking client certificates against {@code trust} (if any). */
    public static SslContext server(KeyManager keys, TrustManager trust, ClientAuth clientAuth) {
        SslContextBuilder builder = SslContextBuilder.forServer(keys).sslProvider(PROVIDER).clientAuth(clientAuth);
        if (trust != null) {
            builder.trustManager(trust);
        }
        return build(builder);
    }

    /**
     * A client side.
     *
     * @param keys           the client certificate to present, or null for none
     * @param trust          the CAs to check the server's certificate against, or null for the JDK's
     * @param verifyHostname whether the server's certificate must name the host dialled (clients: yes;
     *                       members dialling members, who are known by their peer CA and send
     *                       {@link #PEER_SERVER_NAME}: no)
     */
    public static SslContext client(KeyManager keys, TrustManager trust, boolean verifyHostname) {
        SslContextBuilder builder = SslContextBuilder.forClient().sslProvider(PROVIDER)
                .endpointIdentificationAlgorithm(verifyHostname ? "HTTPS" : null);
        if (keys != null) {
            builder.keyManager(keys);
        }
        if (trust != null) {
            builder.trustManager(trust);
        }
        if (!verifyHostname) {
            builder.serverName(new SNIHostName(PEER_SERVER_NAME));
        }
        return build(builder);
    }

    private static SslContext build(SslContextBuilder builder) {
        try {
            return builder.build();
        } catch (SSLException e) {
            throw new TlsConfigException("cannot set up TLS: " + e.getMessage(), e);
        }
    }
}
