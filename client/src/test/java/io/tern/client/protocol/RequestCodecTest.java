package io.tern.client.protocol;

import static io.tern.client.protocol.Samples.EMPTY;
import static io.tern.client.protocol.Samples.b;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class RequestCodecTest {

    private static final HexFormat HEX = HexFormat.of();

    @Test
    void everyRequestSurvivesARoundTrip() {
        for (Request request : Samples.requests()) {
            ByteBuf body = Samples.encode(request, RequestCodec::encode);
            assertEquals(request, RequestCodec.decode(body), request.toString());
            assertFalse(body.isReadable(), "decode consumes the whole body");
        }
    }

    @Test
    void putHasPinnedBytes() {
        ByteBuf body = Samples.encode(new Request.Put(7, b("k"), b("v")), RequestCodec::encode);
        assertEquals("02" + "0000000000000007" + "00000001" + "6b" + "00000001" + "76", HEX.formatHex(Samples.bytes(body)));
    }

    @Test
    void getScanCasAndBatchHavePinnedBytes() {
        assertEquals("01" + "0000000000000001" + "01" + "0000000000000005" + "00000001" + "6b",
                hex(new Request.Get(1, ReadMode.LOCAL, 5, b("k"))));
        assertEquals("05" + "0000000000000002" + "00" + "0000000000000000" + "00000001" + "61" + "00000000"
                + "0000000a", hex(new Request.Scan(2, ReadMode.LINEARIZABLE, 0, b("a"), EMPTY, 10)));
        assertEquals("04" + "0000000000000003" + "00000001" + "6b" + "00" + "01" + "00000001" + "76",
                hex(new Request.Cas(3, b("k"), null, b("v"))));
        assertEquals("04" + "0000000000000003" + "00000001" + "6b" + "01" + "00000001" + "76" + "00",
                hex(new Request.Cas(3, b("k"), b("v"), null)));
        assertEquals("06" + "0000000000000004" + "00000002" + "01" + "00000001" + "6b" + "00000001" + "76"
                + "02" + "00000001" + "6b",
                hex(new Request.Batch(4, List.of(new BatchOp.Put(b("k"), b("v")), new BatchOp.Delete(b("k"))))));
        assertEquals("10" + "0000000000000005" + "0000000000000009" + "00000003" + "613a31" + "01",
                hex(new Request.MemberAdd(5, 9, "a:1", true)));
        assertEquals("07" + "ffffffffffffffff", hex(new Request.Ping(-1)));
        assertEquals("14" + "0000000000000006" + "0000000000000004", hex(new Request.MemberPromote(6, 4)));
    }

    @Test
    void everyTruncationIsABadRequest() {
        for (Request request : Samples.requests()) {
            byte[] whole = Samples.bytes(Samples.encode(request, RequestCodec::encode));
            for (int length = 0; length < whole.length; length++) {
                ByteBuf cut = Unpooled.wrappedBuffer(whole, 0, length);
                BadRequestException e = assertThrows(BadRequestException.class, () -> RequestCodec.decode(cut),
                        request + " cut to " + length);
                assertOneLine(e);
                if (length >= ProtocolLimits.BODY_HEADER_BYTES) {
                    assertEquals(OptionalLong.of(request.requestId()), e.requestId());
                } else {
                    assertEquals(OptionalLong.empty(), e.requestId());
                    assertEquals(0, e.requestIdOrZero());
                }
            }
        }
    }

    @Test
    void changingAnyByteNeverEscapesAsAnotherException() {
        for (Request request : Samples.requests()) {
            byte[] whole = Samples.bytes(Samples.encode(request, RequestCodec::encode));
            for (int i = 0; i < whole.length; i++) {
                for (int value : new int[] {0x00, 0x02, 0x7f, 0x80, 0xff}) {
                    byte[] changed = whole.clone();
                    changed[i] = (byte) value;
                    try {
                        RequestCodec.decode(Unpooled.wrappedBuffer(changed));
                    } catch (BadRequestException | TooLargeException expected) {
                        assertOneLine(expected);
                    }
                }
            }
        }
    }

    @Test
    void trailingBytesAreABadRequest() {
        ByteBuf body = Samples.encode(new Request.Delete(3, b("k")), RequestCodec::encode);
        body.writeByte(0);
        BadRequestException e = assertThrows(BadRequestException.class, () -> RequestCodec.decode(body));
        assertEquals(OptionalLong.of(3), e.requestId());
        assertTrue(e.getMessage().contains("trailing"), e.getMessage());
    }

    @Test
    void unknownOpcodesAndPeerOpcodesAreBadRequests() {
        for (int code : new int[] {0x00, 0x09, 0x0f, 0x17, 0x6f, 0x70, 0x73, 0xff}) {
            ByteBuf body = Unpooled.buffer().writeByte(code).writeLong(42);
            BadRequestException e = assertThrows(BadRequestException.class, () -> RequestCodec.decode(body));
            assertEquals(OptionalLong.of(42), e.requestId());
            assertEquals(Status.BAD_REQUEST, e.status());
            if (code >= 0x70) {
                assertTrue(e.getMessage().contains("reserved for members"), e.getMessage());
            }
        }
    }

    @Test
    void unknownReadModeIsABadRequest() {
        byte[] get = Samples.bytes(Samples.encode(new Request.Get(5, ReadMode.LOCAL, 0, b("k")), RequestCodec::encode));
        get[ProtocolLimits.BODY_HEADER_BYTES] = 2;
        BadRequestException e = assertThrows(BadRequestException.class,
                () -> RequestCodec.decode(Unpooled.wrappedBuffer(get)));
        assertEquals(OptionalLong.of(5), e.requestId());
        assertTrue(e.getMessage().contains("readMode 2"), e.getMessage());

        byte[] scan = Samples.bytes(Samples.encode(new Request.Scan(6, ReadMode.LOCAL, 0, EMPTY, EMPTY, 0),
                RequestCodec::encode));
        scan[ProtocolLimits.BODY_HEADER_BYTES] = 2;
        assertThrows(BadRequestException.class, () -> RequestCodec.decode(Unpooled.wrappedBuffer(scan)));
    }

    @Test
    void unknownBatchKindIsABadRequest() {
        ByteBuf body = Unpooled.buffer().writeByte(0x06).writeLong(8).writeInt(1).writeByte(3).writeInt(0);
        BadRequestException e = assertThrows(BadRequestException.class, () -> RequestCodec.decode(body));
        assertEquals(OptionalLong.of(8), e.requestId());
        assertTrue(e.getMessage().contains("unknown kind 3"), e.getMessage());
    }

    @Test
    void casFlagsOtherThanZeroOrOneAreBadRequests() {
        ByteBuf body = Unpooled.buffer().writeByte(0x04).writeLong(8).writeInt(0).writeByte(2);
        assertThrows(BadRequestException.class, () -> RequestCodec.decode(body));
    }

    @Test
    void hugeLengthsInsideFieldsAreBadRequestsNotAllocations() {
        ByteBuf hugeKey = Unpooled.buffer().writeByte(0x02).writeLong(1).writeInt(-1);
        assertThrows(BadRequestException.class, () -> RequestCodec.decode(hugeKey));
        ByteBuf hugeValue = Unpooled.buffer().writeByte(0x02).writeLong(1).writeInt(0).writeInt(Integer.MAX_VALUE);
        assertThrows(BadRequestException.class, () -> RequestCodec.decode(hugeValue));
        ByteBuf hugeBatch = Unpooled.buffer().writeByte(0x06).writeLong(1).writeInt(Integer.MAX_VALUE);
        assertThrows(BadRequestException.class, () -> RequestCodec.decode(hugeBatch));
        ByteBuf hugeAddress = Unpooled.buffer().writeByte(0x10).writeLong(1).writeLong(1).writeInt(-2);
        assertThrows(BadRequestException.class, () -> RequestCodec.decode(hugeAddress));
    }

    @Test
    void invalidUtf8IsABadRequest() {
        ByteBuf body = Unpooled.buffer().writeByte(0x10).writeLong(1).writeLong(1).writeInt(1).writeByte(0xff)
                .writeByte(1);
        assertThrows(BadRequestException.class, () -> RequestCodec.decode(body));
    }

    @Test
    void aKeyOverSixteenKibIsTooLargeButSixteenKibIsNot() {
        byte[] limit = new byte[ProtocolLimits.MAX_KEY_BYTES];
        byte[] over = new byte[ProtocolLimits.MAX_KEY_BYTES + 1];
        Request atLimit = new Request.Put(1, limit, EMPTY);
        assertEquals(atLimit, RequestCodec.decode(Samples.encode(atLimit, RequestCodec::encode)));

        List<Request> tooLarge = List.of(
                new Request.Get(2, ReadMode.LINEARIZABLE, 0, over),
                new Request.Put(2, over, EMPTY),
                new Request.Delete(2, over),
                new Request.Cas(2, over, null, null),
                new Request.Batch(2, List.of(new BatchOp.Delete(EMPTY), new BatchOp.Put(over, EMPTY))));
        for (Request request : tooLarge) {
            ByteBuf body = Samples.encode(request, RequestCodec::encode);
            TooLargeException e = assertThrows(TooLargeException.class, () -> RequestCodec.decode(body),
                    request.opcode().toString());
            assertEquals(OptionalLong.of(2), e.requestId());
            assertEquals(Status.TOO_LARGE, e.status());
            assertOneLine(e);
        }
    }

    @Test
    void scanLimitsAboveTheIntRangeSaturate() {
        ByteBuf body = Unpooled.buffer().writeByte(0x05).writeLong(1).writeByte(0).writeLong(0).writeInt(0).writeInt(0)
                .writeInt(-1);
        Request.Scan scan = (Request.Scan) RequestCodec.decode(body);
        assertEquals(Integer.MAX_VALUE, scan.limit());
        assertEquals(ProtocolLimits.SCAN_MAX_LIMIT, scan.effectiveLimit());
        assertEquals(ProtocolLimits.SCAN_MAX_LIMIT, new Request.Scan(1, ReadMode.LOCAL, 0, EMPTY, EMPTY, 0).effectiveLimit());
        assertEquals(7, new Request.Scan(1, ReadMode.LOCAL, 0, EMPTY, EMPTY, 7).effectiveLimit());
    }

    @Test
    void passwordsAndTokensNeverShowInToString() {
        for (Request request : List.of(new AuthRequests.Authenticate(1, "alice", "pw-secret"),
                new AuthRequests.UserAdd(2, "alice", "pw-secret", false),
                new AuthRequests.UserChangePassword(3, "alice", "pw-secret"),
                new Request.WithToken("tok-secret", new AuthRequests.UserAdd(4, "bob", "pw-secret", false)))) {
            String shown = request.toString();
            assertFalse(shown.contains("secret"), shown);
            assertTrue(shown.contains("alice") || shown.contains("bob"), shown);
        }
        String answer = new AuthResponses.Authenticated(5, "tok-secret", 300).toString();
        assertFalse(answer.contains("secret"), answer);
    }

    @Test
    void enumCodesMatchTheContract() {
        int[] opcodes = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16};
        for (int i = 0; i < opcodes.length; i++) {
            assertEquals(opcodes[i], Opcode.values()[i].code());
            assertEquals(Opcode.values()[i], Opcode.fromCode(opcodes[i]));
        }
        for (Status status : Status.values()) {
            assertEquals(status, Status.fromCode(status.code()));
        }
        for (int code = 0; code <= 8; code++) {
            assertEquals(code, Status.values()[code].code(), "statuses 0 to 8 of version 1");
        }
        assertEquals(11, Status.COMPACTED.code());
        assertEquals(12, Status.FUTURE_REVISION.code());
        assertEquals(13, Status.NO_SPACE.code());
        assertEquals(Status.LEASE_NOT_FOUND, Status.fromCode(14));
        assertEquals(Status.UNAUTHENTICATED, Status.fromCode(9));
        assertEquals(Status.PERMISSION_DENIED, Status.fromCode(10));
        assertEquals(0x50, Opcode.AUTHENTICATE.code());
        assertEquals(0x60, Opcode.ROLE_REVOKE_PERMISSION.code());
        assertEquals(0x61, Opcode.WITH_TOKEN.code());
        assertNull(Status.fromCode(15));
        assertNull(Status.fromCode(-1));
        assertEquals(0, ReadMode.LINEARIZABLE.code());
        assertEquals(1, ReadMode.LOCAL.code());
        assertTrue(Opcode.isPeerOpcode(0x70));
        assertTrue(Opcode.isPeerOpcode(0xff));
        assertFalse(Opcode.isPeerOpcode(0x6f));
        assertFalse(Opcode.isPeerOpcode(0x100));
        assertNull(Opcode.fromCode(0x70));
        assertNull(Opcode.fromCode(-1));
    }

    @Test
    void byteArraysCompareByContent() {
        assertEquals(new Request.Put(1, b("k"), b("v")), new Request.Put(1, b("k"), b("v")));
        assertEquals(new Request.Put(1, b("k"), b("v")).hashCode(), new Request.Put(1, b("k"), b("v")).hashCode());
        assertFalse(new Request.Cas(1, b("k"), null, b("v")).equals(new Request.Cas(1, b("k"), EMPTY, b("v"))));
        assertTrue(new Request.Put(1, b("k"), new byte[100]).toString().contains("(100 bytes)"));
    }

    private static String hex(Request request) {
        return HEX.formatHex(Samples.bytes(Samples.encode(request, RequestCodec::encode)));
    }

    static void assertOneLine(Exception e) {
        assertTrue(e.getMessage() != null && !e.getMessage().isBlank() && !e.getMessage().contains("\n"),
                String.valueOf(e.getMessage()));
    }
}
