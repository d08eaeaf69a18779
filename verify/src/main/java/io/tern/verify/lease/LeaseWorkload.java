package io.tern.verify.lease;

import io.tern.verify.api.ApiCallException;
import io.tern.verify.api.ApiClient;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntFunction;

/**
 * Holders of short leases beside the kv workload, for {@link LeaseChecker}. Each holder, over and over:
 * grants a lease, puts a key of its own with it, keeps it alive for one to three TTLs by sending
 * keep-alives itself (every third of the TTL, recording when each acknowledged one was sent) while
 * reading the key (linearizably) every few hundred milliseconds, then stops renewing (every third
 * lease it revokes instead) and goes on reading until the key is gone. Keys are {@code lease/h<holder>-<n>},
 * outside the kv workload's keys. Times are nanoseconds after the run's origin, as the history's.
 *
 * <p>A lease whose grant or put was not acknowledged is given up (revoked if it can be) and not
 * judged: it is unknown whether its key ever existed.
 */
public final class LeaseWorkload implements AutoCloseable {

    /** How long a holder waits between reads of its key. */
    private static final long READ_EVERY_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
    /** How long a holder goes on reading an unrenewed lease's key past its TTL before it gives up. */
    private static final long EXPIRY_PATIENCE_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final long ttlSeconds;
    private final long originNanos;
    private final List<Thread> holders = new ArrayList<>();
    private final List<ApiClient> clients = new ArrayList<>();
    private final List<LeaseRecord> leases = Collections.synchronizedList(new ArrayList<>());
    private final List<String> notes = Collections.synchronizedList(new ArrayList<>());
    private final AtomicBoolean running = new AtomicBoolean(true);

    /**
     * @param ttlSeconds the TTL each lease asks for (the cluster may raise it to its minimum)
     * @param clientFor  the client of holder {@code i}
     */
    public LeaseWorkload(int holderCount, long ttlSeconds, long seed, long originNanos,
                         IntFunction<? extends ApiClient> clientFor) {
        this.ttlSeconds = ttlSeconds;
        this.originNanos = originNanos;
        Random seeds = new Random(seed);
        for (int h = 0; h < holderCount; h++) {
            ApiClient client = clientFor.apply(h);
            clients.add(client);
            Random random = new Random(seeds.nextLong());
            int holder = h;
            holders.add(Thread.ofPlatform().name("verify-lease-holder-" + h).daemon()
                    .unstarted(() -> hold(holder, client, random)));
        }
    }

    public LeaseWorkload start() {
        holders.forEach(Thread::start);
        return this;
    }

    /** Stops granting and renewing, and waits until each holder has seen its last lease end (or given up). */
    public void stop() throws InterruptedException {
        running.set(false);
        for (Thread holder : holders) {
            holder.join();
        }
    }

    /** Every lease that was granted and had its key put, as recorded so far. */
    public List<LeaseRecord> leases() {
        synchronized (leases) {
            return List.copyOf(leases);
        }
    }

    /** What holders saw that is worth a line in the summary (leases given up, keys that never went away). */
    public List<String> notes() {
        synchronized (notes) {
            return List.copyOf(notes);
        }
    }

    private void hold(int holder, ApiClient client, Random random) {
        for (int n = 1; running.get(); n++) {
            String key = "lease/h" + holder + "-" + n;
            LeaseRecord lease = grantAndPut(client, key);
            if (lease == null) {
                pause(READ_EVERY_NANOS);
                continue;
            }
            leases.add(lease);
            long keepUntil = now() + (1 + random.nextInt(3)) * lease.ttlNanos;
            long nextRenewal = lease.grantSent + lease.ttlNanos / 3;
            while (running.get() && now() < keepUntil && !lease.goneSeen()) {
                if (now() >= nextRenewal) {
                    nextRenewal = now() + lease.ttlNanos / 3;
                    renew(client, lease);
                } else {
                    read(client, lease);
                    pause(Math.min(READ_EVERY_NANOS, nextRenewal - now()));
                }
            }
            if (n % 3 == 0) {
                lease.revokeSent = now();
                try {
                    client.revoke(lease.id);
                } catch (ApiCallException e) {
                    // Revoked or not, the lease ends by its TTL at the latest; the reads judge it.
                }
            }
            long giveUp = now() + lease.ttlNanos + EXPIRY_PATIENCE_NANOS;
            while (!lease.goneSeen() && now() < giveUp) {
                read(client, lease);
                pause(READ_EVERY_NANOS);
            }
            if (!lease.goneSeen()) {
                notes.add(lease.name() + ": " + key + " was still there " + TimeUnit.NANOSECONDS.toSeconds(
                        EXPIRY_PATIENCE_NANOS) + " s past its TTL when its holder stopped reading");
            }
        }
    }

    private LeaseRecord grantAndPut(ApiClient client, String key) {
        long sent = now();
        ApiClient.GrantedLease grant;
        try {
            grant = client.grant(ttlSeconds);
        } catch (ApiCallException e) {
            return null; // not granted, or granted with an id nobody learned: it expires unjudged
        }
        LeaseRecord lease = new LeaseRecord(grant.id(), TimeUnit.SECONDS.toNanos(grant.ttlSeconds()), key, sent, now());
        try {
            client.put(key, "h-" + grant.id(), grant.id());
            return lease;
        } catch (ApiCallException e) {
            try {
                client.revoke(grant.id());
            } catch (ApiCallException ignored) {
                // It expires by its TTL.
            }
            notes.add(lease.name() + ": given up, its key could not be put (" + e.getMessage() + ")");
            return null;
        }
    }

    private void renew(ApiClient client, LeaseRecord lease) {
        long sent = now();
        try {
            client.keepAliveOnce(lease.id);
            lease.renewed(sent, now());
        } catch (ApiCallException.LeaseNotFound e) {
            lease.unanswered(now());
            notes.add(lease.name() + ": a keep-alive sent " + millis(sent) + " ms into the run found it gone");
        } catch (ApiCallException e) {
            lease.unanswered(now());
        }
    }

    private void read(ApiClient client, LeaseRecord lease) {
        long invoked = now();
        try {
            boolean present = client.exists(lease.key);
            lease.read(new LeaseHistory.KeyRead(lease.key, invoked, now(), present));
        } catch (ApiCallException e) {
            // A read that failed saw nothing.
        }
    }

    private long now() {
        return System.nanoTime() - originNanos;
    }

    private static long millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }

    private static void pause(long nanos) {
        if (nanos > 0) {
            // The pace of a holder's calls, not a wait for a condition.
            java.util.concurrent.locks.LockSupport.parkNanos(nanos);
        }
    }

    @Override
    public void close() {
        running.set(false);
        clients.forEach(ApiClient::close);
    }
}
