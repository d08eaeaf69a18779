package io.tern.client.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.tern.kv.KeyRange;
import io.tern.kv.VersionedKeyValue;
import io.tern.kv.WatchEvent;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class WatchCodecTest {

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static Request roundTrip(Request request) {
        ByteBuf out = Unpooled.buffer();
        RequestCodec.encode(request, out);
        return RequestCodec.decode(out);
    }

    private static Response roundTrip(Response response, Opcode opcode) {
        ByteBuf out = Unpooled.buffer();
        ResponseCodec.encode(response, out);
        return ResponseCodec.decode(out, opcode);
    }

    @Test
    void requestsRoundTrip() {
        var create = new WatchRequests.Create(5, KeyRange.prefix(bytes("p/")), 42,
                WatchRequests.PREV_KV | WatchRequests.NO_DELETE, 9);
        Request decoded = roundTrip(create);
        assertEquals(create.range(), ((WatchRequests.Create) decoded).range());
        assertEquals(create.flags(), ((WatchRequests.Create) decoded).flags());
        assertEquals(42, ((WatchRequests.Create) decoded).startRevision());
        assertEquals(9, ((WatchRequests.Create) decoded).watchId());
        assertEquals(new WatchRequests.Cancel(6, 9), roundTrip(new WatchRequests.Cancel(6, 9)));
        assertEquals(new WatchRequests.Progress(7), roundTrip(new WatchRequests.Progress(7)));
    }

    @Test
    void everyFrameRoundTripsAndOnlyTheLastEndsTheStream() {
        VersionedKeyValue kv = new VersionedKeyValue(bytes("k"), bytes("v"), 3, 4, 2, 0);
        VersionedKeyValue before = new VersionedKeyValue(bytes("k"), bytes("u"), 3, 3, 1, 0);
        var events = new WatchResponses.Events(1, 2, 4, List.of(new WatchEvent(WatchEvent.Type.PUT, kv, before),
                new WatchEvent(WatchEvent.Type.DELETE, new VersionedKeyValue(bytes("k"), new byte[0], 0, 5, 0, 0), null)));
        var decoded = (WatchResponses.Events) roundTrip(events, Opcode.WATCH_CREATE);
        assertEquals(events.events(), decoded.events());
        assertEquals(4, decoded.revision());
        assertEquals(new WatchResponses.Created(1, 2, 3), roundTrip(new WatchResponses.Created(1, 2, 3), Opcode.WATCH_CREATE));
        assertEquals(new WatchResponses.Progress(1, 2, 8), roundTrip(new WatchResponses.Progress(1, 2, 8), Opcode.WATCH_CREATE));
        var canceled = new WatchResponses.Canceled(1, 2, 7, "mvcc: required revision has been compacted");
        assertEquals(canceled, roundTrip(canceled, Opcode.WATCH_CREATE));
        assertEquals(new WatchResponses.Ack(3), roundTrip(new WatchResponses.Ack(3), Opcode.WATCH_CANCEL));

        assertTrue(WatchResponses.endsStream(canceled));
        assertTrue(WatchResponses.endsStream(new Response.Compacted(1, 5, "gone")));
        assertEquals(false, WatchResponses.endsStream(decoded));
    }

    @Test
    void hostileInputIsRefusedBeforeAllocating() {
        ByteBuf body = Unpooled.buffer();
        body.writeByte(Opcode.WATCH_CREATE.code()).writeLong(1);
        body.writeInt(0).writeInt(0).writeLong(0).writeByte(16).writeLong(0);
        assertThrows(BadRequestException.class, () -> RequestCodec.decode(body));

        ByteBuf lying = Unpooled.buffer();
        lying.writeByte(Status.OK.code()).writeLong(1).writeByte(1).writeLong(2).writeLong(3).writeInt(Integer.MAX_VALUE);
        assertThrows(MalformedResponseException.class, () -> ResponseCodec.decode(lying, Opcode.WATCH_CREATE));
    }
}
