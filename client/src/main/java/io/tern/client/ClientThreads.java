package io.tern.client;

import io.netty.util.concurrent.FastThreadLocalThread;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Makes the daemon threads of one client ({@code tern-client-<n>-io-<k>}, {@code tern-client-<n>-timer}),
 * marked with their owner so that a blocking call made on one of them can be refused instead of
 * deadlocking.
 */
final class ClientThreads implements ThreadFactory {

    private static final AtomicInteger CLIENTS = new AtomicInteger();

    /** A thread of a client's event loop group or timer. */
    static final class OwnedThread extends FastThreadLocalThread {
        private final Object owner;

        OwnedThread(Object owner, Runnable task, String name) {
            super(task, name);
            this.owner = owner;
            setDaemon(true);
        }
    }

    private final Object owner;
    private final String prefix;
    private final AtomicInteger threads = new AtomicInteger();

    private ClientThreads(Object owner, String prefix) {
        this.owner = owner;
        this.prefix = prefix;
    }

    /** The I/O and timer thread factories of a new client; they share the client's number. */
    static ClientThreads[] forClient(Object owner) {
        String base = "tern-client-" + CLIENTS.incrementAndGet();
        return new ClientThreads[] {new ClientThreads(owner, base + "-io-"), new ClientThreads(owner, base + "-timer-")};
    }

    @Override
    public Thread newThread(Runnable task) {
        return new OwnedThread(owner, task, prefix + threads.incrementAndGet());
    }

    /** Whether the calling thread is one of {@code owner}'s. */
    static boolean isOwnedBy(Object owner) {
        return Thread.currentThread() instanceof OwnedThread thread && thread.owner == owner;
    }
}
