package io.tern.cli;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Lets a command that holds something until Ctrl-C (a lock, a leadership) give it back first: on the
 * JVM's shutdown (SIGINT, SIGTERM) the command's thread is interrupted, and the shutdown waits until
 * the command has closed this (after releasing), for at most {@link #GRACE}. Without it the JVM
 * would exit at once and leave the lock held until its lease's TTL ran out.
 */
final class UntilCtrlC implements AutoCloseable {

    static final Duration GRACE = Duration.ofSeconds(10);

    private final CountDownLatch released = new CountDownLatch(1);
    private final Thread hook;

    private UntilCtrlC(Thread command) {
        this.hook = new Thread(() -> {
            command.interrupt();
            try {
                released.await(GRACE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "tern-release-on-exit");
    }

    /** From now until {@link #close()}, a shutdown of the JVM interrupts the calling thread. */
    static UntilCtrlC interruptsThisThread() {
        UntilCtrlC guard = new UntilCtrlC(Thread.currentThread());
        Runtime.getRuntime().addShutdownHook(guard.hook);
        return guard;
    }

    @Override
    public void close() {
        released.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // The hook is running: counting down above is what it waits for.
        }
    }
}
