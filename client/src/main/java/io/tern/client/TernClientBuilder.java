package io.tern.client;

import io.tern.platform.HostPort;
import io.tern.platform.tls.ClientTls;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/** Options of a {@link TernClient}; {@link #endpoints(List)} is required. */
public final class TernClientBuilder {

    private List<HostPort> endpoints;
    private Duration requestTimeout = Duration.ofSeconds(10);
    private Duration connectTimeout = Duration.ofSeconds(2);
    private int connectionsPerEndpoint = 2;
    private boolean discoverLeader = true;
    private Path trustedCertificates;
    private Path certificate;
    private Path privateKey;
    private ClientTls tls;
    private String user;
    private String password;

    /** A builder with the defaults; prefer {@link TernClient#builder()}. */
    public TernClientBuilder() {
    }

    /**
     * The cluster's members as "host:port" (IPv6 literals in brackets), in the order to try them.
     * Required; repeats are ignored.
     *
     * @throws IllegalArgumentException if the list is empty or an entry is malformed
     */
    public TernClientBuilder endpoints(List<String> endpoints) {
        this.endpoints = EndpointList.parseAll(endpoints);
        return this;
    }

    /**
     * Comma-separated "host:port" list, as {@code --endpoints} takes it.
     *
     * @throws IllegalArgumentException if the list is empty or an entry is malformed
     */
    public TernClientBuilder endpoints(String commaSeparated) {
        this.endpoints = EndpointList.parseAll(EndpointList.split(commaSeparated));
        return this;
    }

    /** Deadline of each call, retries included. Default 10 s. */
    public TernClientBuilder requestTimeout(Duration timeout) {
        this.requestTimeout = positive(timeout, "requestTimeout");
        return this;
    }

    /** How long one connection attempt may take before the endpoint counts as unreachable. Default 2 s. */
    public TernClientBuilder connectTimeout(Duration timeout) {
        this.connectTimeout = positive(timeout, "connectTimeout");
        return this;
    }

    /** Connections per endpoint, requests pipelined over them round-robin. Default 2. */
    public TernClientBuilder connectionsPerEndpoint(int connections) {
        if (connections < 1 || connections > 64) {
            throw new IllegalArgumentException("connectionsPerEndpoint must be in 1..64: " + connections);
        }
        this.connectionsPerEndpoint = connections;
        return this;
    }

    /**
     * Whether the client, once built, asks the first endpoint for its STATUS and, if that names
     * a leader, sends its calls to the leader from then on (a follower hands writes to the leader,
     * one hop more, and asks it for the read index of a linearizable read). Done in the background; it delays no call.
     * Default true.
     */
    public TernClientBuilder discoverLeader(boolean discover) {
        this.discoverLeader = discover;
        return this;
    }

    /**
     * Speak TLS, trusting the CA certificates (PEM) in {@code caFile}; the server's certificate must be
     * signed by one of them and name the host of the endpoint dialled (as {@code --cacert}).
     */
    public TernClientBuilder trustCertificates(Path caFile) {
        this.trustedCertificates = Objects.requireNonNull(caFile, "caFile");
        return this;
    }

    /**
     * Speak TLS, presenting the certificate chain in {@code certFile} with its unencrypted PKCS#8 key in
     * {@code keyFile} (PEM), for servers that require client certificates (as {@code --cert}, {@code --key}).
     * Without {@link #trustCertificates}, the server's certificate is checked against the JDK's CAs.
     */
    public TernClientBuilder keyCertChain(Path certFile, Path keyFile) {
        this.certificate = Objects.requireNonNull(certFile, "certFile");
        this.privateKey = Objects.requireNonNull(keyFile, "keyFile");
        return this;
    }

    /**
     * Speak TLS as {@code tls} says: for a member's own clients, which dial with its peer credentials.
     * Overrides {@link #trustCertificates} and {@link #keyCertChain}.
     */
    public TernClientBuilder tls(ClientTls tls) {
        this.tls = tls;
        return this;
    }

    /**
     * Authenticate as {@code user} with {@code password} (servers with authentication on): the client
     * authenticates before its first call, sends every request with the token it got (so any connection
     * to any member acts as the user), and authenticates once more, then sends the call again, when a
     * member says the token expired. Against members with authentication off, calls go without a token. Without it, a server with authentication on refuses every call with UNAUTHENTICATED
     * (unless its client certificate names a user).
     */
    public TernClientBuilder credentials(String user, String password) {
        this.user = Objects.requireNonNull(user, "user");
        this.password = Objects.requireNonNull(password, "password");
        if (user.isEmpty()) {
            throw new IllegalArgumentException("user must not be empty");
        }
        return this;
    }

    /**
     * A client with these options. It connects lazily, on the first call to each endpoint.
     *
     * @throws IllegalArgumentException if no endpoints were given, or a TLS file cannot be used
     *         ({@link io.tern.platform.tls.TlsConfigException}, one line)
     */
    public TernClient build() {
        if (endpoints == null) {
            throw new IllegalArgumentException("no endpoints: give at least one HOST:PORT");
        }
        ClientTls dialing = tls != null || (trustedCertificates == null && certificate == null) ? tls
                : ClientTls.fromFiles(trustedCertificates, certificate, privateKey);
        return TernClient.start(new ClientSettings(endpoints, requestTimeout, connectTimeout, connectionsPerEndpoint,
                dialing, user == null ? null : new ClientCredentials(user, password)), discoverLeader);
    }

    private static Duration positive(Duration timeout, String name) {
        Objects.requireNonNull(timeout, name);
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + timeout);
        }
        return timeout;
    }
}
