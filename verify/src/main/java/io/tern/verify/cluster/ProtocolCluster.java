package io.tern.verify.cluster;

import io.tern.client.ReadOptions;
import io.tern.client.ScanResult;
import io.tern.client.ServerStatus;
import io.tern.client.TernClient;
import io.tern.client.TernException;
import io.tern.kv.KeyValue;
import io.tern.verify.api.ClientSecurity;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.IntPredicate;
import java.util.function.Predicate;

/**
 * What both kinds of cluster do through the wire protocol: STATUS, waiting for a leader, and the
 * operations only a leader carries out. Subclasses say which members exist and where to reach each.
 */
abstract class ProtocolCluster implements ClusterControl {

    /** A node that does not answer STATUS within this is taken as not answering (paused, cut off, down). */
    static final Duration STATUS_TIMEOUT = Duration.ofMillis(750);
    /** Deadline of one admin call (transfer, member add/remove, snapshot). */
    static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(10);
    /** How long a membership change, with the catch-up of the member it concerns, may take. */
    static final Duration MEMBERSHIP_TIMEOUT = Duration.ofSeconds(60);

    private final ClientSecurity security;
    private final TernClient statusClient;

    ProtocolCluster(String anyEndpoint, ClientSecurity security) {
        this.security = security;
        this.statusClient = security.applyTo(TernClient.builder().endpoints(List.of(anyEndpoint)).discoverLeader(false)
                .connectionsPerEndpoint(1).requestTimeout(STATUS_TIMEOUT.multipliedBy(2))).build();
    }

    @Override
    public ClientSecurity clientSecurity() {
        return security;
    }

    /** Where to ask member {@code id} for its STATUS and send it admin calls (past any proxy when we can). */
    abstract String adminAddress(int id);

    /** A description of the cluster's nodes for failure messages. */
    abstract String describe();

    @Override
    public Optional<ServerStatus> status(int id) {
        return statusAsync(id).join();
    }

    @Override
    public Map<Integer, ServerStatus> statuses() {
        return statuses(nodeIds());
    }

    Map<Integer, ServerStatus> statuses(Collection<Integer> ids) {
        Map<Integer, CompletableFuture<Optional<ServerStatus>>> pending = new LinkedHashMap<>();
        for (int id : ids) {
            pending.put(id, statusAsync(id));
        }
        Map<Integer, ServerStatus> answers = new LinkedHashMap<>();
        pending.forEach((id, future) -> future.join().ifPresent(status -> answers.put(id, status)));
        return answers;
    }

    CompletableFuture<Optional<ServerStatus>> statusAsync(int id) {
        return statusAt(adminAddress(id));
    }

