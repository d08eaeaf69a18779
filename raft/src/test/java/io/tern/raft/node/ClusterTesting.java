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
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.fail;

/** What the cluster tests share: waiting for a condition (by polling status, never a guessed sleep) and free ports. */
final class ClusterTesting {

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
     * leadership over. Right after a start leadership may still move while it is asked: a leader seen a
     * moment ago may lose its term to a campaign, and its transfer then fails as soon as the new leader
     * is known (seen under load). Only then is whoever leads now asked; a transfer that waits longer
     * fails the test.
     */
    static void makeLeader(RaftNode wanted, Collection<RaftNode> members, Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        wanted.campaign();
        while (wanted.status().role() != Role.LEADER) {
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
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
                leader.transferLeadership(wanted.id()).get(remaining, TimeUnit.NANOSECONDS);
            } catch (ExecutionException e) {
                // Leadership moved past the member asked (it no longer leads, or another took over).
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
