package io.tern.cli.bench;

import io.tern.client.TernClient;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code keepalive}: grants {@code leases} leases, then renews them once each (keepAliveOnce) in
 * turn. Renewals count as writes: the leader changes the lease's expiry for each.
 */
final class KeepAliveWorkload implements Workload {

    /** Long enough that no lease expires while the load cycles through the others. */
    static final long TTL_SECONDS = 60;

    private final TernClient client;
    private final long[] leases;
    private final AtomicLong turn = new AtomicLong();

    KeepAliveWorkload(TernClient client, int leases) {
        this.client = client;
        this.leases = new long[leases];
    }

    @Override
    public void prepare() {
        Preload.run(leases.length, n -> client.leases().grantAsync(TTL_SECONDS)
                .thenAccept(granted -> leases[(int) n] = granted.id()));
    }

    @Override
    public Request send(ThreadLocalRandom random) {
        long lease = leases[(int) Long.remainderUnsigned(turn.getAndIncrement(), leases.length)];
        return new Request(false, client.leases().keepAliveOnceAsync(lease));
    }

    /** Revokes the leases rather than leaving them to expire, so that a run leaves nothing behind. */
    @Override
    public void close() {
        Preload.run(leases.length, n -> leases[(int) n] == 0 ? java.util.concurrent.CompletableFuture.completedFuture(null)
                : client.leases().revokeAsync(leases[(int) n]).exceptionally(error -> null));
    }
}
