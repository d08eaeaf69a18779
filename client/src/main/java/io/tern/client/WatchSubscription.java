package io.tern.client;

import io.tern.kv.WatchEvent;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.Flow;

/**
 * One subscriber of {@link WatchClient#publisher}: events wait in a buffer for the subscriber's
 * demand. Past {@link #MAX_BUFFERED} the watch is suspended at the member, and it continues from
 * where it was once the subscriber has taken half of them, so a slow subscriber holds bounded memory.
 */
final class WatchSubscription implements Flow.Subscription, WatchListener {

    static final int MAX_BUFFERED = 10_000;

    private final Flow.Subscriber<? super WatchEvent> subscriber;
    private final ArrayDeque<WatchEvent> buffer = new ArrayDeque<>();
    private WatchStream stream;
    private long demand;
    private boolean cancelled;
    private boolean ended;
    private boolean signalledEnd;
    private TernException error;
    private boolean suspended;
    private boolean draining;
    private boolean again;

    WatchSubscription(Flow.Subscriber<? super WatchEvent> subscriber) {
        this.subscriber = subscriber;
    }

    void start(WatchStream watch) {
        synchronized (this) {
            stream = watch;
            if (cancelled) {
                return;
            }
        }
        watch.start();
    }

    @Override
    public void request(long n) {
        synchronized (this) {
            if (n <= 0) {
                ended = true;
                error = null;
                buffer.clear();
                signalledEnd = true;
                cancelled = true;
            } else {
                demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
            }
        }
        if (n <= 0) {
            closeStream();
            subscriber.onError(new IllegalArgumentException("request(" + n + "): demand must be positive"));
            return;
        }
        drain();
    }

    @Override
    public void cancel() {
        synchronized (this) {
            cancelled = true;
            buffer.clear();
        }
        closeStream();
    }

    private void closeStream() {
        WatchStream watch;
        synchronized (this) {
            watch = stream;
        }
        if (watch != null) {
            watch.close();
        }
    }

    @Override
    public void onEvents(List<WatchEvent> events) {
        boolean suspend;
        synchronized (this) {
            if (cancelled) {
                return;
            }
            buffer.addAll(events);
            suspend = !suspended && buffer.size() > MAX_BUFFERED;
            suspended |= suspend;
        }
        if (suspend) {
            stream.suspend();
        }
        drain();
    }

    @Override
    public void onClosed(TernException failure) {
        synchronized (this) {
            ended = true;
            error = failure;
        }
        drain();
    }

    private void drain() {
        synchronized (this) {
            if (draining) {
                again = true;
                return;
            }
            draining = true;
        }
        while (true) {
            WatchEvent next = null;
            boolean finish = false;
            boolean resume = false;
            TernException failure;
            synchronized (this) {
                failure = error;
                if (!cancelled && demand > 0 && !buffer.isEmpty()) {
                    next = buffer.poll();
                    demand--;
                    if (suspended && buffer.size() <= MAX_BUFFERED / 2 && !ended) {
                        suspended = false;
                        resume = true;
                    }
                } else if (!cancelled && ended && buffer.isEmpty() && !signalledEnd) {
                    signalledEnd = true;
                    finish = true;
                } else if (again) {
                    again = false;
                    continue;
                } else {
                    draining = false;
                    return;
                }
            }
            if (resume) {
                stream.unsuspend();
            }
            if (next != null) {
                subscriber.onNext(next);
            } else if (finish) {
                if (failure == null) {
                    subscriber.onComplete();
                } else {
                    subscriber.onError(failure);
                }
            }
        }
    }
}
