package io.tern.cli;

import io.tern.client.TernClient;
import io.tern.client.TernClientBuilder;
import io.tern.verify.api.ClientSecurity;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The options of every command that talks to a cluster: where it is and how long to wait for it. */
public final class ClientOptions {

    /** The client's connect timeout when {@code --timeout} is longer. */
    private static final Duration MAX_CONNECT_TIMEOUT = Duration.ofSeconds(2);

    @Option(names = "--endpoints", split = ",", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:7379",
            converter = Endpoints.Converter.class,
            description = "Members of the cluster, comma-separated; any one that answers is enough.")
    List<String> endpoints;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "5s", converter = Durations.Converter.class,
            description = "How long one request may take, retries included such as 500ms, 5s or 1m.")
    Duration timeout;

    @Option(names = {"-v", "--verbose"}, description = "Print the stack trace of an error.")
    boolean verbose;

    @Mixin
    ClientTlsFlags tlsFlags;

    @Option(names = "--user", paramLabel = "NAME[:PASSWORD]",
            description = "Authenticate as this user, for clusters with authentication on; without :PASSWORD "
                    + "the password is asked for (or read from standard input).")
    String user;

    private UserPassword credentials;

    public List<String> endpoints() {
        return endpoints;
    }

    public Duration timeout() {
        return timeout;
    }

    /**
     * How {@code --cacert}, {@code --cert} and {@code --key} say to dial.
     *
     * @throws IllegalArgumentException with one line when {@code --cert} comes without {@code --key} or the reverse
     */
    public ClientSecurity security() {
        return tlsFlags.security();
    }

    /**
     * {@code --user}, or empty: the password asked for once however many clients the command makes.
     *
     * @throws IllegalArgumentException with one line when the name is empty or no password comes
     */
    public Optional<UserPassword> credentials() {
        if (user != null && credentials == null) {
            credentials = UserPassword.parse(user, "--user");
        }
        return Optional.ofNullable(credentials);
    }

    /** A client of the endpoints with the default number of connections. */
    public TernClient connect() {
        return builder().build();
    }

    /** A client builder with the endpoints and timeouts filled in. */
    public TernClientBuilder builder() {
        Duration connectTimeout = timeout.compareTo(MAX_CONNECT_TIMEOUT) < 0 ? timeout : MAX_CONNECT_TIMEOUT;
        TernClientBuilder builder = security().applyTo(TernClient.builder().endpoints(endpoints).requestTimeout(timeout)
                .connectTimeout(connectTimeout));
        credentials().ifPresent(credentials -> builder.credentials(credentials.name(), credentials.password()));
        return builder;
    }
}