    /** The STATUS of whichever node answers at {@code address}; empty if none does in time. */
    CompletableFuture<Optional<ServerStatus>> statusAt(String address) {
        try {
            return statusClient.statusAsync(address)
                    .orTimeout(STATUS_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .thenApply(json -> Optional.of(ServerStatus.parse(json)))
                    .exceptionally(error -> Optional.empty());
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
    }

    @Override
    public int awaitLeader(Duration timeout, IntPredicate acceptable) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<Integer, ServerStatus> seen = Map.of();
        while (true) {
            seen = statuses();
            OptionalInt leader = Leaders.confirmedLeader(seen.values());
            if (leader.isPresent() && acceptable.test(leader.getAsInt())) {
                return leader.getAsInt();
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new ClusterException("no acceptable leader within " + timeout.toMillis() + " ms; last statuses "
                        + seen.values() + describe());
            }
            Await.pause(Await.POLL_MILLIS);
        }
    }

    @Override
    public void transferLeader(int targetId) {
        int leader = awaitLeader(ADMIN_TIMEOUT);
        call(leader, client -> {
            client.transferLeader(targetId);
            return null;
        });
    }

    @Override
    public long snapshot(int id) {
        return call(id, TernClient::snapshot);
    }

    @Override
    public StateDigest digest(int id, long minRevision) {
        return call(id, client -> {
            MessageDigest sha = sha256();
            byte[] start = new byte[0];
            long keys = 0;
            long first = -1;
            long last = -1;
            while (true) {
                ScanResult page = client.scan(start, new byte[0], 0, ReadOptions.localAtLeast(minRevision));
                first = first < 0 ? page.revision() : first;
                last = page.revision();
                for (KeyValue entry : page.entries()) {
                    update(sha, entry.key());
                    update(sha, entry.value());
                    keys++;
                }
                if (!page.more() || page.entries().isEmpty()) {
                    break;
                }
                byte[] lastKey = page.entries().getLast().key();
                start = Arrays.copyOf(lastKey, lastKey.length + 1); // the smallest key after it
            }
            return new StateDigest(id, first, last, keys, HexFormat.of().formatHex(sha.digest()));
        });
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    private static void update(MessageDigest sha, byte[] bytes) {
        sha.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
        sha.update(bytes);
    }

    /** Runs {@code operation} with a client of member {@code id} alone, made for this one call. */
    <T> T call(int id, Function<TernClient, T> operation) {
        try (TernClient client = security.applyTo(TernClient.builder().endpoints(List.of(adminAddress(id)))
                .discoverLeader(false).connectionsPerEndpoint(1).requestTimeout(ADMIN_TIMEOUT)).build()) {
            return operation.apply(client);
        } catch (TernException e) {
            throw new ClusterException("member " + id + " at " + adminAddress(id) + " refused: " + e.getMessage(), e);
        }
    }

    /**
     * Sends {@code change} to the leader until the leader's configuration satisfies {@code done}: a
     * change whose outcome was unknown (a lost answer, a leader change) is checked, not blindly
     * repeated.
     */
    void changeMembership(String what, Predicate<ServerStatus> done, Function<TernClient, ?> change, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String lastError = "none";
        while (true) {
            Duration left = Duration.ofNanos(Math.max(1, deadline - System.nanoTime()));
            int leader = awaitLeader(left);
            Optional<ServerStatus> status = status(leader);
            if (status.isPresent() && status.get().isLeader() && done.test(status.get())) {
                return;
            }
            try {
                call(leader, change);
            } catch (ClusterException e) {
                lastError = e.getMessage();
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new ClusterException(what + " did not happen within " + timeout.toMillis() + " ms; last error: "
                        + lastError + describe());
            }
            Await.pause(Await.POLL_MILLIS);
        }
    }

    /** Removes member {@code id} from the configuration, through the leader. */
    void removeMember(int id) {
        changeMembership("removing member " + id, s -> !s.hasMember(id), c -> c.memberRemove(id), MEMBERSHIP_TIMEOUT);
    }

    /**
     * Adds member {@code id} at {@code address} as a learner, waits until it has applied what the
     * leader had committed, then promotes it to voter: the new member never counts toward a quorum
     * before it holds the log.
     */
    void addMember(int id, String address) {
        long deadline = System.nanoTime() + MEMBERSHIP_TIMEOUT.toNanos();
        changeMembership("adding member " + id + " as a learner", s -> s.hasMember(id),
                c -> c.memberAdd(id, address, false), MEMBERSHIP_TIMEOUT);
        int leader = awaitLeader(left(deadline));
        long commit = status(leader).map(ServerStatus::commitIndex).orElse(0L);
        Await.until("member " + id + " to catch up to index " + commit, left(deadline),
                () -> status(id).map(s -> s.hasMember(id) && s.appliedIndex() >= commit).orElse(false));
        changeMembership("promoting member " + id + " to voter", s -> s.hasVoter(id),
                c -> c.memberPromote(id), left(deadline));
    }

    static Duration left(long deadlineNanos) {
        return Duration.ofNanos(Math.max(1, deadlineNanos - System.nanoTime()));
    }

    @Override
    public void close() {
        statusClient.close();
    }
}
