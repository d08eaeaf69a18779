package io.tern.raft.node;

import io.tern.engine.StorageEngine;
import io.tern.raft.core.Role;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Collection;
import java.util.Comparator;
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
     * leadership over.
     */
    static void makeLeader(RaftNode wanted, Collection<RaftNode> members, Duration limit) throws Exception {
        wanted.campaign();
        awaitTrue(() -> members.stream().anyMatch(node -> node.status().role() == Role.LEADER), limit, "a leader",
                wanted::describe);
        RaftNode leader = members.stream().filter(node -> node.status().role() == Role.LEADER)
                .max(Comparator.comparingLong(node -> node.status().term())).orElseThrow();
        if (leader != wanted) {
            leader.transferLeadership(wanted.id()).get(limit.toMillis(), TimeUnit.MILLISECONDS);
        }
        awaitTrue(() -> wanted.status().role() == Role.LEADER, limit, "member " + wanted.id() + " to lead",
                wanted::describe);
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
