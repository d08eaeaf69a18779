package io.tern.client;

import io.tern.platform.HostPort;
import java.time.Duration;
import java.util.List;

/** The options a {@link TernClientBuilder} collected, checked. */
record ClientSettings(List<HostPort> endpoints, Duration requestTimeout, Duration connectTimeout,
                      int connectionsPerEndpoint) {
}
