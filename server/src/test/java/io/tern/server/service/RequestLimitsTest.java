package io.tern.server.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.tern.client.protocol.BatchOp;
import io.tern.client.protocol.ProtocolLimits;
import io.tern.client.protocol.Request;
import io.tern.client.protocol.RequestCodec;
import io.tern.client.protocol.Response;
import io.tern.raft.core.RaftConfig;
import io.tern.raft.core.Rejection;
import io.tern.raft.node.RejectedException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The entry-size rule: a write whose log entry no leader would accept is TOO_LARGE before anything is proposed. */
class RequestLimitsTest {

    private static final int VALUE_LIMIT = 4 * 1024 * 1024;

    @Test
    void everyWriteAClientFrameCanCarryMakesAnEntryALeaderAccepts() {
        // A command is its request's fields behind a version and type byte: a few bytes less than the body.
        byte[] value = new byte[VALUE_LIMIT];
        int rest = ProtocolLimits.MAX_FRAME_BODY_BYTES - ProtocolLimits.BODY_HEADER_BYTES - 4 - 3 * (1 + 4 + 1 + 4)
                - 2 * VALUE_LIMIT;
        Request.Batch batch = new Request.Batch(1, List.of(new BatchOp.Put(new byte[] {1}, value),
                new BatchOp.Put(new byte[] {2}, value), new BatchOp.Put(new byte[] {3}, new byte[rest])));
        assertEquals(ProtocolLimits.MAX_FRAME_BODY_BYTES, bodySize(batch));
        long entry = WriteCommands.of(batch).encodedSize();
        assertTrue(entry <= RaftConfig.MAX_ENTRY_BYTES, entry + " bytes");
        assertTrue(new RequestLimits(VALUE_LIMIT).check(batch).isEmpty());

        byte[] longKey = new byte[ProtocolLimits.MAX_KEY_BYTES];
        byte[] longValue = new byte[ProtocolLimits.MAX_FRAME_BODY_BYTES - ProtocolLimits.BODY_HEADER_BYTES - 8
                - longKey.length];
        Request.Put put = new Request.Put(2, longKey, longValue);
        assertEquals(ProtocolLimits.MAX_FRAME_BODY_BYTES, bodySize(put));
        assertTrue(new RequestLimits(Integer.MAX_VALUE).check(put).isEmpty());
    }

    @Test
    void aWriteWhoseEntryIsOverTheLimitIsTooLarge() {
        byte[] value = new byte[VALUE_LIMIT];
        List<BatchOp> puts = List.of(new BatchOp.Put(new byte[] {1}, value), new BatchOp.Put(new byte[] {2}, value),
                new BatchOp.Put(new byte[] {3}, new byte[64 * 1024]));
        Request.Batch batch = new Request.Batch(7, puts);
        assertTrue(WriteCommands.of(batch).encodedSize() > RaftConfig.MAX_ENTRY_BYTES);
        var refused = assertInstanceOf(Response.TooLarge.class, new RequestLimits(VALUE_LIMIT).check(batch).orElseThrow());
        assertEquals(7, refused.requestId());
        assertTrue(refused.message().contains("log entry"), refused.message());
    }

    @Test
    void theLeadersRefusalOfAnEntryIsTooLarge() {
        Response response = Failures.toResponse(3, new RejectedException(Rejection.TOO_LARGE, "too big", 1, ""), true);
        assertEquals(new Response.TooLarge(3, "too big"), response);
    }

    private static int bodySize(Request request) {
        ByteBuf body = Unpooled.buffer();
        try {
            RequestCodec.encode(request, body);
            return body.readableBytes();
        } finally {
            body.release();
        }
    }
}
