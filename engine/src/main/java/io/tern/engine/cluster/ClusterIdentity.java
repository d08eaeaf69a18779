package io.tern.engine.cluster;

/** Which cluster a data directory belongs to and which member of it this directory is. */
public record ClusterIdentity(String clusterId, long memberId) {
    public ClusterIdentity {
        if (clusterId == null || clusterId.isBlank()) {
            throw new IllegalArgumentException("cluster id must not be blank");
        }
        if (memberId < 1) {
            throw new IllegalArgumentException("member id must be positive, was " + memberId);
        }
    }
}
