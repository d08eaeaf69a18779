package io.tern.verify.cluster;

import io.tern.verify.api.ClientSecurity;
import io.tern.client.ServerStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A running cluster reached by its endpoints ({@code verify --endpoints}), with no control over its
 * processes or network: only STATUS, leadership transfer, snapshots and membership changes of its
 * existing members work. Member ids and addresses are learned from STATUS: each endpoint's own
 * answer, and the configuration a leader reports.
 */
public final class ExternalCluster extends ProtocolCluster {

    /** Id to address of every member known, current or removed by {@link #removeNode}. */
    private final Map<Integer, String> addresses = new TreeMap<>();
    /** Members removed by {@link #removeNode} and not yet back. */
    private final List<Integer> removed = new ArrayList<>();
    private final List<String> given;

    private ExternalCluster(List<String> endpoints, ClientSecurity security) {
        super(endpoints.getFirst(), security);
        this.given = List.copyOf(endpoints);
    }

    /**
     * Attaches to the cluster at {@code endpoints}, waiting (up to {@code timeout}) until a leader is
     * known and every endpoint has said which member it is.
     *
     * @throws ClusterException if that does not happen in time
     */
    public static ExternalCluster attach(List<String> endpoints, Duration timeout) {
        return attach(endpoints, timeout, ClientSecurity.PLAINTEXT);
    }

    /** {@link #attach(List, Duration)} through TLS as {@code security} says. */
    public static ExternalCluster attach(List<String> endpoints, Duration timeout, ClientSecurity security) {
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("no endpoints");
        }
        ExternalCluster cluster = new ExternalCluster(endpoints, security);
        try {
            cluster.discover(timeout);
            return cluster;
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    private void discover(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (String endpoint : given) {
            ServerStatus status = Await.value("STATUS from " + endpoint, left(deadline), () -> statusAt(endpoint).join());
            synchronized (this) {
                addresses.put(ClusterControl.memberId(status.id()), endpoint);
            }
        }
        int leader = awaitLeader(left(deadline));
        ServerStatus leaderStatus = status(leader).orElseThrow(() -> new ClusterException("the leader went silent"));
        synchronized (this) {
            for (ServerStatus.Member member : leaderStatus.members()) {
                addresses.putIfAbsent(ClusterControl.memberId(member.id()), member.address());
            }
        }
    }

    @Override
    public boolean controlsProcesses() {
        return false;
    }

    @Override
    public boolean controlsNetwork() {
        return false;
    }

    @Override
    public synchronized List<Integer> nodeIds() {
        return addresses.keySet().stream().filter(id -> !removed.contains(id)).toList();
    }

    @Override
    public synchronized String endpoint(int id) {
        String address = addresses.get(id);
        if (address == null) {
            throw new IllegalArgumentException("no member " + id + "; members " + addresses.keySet());
        }
        return address;
    }

    @Override
    String adminAddress(int id) {
        return endpoint(id);
    }

    @Override
    String describe() {
        return "";
    }

    @Override
    public void removeNode(int id) {
        endpoint(id);
        removeMember(id);
        synchronized (this) {
            removed.add(id);
        }
    }

    @Override
    public void rejoinNode(int id) {
        addMember(id, endpoint(id));
        synchronized (this) {
            removed.remove(Integer.valueOf(id));
        }
    }
}
