package io.tern.raft.node;

import io.tern.engine.StorageEngine;
import io.tern.raft.core.Role;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Collection;
import java.util.Comparator;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.fail;

/** What the cluster tests share: waiting for a condition (by polling status, never a guessed sleep) and free ports. */
final class ClusterTesting {

    /** How long one leadership transfer may take in {@link #makeLeader}: several election timeouts of the tests. */
    private static final Duration TRANSFER_ATTEMPT = Duration.ofSeconds(2);

    private ClusterTesting() {
    }

    static void awaitTrue(BooleanSupplier condition, Duration limit, String what, Supplier<String> state) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out after " + limit.toSeconds() + " s waiting for " + what + ": " + state.get());
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }

    /**
     * Makes {@code wanted} the leader of {@code members}: it campaigns, and if another member won an
     * election first (a member just started campaigns after a random 1 to T ticks), that leader hands
     * leadership over. Right after a start leadership may still move while it is asked (a leader seen
     * a moment ago loses to a campaign of a higher term, and its transfer then waits out the request
     * timeout, as seen under load): each attempt gets a few election timeouts, then whoever leads by
     * then is asked.
     */
    static void makeLeader(RaftNode wanted, Collection<RaftNode> members, Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        wanted.campaign();
        while (wanted.status().role() != Role.LEADER) {
            if (System.nanoTime() > deadline) {
                fail("timed out after " + limit.toSeconds() + " s making member " + wanted.id() + " lead: "
                        + wanted.describe());
            }
            RaftNode leader = members.stream().filter(node -> node.status().role() == Role.LEADER)
                    .max(Comparator.comparingLong(node -> node.status().term())).orElse(null);
            if (leader == null || leader == wanted) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
                continue;
            }
            try {
                leader.transferLeadership(wanted.id()).get(TRANSFER_ATTEMPT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException e) {
                // Leadership moved while it was asked: ask whoever leads now.
            }
        }
    }

    /** The engine a test started {@code node} on. */
    static StorageEngine engineOf(RaftNode node) {
        return (StorageEngine) node.storage();
    }

    /** A loopback port free right now (a cluster's addresses must be known before its members start). */
    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
