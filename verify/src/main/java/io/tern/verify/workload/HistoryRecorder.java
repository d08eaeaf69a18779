package io.tern.verify.workload;

import io.tern.client.protocol.ReadMode;
import io.tern.verify.api.ApiClient;
import io.tern.verify.api.CallResult;
import io.tern.verify.history.Call;
import io.tern.verify.history.History;
import io.tern.verify.history.Operation;
import io.tern.verify.history.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntFunction;

/**
 * Runs concurrent processes against a cluster and records every call with its invocation and
 * completion time and its result, the way a checker needs it: one call at a time per process, a
 * certain failure recorded as failed, an uncertain one as unknown (open forever).
 *
 * <p>Each process has a client of its own ({@link ApiClient}, of whichever API the run speaks) that
 * starts at a different node, or spreads its calls over all of them, so reads are served by every
 * node, not only by whichever one the clients would settle on.
 */
public final class HistoryRecorder implements AutoCloseable {

    /** A revision that went backwards within one process: revisions only grow. */
    public record RevisionRegression(int process, long earlier, long later, String call) {
    }

    private final History history = new History();
    private final List<Thread> processes = new ArrayList<>();
    private final List<ApiClient> clients = new ArrayList<>();
    private final List<RevisionRegression> regressions = java.util.Collections.synchronizedList(new ArrayList<>());
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final long originNanos;
    private final Duration thinkTime;
    private final Random seeds;

    /**
     * @param txns         whether the processes draw TXNs too
     * @param clientFor    the client of process {@code i}
     * @param thinkTime    the most a process waits between calls (uniformly random), to keep the
     *                     history a size the checker can search
     */
    public HistoryRecorder(int processCount, int keyCount, long seed, long originNanos, Duration thinkTime,
                           boolean txns, IntFunction<? extends ApiClient> clientFor) {
        this.originNanos = originNanos;
        this.thinkTime = thinkTime;
        this.seeds = new Random(seed);
        for (int p = 0; p < processCount; p++) {
            ApiClient client = clientFor.apply(p);
            clients.add(client);
            OperationMix mix = new OperationMix(keyCount, p, seeds.nextLong(), txns);
            Random pause = new Random(seeds.nextLong());
            int process = p;
            processes.add(Thread.ofPlatform().name("verify-process-" + p).daemon()
                    .unstarted(() -> run(process, client, mix, pause)));
        }
    }

    public HistoryRecorder start() {
        processes.forEach(Thread::start);
        return this;
    }

    /** Stops issuing calls and waits for each process to finish the one it is in. */
    public void stop() throws InterruptedException {
        running.set(false);
        for (Thread process : processes) {
            process.join();
        }
    }

    public History history() {
        return history;
    }

    public List<RevisionRegression> regressions() {
        return List.copyOf(regressions);
    }

    private void run(int process, ApiClient client, OperationMix mix, Random pause) {
        long lastRevision = 0;
        while (running.get()) {
            Call call = mix.next();
            Operation operation = invoke(process, client, call);
            history.record(operation);
            if (operation.revision() != Operation.NO_REVISION && (client.localReadsFollowTheClient() || !isLocalRead(call))) {
                if (operation.revision() < lastRevision) {
                    regressions.add(new RevisionRegression(process, lastRevision, operation.revision(),
                            call.describe()));
                }
                lastRevision = Math.max(lastRevision, operation.revision());
            }
            if (operation.outcome() instanceof Outcome.ValueRead read && call instanceof Call.Get get) {
                mix.saw(get.key(), read.value());
            } else if (operation.outcome() instanceof Outcome.CasMismatch mismatch && call instanceof Call.Cas cas) {
                mix.saw(cas.key(), mismatch.current());
            } else if (operation.outcome() instanceof Outcome.Written && call instanceof Call.Put put) {
                mix.saw(put.key(), put.value());
            } else if (operation.outcome() instanceof Outcome.Written && call instanceof Call.Cas cas) {
                mix.saw(cas.key(), cas.newValue());
            } else if (operation.outcome() instanceof Outcome.Written && call instanceof Call.Txn txn) {
                txn.writes().forEach(write -> mix.saw(write.key(), write.value()));
            } else if (operation.outcome() instanceof Outcome.GuardsFailed failed) {
                failed.found().forEach(mix::saw);
            }
            long waitNanos = thinkTime.isZero() ? 0 : (long) (pause.nextDouble() * thinkTime.toNanos());
            if (waitNanos > 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(waitNanos);
            }
        }
    }

    /** Runs one call and returns it as an operation; one call at a time per process. */
    public Operation invoke(int process, ApiClient client, Call call) {
        long invoked = now();
        CallResult result = client.execute(call);
        return new Operation(process, call, result.outcome(), invoked, now(), result.revision());
    }

    private static boolean isLocalRead(Call call) {
        return call instanceof Call.Get get && get.readMode() == ReadMode.LOCAL;
    }

    private long now() {
        return System.nanoTime() - originNanos;
    }

    @Override
    public void close() {
        running.set(false);
        clients.forEach(ApiClient::close);
    }
}
