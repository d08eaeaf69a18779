package io.tern.server;

import io.tern.engine.StorageEngine;
import io.tern.engine.cluster.ClusterIdentity;
import io.tern.engine.meta.DataDirectory;
import io.tern.engine.restore.MembershipOverride;
import io.tern.raft.types.Member;
import io.tern.raft.types.Membership;
import io.tern.raft.types.StorageFailure;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code tern server --force-new-cluster}, etcd's way back from the loss of a quorum: a surviving
 * member's data directory becomes a new one-member cluster that keeps all of its data. Done on the
 * closed directory before the server starts, in an order that a crash cannot make unsafe:
 * <ol>
 *   <li>the directory gets a new cluster id (the operator's {@code --cluster-id}, else a random one),
 *       so the old members, should they come back, are refused at their hello and can neither vote
 *       nor overwrite its log;</li>
 *   <li>a committed CONFIG entry naming this member alone is appended to its log
 *       ({@link MembershipOverride}), so the membership survives restarts without the flag and
 *       {@code tern member add} grows the cluster from there.</li>
 * </ol>
 * A crash between the two leaves a member that cannot reach a quorum; running with the flag again
 * finishes the job. The flag must come off once the member has started: each start with it makes
 * another new cluster, cutting off any members added since.
 */
public final class ForceNewCluster {

    private static final Logger log = LoggerFactory.getLogger(ForceNewCluster.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private ForceNewCluster() {
    }

    /**
     * Rewrites the data directory of {@code config} as described above.
     *
     * @return the new cluster's id
     * @throws ServerStartException (one line) if the directory holds no member, another member, or
     *                              cannot be opened, or {@code --cluster-id} names the old cluster
     */
    public static String apply(ServerConfig config) {
        ClusterIdentity old = existingIdentity(config);
        String clusterId = config.clusterId() != null ? config.clusterId() : "tern-" + HexFormat.of().formatHex(randomBytes());
        if (clusterId.equals(old.clusterId())) {
            throw new ServerStartException("--force-new-cluster makes a new cluster, and --cluster-id " + clusterId
                    + " is the old one's: name another, or leave --cluster-id out", null);
        }
        ClusterIdentity next = new ClusterIdentity(clusterId, config.id());
        try (DataDirectory directory = DataDirectory.lock(config.dataDirectory())) {
            directory.reassign(next);
        } catch (RuntimeException e) {
            throw new ServerStartException("cannot open the data directory " + config.dataDirectory() + ": "
                    + e.getMessage(), e);
        }
        Membership alone = new Membership(List.of(new Member(config.id(), config.advertisedAddress(), true)));
        long index;
        try (StorageEngine engine = TernServer.openEngine(config, next)) {
            index = MembershipOverride.commit(engine, alone);
        } catch (StorageFailure e) {
            throw new ServerStartException("cannot write the new membership into " + config.dataDirectory() + ": "
                    + e.getMessage(), e);
        }
        log.warn("member {} left cluster {} and forms the new one-member cluster {} with all of its data (membership "
                + "entry {}); start it without --force-new-cluster from now on, and grow it with `tern member add`",
                config.id(), old.clusterId(), clusterId, index);
        return clusterId;
    }

    private static ClusterIdentity existingIdentity(ServerConfig config) {
        Optional<ClusterIdentity> found;
        try (DataDirectory directory = DataDirectory.lock(config.dataDirectory())) {
            found = directory.identity();
        } catch (RuntimeException e) {
            throw new ServerStartException("cannot open the data directory " + config.dataDirectory() + ": "
                    + e.getMessage(), e);
        }
        if (found.isEmpty()) {
            throw new ServerStartException("--force-new-cluster keeps a member's data, and " + config.dataDirectory()
                    + " holds no member: point --data at a surviving member's directory", null);
        }
        if (found.get().memberId() != config.id()) {
            throw new ServerStartException("the data directory " + config.dataDirectory() + " belongs to member "
                    + found.get().memberId() + " of cluster " + found.get().clusterId() + ", not member " + config.id(),
                    null);
        }
        return found.get();
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[8];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}
