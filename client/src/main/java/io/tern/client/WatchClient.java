package io.tern.client;

import io.tern.kv.WatchEvent;
import java.util.Objects;
import java.util.concurrent.Flow;

/**
 * Watches of a {@link TernClient} ({@link TernClient#watches()}): each change of a key or a range, in
 * revision order, exactly once, from any member. A watch survives the loss of the member serving it:
 * it goes on at another endpoint from the last revision it delivered, with no gap and no repeat. It
 * ends with {@link CompactedException} when that history has been compacted meanwhile.
 *
 * <pre>{@code
 * try (Watcher watcher = client.watches().watch(WatchOptions.prefix(bytes("config/")), events ->
 *         events.forEach(e -> System.out.println(e.type() + " " + new String(e.kv().key())))) {
 *     ...
 * }
 * }</pre>
 */
public final class WatchClient {

    private final CallContext context;

    WatchClient(CallContext context) {
        this.context = context;
    }

    /** Starts a watch; {@code listener} gets its changes until the returned watcher is closed. */
    public Watcher watch(WatchOptions options, WatchListener listener) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(listener, "listener");
        WatchStream stream = new WatchStream(context, options, listener);
        stream.start();
        return stream;
    }

    /**
     * The same watch as a reactive stream: each subscriber starts its own watch and gets one event per
     * {@code onNext}, as it asks for them. The stream does not complete by itself: cancel the
     * subscription to stop it; {@code onError} ends it with the watch's error (such as
     * {@link CompactedException}, or the client's closing). A subscriber that asks for fewer changes
     * than arrive pauses the watch at the member once a bounded buffer fills; it goes on from where it
     * stopped as the subscriber catches up.
     */
    public Flow.Publisher<WatchEvent> publisher(WatchOptions options) {
        Objects.requireNonNull(options, "options");
        return subscriber -> {
            Objects.requireNonNull(subscriber, "subscriber");
            WatchSubscription subscription = new WatchSubscription(subscriber);
            subscriber.onSubscribe(subscription);
            subscription.start(new WatchStream(context, options, subscription));
        };
    }
}
