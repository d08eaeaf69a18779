package io.tern.cli.bench;

import io.tern.client.KvResult;
import io.tern.client.TernClient;
import io.tern.client.TernException;
import io.tern.client.WatchListener;
import io.tern.client.WatchOptions;
import io.tern.client.Watcher;
import io.tern.kv.PutResponse;
import io.tern.kv.WatchEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Recorder;

/**
 * {@code watch-fanout}: {@code watchers} watches of one key, spread over the given clients, and the
 * load's logical clients putting to that key. Every watcher must get every write's event: the watches
 * start just above the revision read before the first write, so a watch that is still being set up
 * when the writes begin catches up rather than missing any. The delay of an event is from the put's
 * acknowledgement to the event's arrival at one watcher; an event that arrives before its put's
 * acknowledgement counts as no delay.
 */
final class WatchFanoutWorkload implements Workload {

    private final TernClient writer;
    private final List<TernClient> watchClients;
    private final int watchers;
    private final ValuePool values;
    /** A key of this run alone, so that another run's writes cannot be mistaken for this one's. */
    private final byte[] key = ("bench/watch-fanout/" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()))
            .getBytes(StandardCharsets.US_ASCII);
    private final List<Watcher> open = new ArrayList<>();
    private final AtomicLongArray delivered;
    private final ConcurrentHashMap<Long, Delivery> inFlight = new ConcurrentHashMap<>();
    private final Recorder delays = new Recorder(LoadGenerator.SIGNIFICANT_DIGITS);
    private final LongAdder acknowledged = new LongAdder();
    private final LongAdder measuredWrites = new LongAdder();
    private final LongAdder measuredEvents = new LongAdder();
    private final AtomicLong lastAcknowledged = new AtomicLong();
    private final LongAdder watchErrors = new LongAdder();
    /** Events of revisions above this count as measured: at or below, their puts were acknowledged in the warmup. */
    private volatile long measuredAbove;
    private volatile long target = Long.MAX_VALUE;
    private volatile CountDownLatch caughtUp;
    private final AtomicIntegerArray reachedTarget;

    /** One write's revision on its way to every watcher. */
    private static final class Delivery {
        volatile long acknowledgedAt;
        final AtomicInteger arrived = new AtomicInteger();
    }

    WatchFanoutWorkload(TernClient writer, List<TernClient> watchClients, int watchers, int valueSize) {
        this.writer = writer;
        this.watchClients = List.copyOf(watchClients);
        this.watchers = watchers;
        this.values = new ValuePool(valueSize);
        this.delivered = new AtomicLongArray(watchers);
        this.reachedTarget = new AtomicIntegerArray(watchers);
    }

    @Override
    public void prepare() {
        long start = writer.kv().get(key).revision();
        measuredAbove = start;
        lastAcknowledged.set(start);
        WatchOptions options = WatchOptions.key(key).withStartRevision(start + 1);
        for (int i = 0; i < watchers; i++) {
            int watcher = i;
            open.add(watchClients.get(i % watchClients.size()).watches().watch(options, new WatchListener() {
                @Override
                public void onEvents(List<WatchEvent> events) {
                    arrived(watcher, events);
                }

                @Override
                public void onClosed(TernException error) {
                    if (error != null) {
                        watchErrors.increment();
                    }
                }
            }));
        }
    }

    @Override
    public Request send(ThreadLocalRandom random) {
        return new Request(false, writer.kv().putAsync(key, values.next(random)).thenApply(this::acknowledged));
    }

    private KvResult<PutResponse> acknowledged(KvResult<PutResponse> put) {
        long revision = put.revision();
        acknowledged.increment();
        lastAcknowledged.accumulateAndGet(revision, Math::max);
        if (revision > measuredAbove) {
            measuredWrites.increment();
        }
        Delivery delivery = inFlight.computeIfAbsent(revision, r -> new Delivery());
        delivery.acknowledgedAt = System.nanoTime();
        if (delivery.arrived.get() == watchers) {
            inFlight.remove(revision);
        }
        return put;
    }

    private void arrived(int watcher, List<WatchEvent> events) {
        long now = System.nanoTime();
        for (WatchEvent event : events) {
            long revision = event.kv().modRevision();
            Delivery delivery = inFlight.computeIfAbsent(revision, r -> new Delivery());
            long acknowledgedAt = delivery.acknowledgedAt;
            delays.recordValue(acknowledgedAt == 0 ? 0 : Math.max(0, (now - acknowledgedAt) / 1_000));
            if (revision > measuredAbove) {
                measuredEvents.increment();
            }
            if (delivery.arrived.incrementAndGet() == watchers && delivery.acknowledgedAt != 0) {
                inFlight.remove(revision);
            }
        }
        delivered.addAndGet(watcher, events.size());
        checkCaughtUp(watcher);
    }

    private void checkCaughtUp(int watcher) {
        CountDownLatch latch = caughtUp;
        if (latch != null && delivered.get(watcher) >= target && reachedTarget.compareAndSet(watcher, 0, 1)) {
            latch.countDown();
        }
    }

    @Override
    public void startMeasuring() {
        measuredAbove = lastAcknowledged.get();
        measuredWrites.reset();
        measuredEvents.reset();
        delays.reset();
    }

    @Override
    public BenchReport.Fanout finish(long measuredFrom, Duration timeout) throws InterruptedException {
        target = acknowledged.sum();
        caughtUp = new CountDownLatch(watchers);
        for (int i = 0; i < watchers; i++) {
            checkCaughtUp(i);
        }
        caughtUp.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
        long missing = 0;
        for (int i = 0; i < watchers; i++) {
            missing += Math.max(0, target - delivered.get(i));
        }
        long events = measuredEvents.sum();
        double measuredSeconds = (System.nanoTime() - measuredFrom) / 1e9;
        return new BenchReport.Fanout(watchers, watchClients.size(), events,
                Math.round(events / measuredSeconds * 10) / 10.0, measuredWrites.sum() * watchers, missing,
                watchErrors.sum(), BenchReport.Latency.of(delays.getIntervalHistogram()));
    }

    @Override
    public void close() {
        open.forEach(Watcher::close);
        watchClients.forEach(TernClient::close);
    }
}
