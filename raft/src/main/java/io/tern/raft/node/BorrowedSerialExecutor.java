package io.tern.raft.node;

import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An {@link java.util.concurrent.ExecutorService} over a serial executor that someone else owns and
 * stops, such as a Netty event loop: shutting this down refuses new tasks and lets those accepted
 * run, and {@link #awaitTermination} waits for them, while the owner's executor runs on. Shut this
 * down before the owner stops: a task the owner drops unrun while stopping is never counted as
 * finished, and {@link #awaitTermination} then runs out its timeout.
 */
final class BorrowedSerialExecutor extends AbstractExecutorService {

    /** Set in {@link #state} once shut down; the bits below count the tasks accepted and not yet run. */
    private static final long SHUT_DOWN = 1L << 62;

    private final Executor owner;
    private final String name;
    // One word, so that accepting a task and shutting down cannot interleave, and a task costs no lock.
    private final AtomicLong state = new AtomicLong();
    private final CountDownLatch terminated = new CountDownLatch(1);

    BorrowedSerialExecutor(Executor owner, String name) {
        this.owner = owner;
        this.name = name;
    }

    @Override
    public void execute(Runnable task) {
        long seen;
        do {
            seen = state.get();
            if ((seen & SHUT_DOWN) != 0) {
                throw new RejectedExecutionException(name + " is shut down");
            }
        } while (!state.compareAndSet(seen, seen + 1));
        try {
            owner.execute(() -> {
                try {
                    task.run();
                } finally {
                    finished();
                }
            });
        } catch (RuntimeException e) {
            finished(); // the owner refused it (stopped first): nothing will run it
            throw e;
        }
    }

    private void finished() {
        if (state.decrementAndGet() == SHUT_DOWN) {
            terminated.countDown();
        }
    }

    @Override
    public void shutdown() {
        if (state.getAndUpdate(s -> s | SHUT_DOWN) == 0) {
            terminated.countDown();
        }
    }

    /** As {@link #shutdown()}: the tasks already handed to the owner cannot be taken back from it. */
    @Override
    public List<Runnable> shutdownNow() {
        shutdown();
        return List.of();
    }

    @Override
    public boolean isShutdown() {
        return (state.get() & SHUT_DOWN) != 0;
    }

    @Override
    public boolean isTerminated() {
        return terminated.getCount() == 0;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return terminated.await(timeout, unit);
    }
}
