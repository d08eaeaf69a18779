package io.tern.client.protocol;

import io.tern.kv.VersionedKeyValue;
import io.tern.kv.WatchEvent;
import java.util.List;
import java.util.Objects;

/**
 * The OK answers to watch requests ({@code docs/protocol.md}, "Watches"); encoded and decoded by
 * {@link WatchCodec}. The first four are the frames of one WATCH_CREATE's stream, all under its
 * requestId; {@link Ack} answers WATCH_CANCEL and WATCH_PROGRESS.
 */
public final class WatchResponses {

    private WatchResponses() {
    }

    /** The stream's first frame: the watch exists; {@code revision} is the member's current revision. */
    public record Created(long requestId, long watchId, long revision) implements Response.WatchResponse {
    }

    /**
     * Changes, in revision order. {@code revision}: every change up to it that the watch selects has
     * now been sent, so that a watch resumed elsewhere may start at {@code revision + 1}. It is below
     * the last event's revision when a revision's changes continue in the next frame.
     */
    public record Events(long requestId, long watchId, long revision, List<WatchEvent> events)
            implements Response.WatchResponse {
        public Events {
            events = List.copyOf(events);
        }
    }

    /** Every change up to {@code revision} that the watch selects has been sent. */
    public record Progress(long requestId, long watchId, long revision) implements Response.WatchResponse {
    }

    /**
     * The stream's last frame: the watch is gone. {@code compactRevision} is not 0 when it ended
     * because the history it needed was compacted.
     */
    public record Canceled(long requestId, long watchId, long compactRevision, String reason)
            implements Response.WatchResponse {
        public Canceled {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** OK to WATCH_CANCEL or WATCH_PROGRESS. */
    public record Ack(long requestId) implements Response.WatchResponse {
    }

    /** The bytes {@code event} takes in an EVENTS frame, to cut frames before they reach a size. */
    public static int eventBytes(WatchEvent event) {
        return 1 + kvBytes(event.kv()) + 1 + (event.prevKv() == null ? 0 : kvBytes(event.prevKv()));
    }

    /** The bytes of an EVENTS frame (length prefix included) before its events. */
    public static final int EVENTS_FRAME_OVERHEAD = ProtocolLimits.LENGTH_PREFIX_BYTES + ProtocolLimits.BODY_HEADER_BYTES
            + 1 + 8 + 8 + 4;

    private static int kvBytes(VersionedKeyValue kv) {
        return 4 + kv.key().length + 4 + kv.value().length + 4 * 8;
    }

    /** Whether {@code response} is the last answer to its request: anything but a non-final stream frame. */
    public static boolean endsStream(Response response) {
        return !(response instanceof Created || response instanceof Events || response instanceof Progress);
    }
}
