package io.tern.etcd;

import io.grpc.StatusRuntimeException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The gateway's long-lived streams (watches, lease keep-alives), which only the client ends: when the
 * gateway stops, it ends them with etcd's "server stopped", so that their clients go to another
 * member at once and the gateway need not wait for them.
 */
final class OpenStreams {

    /** A stream the gateway can end. */
    interface Stream {
        void stop(StatusRuntimeException status);
    }

    private final Set<Stream> open = ConcurrentHashMap.newKeySet();
    private volatile boolean stopping;

    void opened(Stream stream) {
        open.add(stream);
        if (stopping) {
            stream.stop(EtcdErrors.stopped());
        }
    }

    void ended(Stream stream) {
        open.remove(stream);
    }

    /** Ends every open stream, and any opened from now on. */
    void stopAll() {
        stopping = true;
        for (Stream stream : open) {
            stream.stop(EtcdErrors.stopped());
        }
    }
}
