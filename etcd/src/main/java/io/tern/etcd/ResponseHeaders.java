package io.tern.etcd;

import io.tern.etcd.api.EtcdServerPb.ResponseHeader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.function.LongSupplier;

/**
 * The {@link ResponseHeader} every etcd answer carries: which cluster and member answered, at what
 * store revision and in what Raft term.
 */
final class ResponseHeaders {

    private final long clusterId;
    private final long memberId;
    private final LongSupplier term;

    /**
     * @param clusterName the member's cluster id (Tern names clusters with text; etcd numbers them)
     * @param term        the member's current Raft term
     */
    ResponseHeaders(String clusterName, long memberId, LongSupplier term) {
        this.clusterId = clusterIdOf(clusterName);
        this.memberId = memberId;
        this.term = term;
    }

    /** The header of an answer at store revision {@code revision}. */
    ResponseHeader at(long revision) {
        return ResponseHeader.newBuilder().setClusterId(clusterId).setMemberId(memberId).setRevision(revision)
                .setRaftTerm(term.getAsLong()).build();
    }

    /**
     * The header of an answer nested in a transaction's: etcd fills in only the revision there, the
     * rest is in the transaction's own header.
     */
    static ResponseHeader nested(long revision) {
        return ResponseHeader.newBuilder().setRevision(revision).build();
    }

    /**
     * etcd's 64-bit cluster id for a Tern cluster id: the first 8 bytes of its SHA-256, so that every
     * member derives the same number from the name they share; never 0, which etcd clients read as unset.
     */
    static long clusterIdOf(String clusterName) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(clusterName.getBytes(StandardCharsets.UTF_8));
            long id = ByteBuffer.wrap(digest).getLong();
            return id == 0 ? 1 : id;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
