package io.tern.client.protocol;

import io.tern.kv.KeyRange;
import java.util.Objects;

/** The watch requests of {@code docs/protocol.md}, "Watches"; encoded and decoded by {@link WatchCodec}. */
public final class WatchRequests {

    /** Flag bits of WATCH_CREATE. */
    public static final int NO_PUT = 1;
    public static final int NO_DELETE = 2;
    public static final int PREV_KV = 4;
    public static final int PROGRESS_NOTIFY = 8;
    static final int ALL_FLAGS = NO_PUT | NO_DELETE | PREV_KV | PROGRESS_NOTIFY;

    private WatchRequests() {
    }

    /**
     * Opens a watch of {@code range}: the answers to this request are the watch's stream, until its
     * CANCELED frame or a failure status.
     *
     * @param startRevision the first revision to send; 0 for the changes after the current revision
     * @param flags         {@link #NO_PUT}, {@link #NO_DELETE}, {@link #PREV_KV}, {@link #PROGRESS_NOTIFY}
     * @param watchId       the id the stream is known by on this connection; 0 lets the member pick one
     */
    public record Create(long requestId, KeyRange range, long startRevision, int flags, long watchId)
            implements Request.WatchRequest {
        public Create {
            Objects.requireNonNull(range, "range");
            if ((flags & ~ALL_FLAGS) != 0) {
                throw new IllegalArgumentException("unknown watch flags: " + flags);
            }
            if (startRevision < 0) {
                throw new IllegalArgumentException("startRevision must not be negative: " + startRevision);
            }
        }

        @Override
        public Opcode opcode() {
            return Opcode.WATCH_CREATE;
        }

        public boolean noPut() {
            return (flags & NO_PUT) != 0;
        }

        public boolean noDelete() {
            return (flags & NO_DELETE) != 0;
        }

        public boolean prevKv() {
            return (flags & PREV_KV) != 0;
        }

        public boolean progressNotify() {
            return (flags & PROGRESS_NOTIFY) != 0;
        }
    }

    /** Ends watch {@code watchId} of this connection; its stream then sends CANCELED. */
    public record Cancel(long requestId, long watchId) implements Request.WatchRequest {
        @Override
        public Opcode opcode() {
            return Opcode.WATCH_CANCEL;
        }
    }

    /** Asks for a PROGRESS frame on each of this connection's watches that has sent all it has. */
    public record Progress(long requestId) implements Request.WatchRequest {
        @Override
        public Opcode opcode() {
            return Opcode.WATCH_PROGRESS;
        }
    }
}
