package io.tern.server.service;

import io.tern.client.protocol.BatchOp;
import io.tern.client.protocol.KvRequest;
import io.tern.client.protocol.ProtocolLimits;
import io.tern.client.protocol.Request;
import io.tern.client.protocol.Response;
import io.tern.engine.state.Command;
import io.tern.kv.KvOp;
import io.tern.kv.KvRequestChecks;
import io.tern.raft.core.RaftConfig;
import java.util.Optional;

/**
 * The size rules that the codec cannot know: {@code --max-value-bytes}, the key limit, and the
 * largest log entry a leader accepts ({@link RaftConfig#MAX_ENTRY_BYTES}), which is judged here too
 * so that a follower refuses such a write rather than forwarding it.
 */
final class RequestLimits {

    private final int maxValueBytes;

    RequestLimits(int maxValueBytes) {
        this.maxValueBytes = maxValueBytes;
    }

    /** A TOO_LARGE answer for a request over a limit, or empty when it is within them. */
    Optional<Response> check(Request request) {
        String problem = switch (request) {
            case Request.Get r -> key(r.key());
            case Request.Put r -> either(key(r.key()), value(r.value()));
            case Request.Delete r -> key(r.key());
            case Request.Cas r -> either(key(r.key()), either(value(r.expected()), value(r.newValue())));
            case Request.Scan r -> either(key(r.start()), key(r.end()));
            case Request.Batch r -> batch(r);
            case KvRequest.Range r -> keyValue(r.range());
            case KvRequest.Write r -> keyValue(r.op());
            default -> null;
        };
        if (problem == null) {
            problem = entry(request);
        }
        return problem == null ? Optional.empty() : Optional.of(new Response.TooLarge(request.requestId(), problem));
    }

    /** The longest key and value of an etcd operation, nested transactions included. */
    private String keyValue(KvOp op) {
        int key = KvRequestChecks.longestKey(op);
        if (key > ProtocolLimits.MAX_KEY_BYTES) {
            return "key of " + key + " bytes is over the limit of " + ProtocolLimits.MAX_KEY_BYTES;
        }
        int value = KvRequestChecks.longestValue(op);
        return value > maxValueBytes
                ? "value of " + value + " bytes is over the limit of " + maxValueBytes + " (--max-value-bytes)" : null;
    }

    private String batch(Request.Batch batch) {
        for (BatchOp op : batch.ops()) {
            String problem = either(key(op.key()), op instanceof BatchOp.Put put ? value(put.value()) : null);
            if (problem != null) {
                return problem;
            }
        }
        return null;
    }

    /** Any write a client frame can carry fits today; this keeps it so should the two limits drift apart. */
    private static String entry(Request request) {
        Command command = WriteCommands.of(request);
        long size = command == null ? 0 : command.encodedSize();
        return size > RaftConfig.MAX_ENTRY_BYTES ? "the request makes a log entry of " + size
                + " bytes, over the limit of " + RaftConfig.MAX_ENTRY_BYTES : null;
    }

    private static String key(byte[] key) {
        return key.length > ProtocolLimits.MAX_KEY_BYTES
                ? "key of " + key.length + " bytes is over the limit of " + ProtocolLimits.MAX_KEY_BYTES : null;
    }

    private String value(byte[] value) {
        return value != null && value.length > maxValueBytes
                ? "value of " + value.length + " bytes is over the limit of " + maxValueBytes + " (--max-value-bytes)"
                : null;
    }

    private static String either(String first, String second) {
        return first != null ? first : second;
    }
}
