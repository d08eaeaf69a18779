package io.tern.verify.cluster;

/**
 * A fingerprint of one node's whole key-value state, read with LOCAL scans from that node alone: two
 * nodes that hold the same keys and values have the same {@code sha256}.
 *
 * @param fromRevision the applied index the first page observed
 * @param toRevision   the applied index the last page observed; equal to {@code fromRevision} when
 *                     nothing was applied during the read, so the pages form one consistent state
 * @param keys         how many keys the node holds
 * @param sha256       hex SHA-256 over every (key, value) in key order, each as u32 length and bytes
 */
public record StateDigest(int id, long fromRevision, long toRevision, long keys, String sha256) {

    /** Whether the state did not change while it was read. */
    public boolean stable() {
        return fromRevision == toRevision;
    }

    /** Whether {@code other} holds the same keys and values. */
    public boolean sameStateAs(StateDigest other) {
        return keys == other.keys && sha256.equals(other.sha256);
    }
}
