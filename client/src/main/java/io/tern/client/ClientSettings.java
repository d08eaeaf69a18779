package io.tern.client;

import io.tern.platform.HostPort;
import io.tern.platform.tls.ClientTls;
import java.time.Duration;
import java.util.List;

/**
 * The options a {@link TernClientBuilder} collected, checked; {@code tls} is null for plaintext,
 * {@code credentials} null for a client that does not authenticate.
 */
record ClientSettings(List<HostPort> endpoints, Duration requestTimeout, Duration connectTimeout,
                      int connectionsPerEndpoint, ClientTls tls, ClientCredentials credentials) {
}
