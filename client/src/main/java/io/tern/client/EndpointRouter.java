package io.tern.client;

import io.tern.platform.HostPort;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Which node new requests go to. Every call starts at the current endpoint; a call that fails
 * there moves the current endpoint on to the next one in the list, and a NOT_LEADER answer naming
 * the leader moves it to the leader (which need not be in the list). All calls share one current
 * endpoint, so that the first call to see a node fail moves everyone, and the calls that failed at
 * the same node a moment later do not move it again (a compare-and-set on the endpoint they saw).
 */
final class EndpointRouter {

    /** The current endpoint and the list position that the next failover continues from. */
    private record Current(HostPort endpoint, int listIndex) {
    }

    private final List<HostPort> endpoints;
    private final AtomicReference<Current> current;

    EndpointRouter(List<HostPort> endpoints) {
        this.endpoints = List.copyOf(endpoints);
        this.current = new AtomicReference<>(new Current(this.endpoints.get(0), 0));
    }

    HostPort current() {
        return current.get().endpoint();
    }

    /** How many endpoints one round of failover visits. */
    int size() {
        return endpoints.size();
    }

    List<HostPort> endpoints() {
        return endpoints;
    }

    /** A call could not be served at {@code failed}: if that is still current, move to the next in the list. */
    void failed(HostPort failed) {
        Current seen = current.get();
        if (seen.endpoint().equals(failed)) {
            int next = (seen.listIndex() + 1) % endpoints.size();
            current.compareAndSet(seen, new Current(endpoints.get(next), next));
        }
    }

    /** {@code from} named {@code to} as the leader: if {@code from} is still current, prefer {@code to}. */
    void redirect(HostPort from, HostPort to) {
        Current seen = current.get();
        if (seen.endpoint().equals(from) && !from.equals(to)) {
            int listed = endpoints.indexOf(to);
            current.compareAndSet(seen, new Current(to, listed >= 0 ? listed : seen.listIndex()));
        }
    }
}
