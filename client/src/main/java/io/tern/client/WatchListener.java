package io.tern.client;

import io.tern.kv.WatchEvent;
import java.util.List;

/**
 * Receives one watch's changes. Calls come one at a time, in order, on the client's I/O threads: keep
 * them short and never block in one.
 */
public interface WatchListener {

    /** Changes in revision order; each change of the watched keys exactly once, with no gap. */
    void onEvents(List<WatchEvent> events);

    /** Every change up to {@code revision} has been delivered (progress notifications). */
    default void onProgress(long revision) {
    }

    /**
     * The watch ended: {@code error} is {@code null} when it was closed by the caller, a
     * {@link CompactedException} when the history it needed is gone (it cannot resume without a gap),
     * or another {@link TernException} the member refused it with. Nothing is delivered after this.
     */
    default void onClosed(TernException error) {
    }
}
