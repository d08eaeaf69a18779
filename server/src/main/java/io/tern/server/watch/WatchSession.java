package io.tern.server.watch;

import io.tern.client.protocol.Request;
import io.tern.client.protocol.Response;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The watches of one client connection. The connection hands it its watch requests and tells it
 * when it can take output again and when it closed; the hub does the work on its thread and writes
 * every answer to the {@link WatchSink} itself, so that a stream's frames keep their order.
 */
public final class WatchSession {

    final WatchSink sink;
    private final WatchHub hub;
    /** Touched on the hub's thread only. */
    final Map<Long, Watch> watches = new HashMap<>();
    /** Watches waiting for the connection to drain; the hub's thread only. */
    final Set<Watch> blocked = new LinkedHashSet<>();
    private long lastPickedId;
    boolean closed;

    WatchSession(WatchHub hub, WatchSink sink) {
        this.hub = hub;
        this.sink = sink;
    }

    /**
     * Serves a watch request. The future completes (with {@code null}: the answer is already written)
     * once the hub has taken the request, so the connection may count it as in flight until then.
     */
    public CompletableFuture<Response> serve(Request.WatchRequest request) {
        CompletableFuture<Response> taken = new CompletableFuture<>();
        hub.run(() -> {
            try {
                hub.serve(this, request);
            } finally {
                taken.complete(null);
            }
        }, () -> {
            sink.write(new Response.Unavailable(request.requestId(), "the member is shutting down"));
            taken.complete(null);
        });
        return taken;
    }

    /** The connection takes output again: watches that waited for it catch up. */
    public void writable() {
        hub.run(() -> hub.resume(this), () -> { });
    }

    /** The connection closed: its watches end without another frame. */
    public void close() {
        hub.run(() -> hub.close(this), () -> { });
    }

    /** An id no watch of this connection has, for a create that let the member pick. */
    long pickId() {
        do {
            lastPickedId++;
        } while (lastPickedId == 0 || watches.containsKey(lastPickedId));
        return lastPickedId;
    }
}
