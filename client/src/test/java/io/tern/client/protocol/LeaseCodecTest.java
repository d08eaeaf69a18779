package io.tern.client.protocol;

import static io.tern.client.protocol.Samples.b;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The lease opcodes 0x30 to 0x34 on the wire: round trips, pinned bytes as docs/protocol.md gives them, and hostile bodies. */
class LeaseCodecTest {

    private static final HexFormat HEX = HexFormat.of();

    private static final List<Request> REQUESTS = List.of(
            new LeaseRequests.Grant(1, 0, 60),
            new LeaseRequests.Grant(2, 0x694d77aa9e38260fL, -5),
            new LeaseRequests.Revoke(3, 7),
            new LeaseRequests.KeepAlive(4, Long.MAX_VALUE),
            new LeaseRequests.TimeToLive(5, 7, true),
            new LeaseRequests.TimeToLive(6, 7, false),
            new LeaseRequests.ListLeases(7));

    private static final List<Samples.Answer> ANSWERS = List.of(
            new Samples.Answer(new LeaseResponses.Granted(1, 10, 0x694d77aa9e38260fL, 60), Opcode.LEASE_GRANT),
            new Samples.Answer(new LeaseResponses.Revoked(2, 11), Opcode.LEASE_REVOKE),
            new Samples.Answer(new LeaseResponses.KeptAlive(3, 60), Opcode.LEASE_KEEPALIVE),
            new Samples.Answer(new LeaseResponses.TimeToLive(4, 55, 60, List.of(b("a"), new byte[0], b("b"))),
                    Opcode.LEASE_TIME_TO_LIVE),
            new Samples.Answer(new LeaseResponses.TimeToLive(5, -1, 0, List.of()), Opcode.LEASE_TIME_TO_LIVE),
            new Samples.Answer(new LeaseResponses.Leases(6, List.of(1L, 7L, Long.MAX_VALUE)), Opcode.LEASE_LIST),
            new Samples.Answer(new LeaseResponses.Leases(7, List.of()), Opcode.LEASE_LIST),
            new Samples.Answer(new Response.LeaseNotFound(8, "etcdserver: requested lease not found"),
                    Opcode.LEASE_KEEPALIVE));

    @Test
    void everyLeaseRequestAndAnswerSurvivesARoundTrip() {
        for (Request request : REQUESTS) {
            ByteBuf body = Samples.encode(request, RequestCodec::encode);
            assertEquals(request, RequestCodec.decode(body), request.toString());
            assertFalse(body.isReadable());
        }
        for (Samples.Answer answer : ANSWERS) {
            ByteBuf body = Samples.encode(answer.response(), ResponseCodec::encode);
            assertEquals(answer.response(), ResponseCodec.decode(body, answer.opcode()), answer.toString());
            assertFalse(body.isReadable());
        }
    }

    @Test
    void pinnedBytes() {
        assertEquals("30" + "0000000000000001" + "694d77aa9e38260f" + "000000000000003c",
                hex(new LeaseRequests.Grant(1, 0x694d77aa9e38260fL, 60)));
        assertEquals("31" + "0000000000000002" + "0000000000000007", hex(new LeaseRequests.Revoke(2, 7)));
        assertEquals("32" + "0000000000000003" + "0000000000000007", hex(new LeaseRequests.KeepAlive(3, 7)));
        assertEquals("33" + "0000000000000004" + "0000000000000007" + "01", hex(new LeaseRequests.TimeToLive(4, 7, true)));
        assertEquals("34" + "0000000000000005", hex(new LeaseRequests.ListLeases(5)));
        assertEquals("00" + "0000000000000001" + "000000000000000a" + "0000000000000007" + "000000000000003c",
                hex(new LeaseResponses.Granted(1, 10, 7, 60)));
        assertEquals("00" + "0000000000000002" + "ffffffffffffffff" + "0000000000000000" + "00000000",
                hex(new LeaseResponses.TimeToLive(2, -1, 0, List.of())));
        assertEquals("00" + "0000000000000003" + "0000000000000037" + "000000000000003c" + "00000001" + "00000001" + "61",
                hex(new LeaseResponses.TimeToLive(3, 55, 60, List.of(b("a")))));
        assertEquals("00" + "0000000000000004" + "00000002" + "0000000000000001" + "0000000000000002",
                hex(new LeaseResponses.Leases(4, List.of(1L, 2L))));
        assertEquals("0e" + "0000000000000005" + "00000001" + "78", hex(new Response.LeaseNotFound(5, "x")));
    }

    @Test
    void theLeaseOpcodesAreThirtyToThirtyFour() {
        assertEquals(0x30, Opcode.LEASE_GRANT.code());
        assertEquals(0x31, Opcode.LEASE_REVOKE.code());
        assertEquals(0x32, Opcode.LEASE_KEEPALIVE.code());
        assertEquals(0x33, Opcode.LEASE_TIME_TO_LIVE.code());
        assertEquals(0x34, Opcode.LEASE_LIST.code());
        assertEquals(Opcode.LEASE_LIST, Opcode.fromCode(0x34));
    }

    @Test
    void truncatedOrPaddedBodiesAreRefused() {
        for (Request request : REQUESTS) {
            byte[] whole = Samples.bytes(Samples.encode(request, RequestCodec::encode));
            for (int length = 0; length < whole.length; length++) {
                ByteBuf cut = Unpooled.wrappedBuffer(whole, 0, length);
                assertThrows(BadRequestException.class, () -> RequestCodec.decode(cut), request + " cut to " + length);
            }
            byte[] padded = java.util.Arrays.copyOf(whole, whole.length + 1);
            assertThrows(BadRequestException.class, () -> RequestCodec.decode(Unpooled.wrappedBuffer(padded)));
        }
        for (Samples.Answer answer : ANSWERS) {
            byte[] whole = Samples.bytes(Samples.encode(answer.response(), ResponseCodec::encode));
            for (int length = 0; length < whole.length; length++) {
                ByteBuf cut = Unpooled.wrappedBuffer(whole, 0, length);
                assertThrows(MalformedResponseException.class, () -> ResponseCodec.decode(cut, answer.opcode()),
                        answer + " cut to " + length);
            }
        }
    }

    @Test
    void aKeysFlagOtherThanZeroOrOneIsABadRequest() {
        byte[] body = HEX.parseHex("33" + "0000000000000004" + "0000000000000007" + "02");
        assertThrows(BadRequestException.class, () -> RequestCodec.decode(Unpooled.wrappedBuffer(body)));
    }

    @Test
    void aHugeClaimedCountIsRefusedBeforeAnythingIsAllocated() {
        byte[] keys = HEX.parseHex("00" + "0000000000000001" + "0000000000000001" + "0000000000000001" + "7fffffff");
        assertThrows(MalformedResponseException.class,
                () -> ResponseCodec.decode(Unpooled.wrappedBuffer(keys), Opcode.LEASE_TIME_TO_LIVE));
        byte[] ids = HEX.parseHex("00" + "0000000000000001" + "ffffffff");
        assertThrows(MalformedResponseException.class,
                () -> ResponseCodec.decode(Unpooled.wrappedBuffer(ids), Opcode.LEASE_LIST));
    }

    private static String hex(Request request) {
        return HEX.formatHex(Samples.bytes(Samples.encode(request, RequestCodec::encode)));
    }

    private static String hex(Response response) {
        return HEX.formatHex(Samples.bytes(Samples.encode(response, ResponseCodec::encode)));
    }
}
