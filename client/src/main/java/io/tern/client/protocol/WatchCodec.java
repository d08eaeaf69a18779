package io.tern.client.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.tern.kv.KeyRange;
import io.tern.kv.KvCodec;
import io.tern.kv.WatchEvent;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The fields of the watch requests and their answers ({@code docs/protocol.md}, "Watches"), after
 * the 9-byte header; events in {@link KvCodec}'s form. {@link RequestCodec} and {@link ResponseCodec}
 * hand the watch opcodes here.
 */
final class WatchCodec {

    static final int KIND_CREATED = 0;
    static final int KIND_EVENTS = 1;
    static final int KIND_PROGRESS = 2;
    static final int KIND_CANCELED = 3;

    /** u8 type, two u32 lengths, four u64s and a u8 presence flag: the least one event takes. */
    private static final int MIN_EVENT_BYTES = 1 + 4 + 4 + 4 * 8 + 1;

    private WatchCodec() {
    }

    static void encodeRequest(Request.WatchRequest request, ByteBuf out) {
        switch (request) {
            case WatchRequests.Create r -> {
                FieldWriter.bytes(out, r.range().key());
                FieldWriter.bytes(out, r.range().rangeEnd());
                out.writeLong(r.startRevision());
                out.writeByte(r.flags());
                out.writeLong(r.watchId());
            }
            case WatchRequests.Cancel r -> out.writeLong(r.watchId());
            case WatchRequests.Progress r -> { }
        }
    }

    static Request.WatchRequest decodeRequest(Opcode opcode, long requestId, FieldReader in) {
        return switch (opcode) {
            case WATCH_CREATE -> {
                byte[] key = key(in, "key", requestId);
                byte[] rangeEnd = key(in, "rangeEnd", requestId);
                long start = in.u64("startRevision");
                if (start < 0) {
                    throw in.malformed("startRevision " + Long.toUnsignedString(start) + " is out of range");
                }
                int flags = in.u8("flags");
                if ((flags & ~WatchRequests.ALL_FLAGS) != 0) {
                    throw in.malformed("unknown flag bits " + flags);
                }
                yield new WatchRequests.Create(requestId, new KeyRange(key, rangeEnd), start, flags, in.u64("watchId"));
            }
            case WATCH_CANCEL -> new WatchRequests.Cancel(requestId, in.u64("watchId"));
            case WATCH_PROGRESS -> new WatchRequests.Progress(requestId);
            default -> throw new IllegalArgumentException(opcode + " is not a watch opcode");
        };
    }

    static void encodeResponse(Response.WatchResponse response, ByteBuf out) {
        switch (response) {
            case WatchResponses.Created r -> {
                out.writeByte(KIND_CREATED);
                out.writeLong(r.watchId());
                out.writeLong(r.revision());
            }
            case WatchResponses.Events r -> {
                out.writeByte(KIND_EVENTS);
                out.writeLong(r.watchId());
                out.writeLong(r.revision());
                out.writeInt(r.events().size());
                try (DataOutputStream data = new DataOutputStream(new ByteBufOutputStream(out))) {
                    for (WatchEvent event : r.events()) {
                        KvCodec.writeEvent(data, event);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot happen: writing to memory", e);
                }
            }
            case WatchResponses.Progress r -> {
                out.writeByte(KIND_PROGRESS);
                out.writeLong(r.watchId());
                out.writeLong(r.revision());
            }
            case WatchResponses.Canceled r -> {
                out.writeByte(KIND_CANCELED);
                out.writeLong(r.watchId());
                out.writeLong(r.compactRevision());
                FieldWriter.utf8(out, r.reason());
            }
            case WatchResponses.Ack r -> { }
        }
    }

    static Response.WatchResponse decodeResponse(Opcode opcode, long requestId, FieldReader in, ByteBuf body) {
        if (opcode != Opcode.WATCH_CREATE) {
            return new WatchResponses.Ack(requestId);
        }
        int kind = in.u8("kind");
        return switch (kind) {
            case KIND_CREATED -> new WatchResponses.Created(requestId, in.u64("watchId"), in.u64("revision"));
            case KIND_EVENTS -> {
                long watchId = in.u64("watchId");
                long revision = in.u64("revision");
                int n = in.count("event count", MIN_EVENT_BYTES);
                List<WatchEvent> events = new ArrayList<>(n);
                ByteBuffer view = body.nioBuffer(body.readerIndex(), body.readableBytes());
                for (int i = 0; i < n; i++) {
                    try {
                        events.add(KvCodec.decodeEvent(view));
                    } catch (IllegalArgumentException e) {
                        throw in.malformed("event " + i + ": " + e.getMessage());
                    }
                }
                body.skipBytes(view.position());
                yield new WatchResponses.Events(requestId, watchId, revision, events);
            }
            case KIND_PROGRESS -> new WatchResponses.Progress(requestId, in.u64("watchId"), in.u64("revision"));
            case KIND_CANCELED -> new WatchResponses.Canceled(requestId, in.u64("watchId"), in.u64("compactRevision"),
                    in.utf8("reason"));
            default -> throw in.malformed("unknown watch frame kind " + kind);
        };
    }

    private static byte[] key(FieldReader in, String field, long requestId) {
        int length = in.length(field);
        if (length > ProtocolLimits.MAX_KEY_BYTES) {
            throw new TooLargeException(field + " of " + length + " bytes is over the limit of "
                    + ProtocolLimits.MAX_KEY_BYTES, requestId);
        }
        return in.bytes(length, field);
    }
}
