package io.tern.verify.api;

import io.tern.kv.WatchEvent;
import java.util.List;

/**
 * Where a watch started through an {@link ApiClient} delivers, whichever API carries it. Calls come
 * one at a time, in order, on the client's threads: they must be short and never block.
 */
public interface WatchSink {

    /** Changes in the order the client delivered them. */
    void onEvents(List<WatchEvent> events);

    /** The client says every change up to {@code revision} has been delivered (a progress notification). */
    void onProgress(long revision);

    /**
     * The watch ended: {@code error} is {@code null} when the caller closed it, otherwise why the client
     * gave it up. Nothing is delivered after this.
     */
    void onClosed(String error);
}
