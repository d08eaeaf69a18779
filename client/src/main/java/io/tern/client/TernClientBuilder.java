package io.tern.client;

import io.tern.platform.HostPort;
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
     * a leader, sends its calls to the leader from then on (a follower forwards writes and
     * linearizable reads to the leader: one hop more). Done in the background; it delays no call.
     * Default true.
     */
    public TernClientBuilder discoverLeader(boolean discover) {
        this.discoverLeader = discover;
        return this;
    }

    /**
     * A client with these options. It connects lazily, on the first call to each endpoint.
     *
     * @throws IllegalArgumentException if no endpoints were given
     */
    public TernClient build() {
        if (endpoints == null) {
            throw new IllegalArgumentException("no endpoints: give at least one HOST:PORT");
        }
        return TernClient.start(new ClientSettings(endpoints, requestTimeout, connectTimeout, connectionsPerEndpoint),
                discoverLeader);
    }

    private static Duration positive(Duration timeout, String name) {
        Objects.requireNonNull(timeout, name);
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + timeout);
        }
        return timeout;
    }
}
