package io.tern.server;

import io.tern.client.ServerStatus;
import io.tern.client.TernClient;
import io.tern.platform.tls.ClientTls;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.stream.Collectors;

/**
 * Where a new node's cluster id comes from. Members bootstrapped together derive the same id from
 * the same {@code --cluster} list, with nothing to agree on first; a joining node asks a current
 * member, since its own list names only some of them.
 */
final class ClusterIds {

    private ClusterIds() {
    }

    static String derive(SortedMap<Long, String> cluster) {
        String members = cluster.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(","));
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(members.getBytes(StandardCharsets.UTF_8));
            return "tern-" + HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    /** What a joining node learns from a current member: the cluster's id and its members' addresses. */
    record ClusterView(String clusterId, Map<Long, String> members) {
    }

    /** Asks each listed member other than {@code selfId} for the cluster's id and members; the first answer wins. */
    static ClusterView askMembers(long selfId, SortedMap<Long, String> cluster, Duration timeout, ClientTls tls) {
        List<String> others = cluster.entrySet().stream().filter(e -> e.getKey() != selfId)
                .map(Map.Entry::getValue).toList();
        if (others.isEmpty()) {
            throw new ServerStartException("--join needs --cluster to name at least one current member besides this node", null);
        }
        StringBuilder failures = new StringBuilder();
        try (TernClient client = TernClient.builder().endpoints(others).requestTimeout(timeout).tls(tls)
                .build()) {
            for (String address : others) {
                try {
                    ServerStatus status = ServerStatus.parse(client.status(address));
                    if (status.clusterId() != null) {
                        Map<Long, String> addresses = new java.util.TreeMap<>();
                        status.members().forEach(m -> addresses.put(m.id(), m.address()));
                        return new ClusterView(status.clusterId(), addresses);
                    }
                    failures.append(failures.isEmpty() ? "" : "; ").append(address).append(" did not say its cluster id");
                } catch (Exception e) {
                    failures.append(failures.isEmpty() ? "" : "; ").append(address).append(": ").append(e.getMessage());
                }
            }
        }
        throw new ServerStartException("cannot join: no current member answered (" + failures + ")", null);
    }
}
