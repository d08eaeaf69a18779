package io.tern.kv;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

class KvCodecTest {

    private static final VersionedKeyValue KV = new VersionedKeyValue(bytes("k"), bytes("v"), 3, 7, 2, 99);
    private static final VersionedKeyValue OTHER = new VersionedKeyValue(new byte[] {0, (byte) 0xff}, new byte[0], 1,
            1, 1, 0);

    /** One op of every kind, with every option set somewhere. */
    private static final List<KvOp> OPS = List.of(
            RangeRequest.of(KeyRange.single(bytes("k"))),
            new RangeRequest(KeyRange.prefix(bytes("p")), 5, 9, SortOrder.DESCEND, SortTarget.VALUE, true, true,
                    1, 2, 3, 4),
            RangeRequest.of(KeyRange.all()).sortedBy(SortTarget.MOD, SortOrder.ASCEND).keysOnly(true),
            PutRequest.of(new byte[0], new byte[0]),
            new PutRequest(bytes("k"), bytes("value"), 42, true, true, true),
            new PutRequest(bytes("k"), bytes("value"), -1, false, true, false),
            new DeleteRangeRequest(KeyRange.single(bytes("k")), false),
            new DeleteRangeRequest(new KeyRange(bytes("a"), KeyRange.TO_THE_END), true),
            new TxnRequest(List.of(), List.of(), List.of()),
            new TxnRequest(List.of(
                    Compare.value(bytes("k"), Compare.Result.EQUAL, bytes("v")),
                    Compare.version(bytes("k"), Compare.Result.GREATER, 2),
                    Compare.createRevision(bytes("k"), Compare.Result.LESS, 3),
                    Compare.modRevision(bytes("k"), Compare.Result.NOT_EQUAL, 4),
                    new Compare(KeyRange.prefix(bytes("r")), Compare.Target.LEASE, Compare.Result.EQUAL, 5, new byte[0])),
                    List.of(PutRequest.of(bytes("a"), bytes("1")), RangeRequest.of(KeyRange.single(bytes("a")))),
                    List.of(new DeleteRangeRequest(KeyRange.single(bytes("a")), true),
                            new TxnRequest(List.of(Compare.version(bytes("b"), Compare.Result.EQUAL, 0)),
                                    List.of(PutRequest.of(bytes("b"), bytes("2"))), List.of()))));

    private static final List<KvOpResponse> RESPONSES = List.of(
            new RangeResponse(List.of(), false, 0),
            new RangeResponse(List.of(KV, OTHER), true, 12),
            new PutResponse(null),
            new PutResponse(KV),
            new DeleteRangeResponse(0, List.of()),
            new DeleteRangeResponse(2, List.of(KV, OTHER)),
            new TxnResponse(true, List.of()),
            new TxnResponse(false, List.of(new PutResponse(KV), new RangeResponse(List.of(KV), false, 1),
                    new DeleteRangeResponse(1, List.of()), new TxnResponse(true, List.of(new PutResponse(null))))));

    private static final List<WatchEvent> EVENTS = List.of(
            new WatchEvent(WatchEvent.Type.PUT, KV, null),
            new WatchEvent(WatchEvent.Type.PUT, KV, OTHER),
            new WatchEvent(WatchEvent.Type.DELETE, new VersionedKeyValue(bytes("k"), new byte[0], 0, 8, 0, 0), KV));

    @Test
    void everyOpResponseAndEventComesBackEqual() {
        for (KvOp op : OPS) {
            assertEquals(op, KvCodec.decodeOp(KvCodec.encode(op)));
        }
        for (KvOpResponse response : RESPONSES) {
            assertEquals(response, KvCodec.decodeResponse(KvCodec.encode(response)));
        }
        for (WatchEvent event : EVENTS) {
            ByteBuffer in = ByteBuffer.wrap(KvCodec.encode(event));
            assertEquals(event, KvCodec.decodeEvent(in));
            assertEquals(0, in.remaining());
        }
    }

    @Test
    void decodingFromABufferStopsRightAfterTheValue() {
        byte[] first = KvCodec.encode(OPS.get(4));
        byte[] second = KvCodec.encode(OPS.get(9));
        ByteBuffer in = ByteBuffer.allocate(first.length + second.length).put(first).put(second).flip();
        assertEquals(OPS.get(4), KvCodec.decodeOp(in));
        assertEquals(first.length, in.position());
        assertEquals(OPS.get(9), KvCodec.decodeOp(in));
        assertEquals(0, in.remaining());
    }

    @Test
    void theLayoutIsTheDocumentedOne() {
        // put := u8 2 | bytes key | bytes value | u64 lease | u8 flags (1 prevKv, 2 ignoreValue, 4 ignoreLease)
        assertEquals("02" + "00000001" + "6b" + "00000002" + "7676" + "000000000000002a" + "05",
                hex(KvCodec.encode(new PutRequest(bytes("k"), bytes("vv"), 42, true, false, true))));
        // event := u8 type | kv | optionalKv
        assertEquals("01" + "00000001" + "6b" + "00000000" + "0000000000000000" + "0000000000000008"
                        + "0000000000000000" + "0000000000000000" + "00",
                hex(KvCodec.encode(new WatchEvent(WatchEvent.Type.DELETE,
                        new VersionedKeyValue(bytes("k"), new byte[0], 0, 8, 0, 0), null))));
    }

    @Test
    void everyTruncationIsRefusedAsMalformed() {
        for (KvOp op : OPS) {
            byte[] encoded = KvCodec.encode(op);
            for (int length = 0; length < encoded.length; length++) {
                byte[] cut = java.util.Arrays.copyOf(encoded, length);
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KvCodec.decodeOp(cut),
                        op + " cut at " + length);
                assertTrue(e.getMessage().startsWith("malformed"), e.getMessage());
            }
        }
        for (KvOpResponse response : RESPONSES) {
            byte[] encoded = KvCodec.encode(response);
            for (int length = 0; length < encoded.length; length++) {
                byte[] cut = java.util.Arrays.copyOf(encoded, length);
                assertThrows(IllegalArgumentException.class, () -> KvCodec.decodeResponse(cut), response + " cut at " + length);
            }
        }
        for (WatchEvent event : EVENTS) {
            byte[] encoded = KvCodec.encode(event);
            for (int length = 0; length < encoded.length; length++) {
                ByteBuffer cut = ByteBuffer.wrap(encoded, 0, length);
                assertThrows(IllegalArgumentException.class, () -> KvCodec.decodeEvent(cut), event + " cut at " + length);
            }
        }
    }

    @Test
    void trailingBytesAreRefused() {
        byte[] op = java.util.Arrays.copyOf(KvCodec.encode(OPS.get(3)), KvCodec.encode(OPS.get(3)).length + 2);
        assertMalformed(() -> KvCodec.decodeOp(op), "2 unexpected bytes after it");
        byte[] response = java.util.Arrays.copyOf(KvCodec.encode(RESPONSES.get(2)), 3);
        assertMalformed(() -> KvCodec.decodeResponse(response), "1 unexpected bytes after it");
    }

    @Test
    void unknownCodesFlagsAndNegativeNumbersAreRefused() {
        // range := u8 1 | bytes key (4+1) | bytes end (4) | limit @10 | revision @18 | order @26 | target @27
        //          | flags @28 | minMod @29 | maxMod @37 | minCreate @45 | maxCreate @53
        byte[] range = KvCodec.encode(RangeRequest.of(KeyRange.single(bytes("k"))));
        assertEquals(61, range.length);
        assertOpMalformed(patch(range, 0, 9), "unknown operation kind 9");
        assertOpMalformed(patch(range, 0, 0), "unknown operation kind 0");
        assertOpMalformed(patch(range, 10, 0x80), "range limit is negative");
        assertOpMalformed(patch(range, 18, 0xff), "range revision is negative");
        assertOpMalformed(patch(range, 26, 3), "unknown sort order");
        assertOpMalformed(patch(range, 27, 5), "unknown sort target");
        assertOpMalformed(patch(range, 28, 4), "range flags has unknown bits: 4");
        assertOpMalformed(patch(range, 29, 0x80), "min mod revision is negative");
        assertOpMalformed(patch(range, 37, 0x80), "max mod revision is negative");
        assertOpMalformed(patch(range, 45, 0x80), "min create revision is negative");
        assertOpMalformed(patch(range, 53, 0x80), "max create revision is negative");

        // put := u8 2 | bytes key (4+1) | bytes value (4+1) | lease @11 | flags @19
        byte[] put = KvCodec.encode(PutRequest.of(bytes("k"), bytes("v")));
        assertOpMalformed(patch(put, 19, 8), "put flags has unknown bits: 8");
        assertOpMalformed(patch(put, 1, 0x7f), "key claims 2130706433 bytes but only");
        assertOpMalformed(patch(put, 6, 0xff), "value claims 4278190081 bytes but only");

        byte[] delete = KvCodec.encode(new DeleteRangeRequest(KeyRange.single(bytes("k")), false));
        assertOpMalformed(patch(delete, delete.length - 1, 2), "prevKv flag has unknown bits: 2");

        // txn := u8 4 | u32 compares @1 | compare: bytes key (4+1) @5 | bytes end (4) @10 | target @14 | result @15
        byte[] txn = KvCodec.encode(new TxnRequest(List.of(Compare.version(bytes("k"), Compare.Result.EQUAL, 1)),
                List.of(), List.of()));
        assertOpMalformed(patch(txn, 14, 5), "unknown compare target");
        assertOpMalformed(patch(txn, 15, 4), "unknown compare result");
        assertOpMalformed(patch(txn, 1, 0x10), "compare count 268435457 needs at least");
        byte[] emptyTxn = KvCodec.encode(new TxnRequest(List.of(), List.of(), List.of()));
        assertOpMalformed(patch(emptyTxn, 5, 0xff), "operation count 4278190080 needs at least");
    }

    @Test
    void malformedResponsesAndEventsAreRefused() {
        byte[] range = KvCodec.encode(new RangeResponse(List.of(), true, 3));
        assertResponseMalformed(patch(range, 0, 7), "unknown response kind 7");
        assertResponseMalformed(patch(range, 1, 0x01), "key count 16777216 needs at least");
        assertResponseMalformed(patch(range, 5, 2), "more flag has unknown bits: 2");
        assertResponseMalformed(patch(range, 6, 0x80), "count is negative");
        byte[] put = KvCodec.encode(new PutResponse(null));
        assertResponseMalformed(patch(put, 1, 2), "presence flag has unknown bits: 2");
        byte[] delete = KvCodec.encode(new DeleteRangeResponse(1, List.of()));
        assertResponseMalformed(patch(delete, 1, 0x80), "deleted count is negative");
        byte[] txn = KvCodec.encode(new TxnResponse(true, List.of()));
        assertResponseMalformed(patch(txn, 1, 3), "succeeded flag has unknown bits: 3");
        assertResponseMalformed(patch(txn, 2, 0x01), "response count 16777216 needs at least");

        byte[] event = KvCodec.encode(EVENTS.getFirst());
        assertMalformed(() -> KvCodec.decodeEvent(ByteBuffer.wrap(patch(event, 0, 2))), "unknown event type");
    }

    @Test
    void transactionsNestAtMostTheLimitDeep() {
        KvOp deepest = PutRequest.of(bytes("k"), bytes("v"));
        KvOpResponse deepestResponse = new PutResponse(null);
        for (int depth = 0; depth < KvCodec.MAX_TXN_DEPTH; depth++) {
            deepest = new TxnRequest(List.of(), List.of(deepest), List.of());
            deepestResponse = new TxnResponse(true, List.of(deepestResponse));
        }
        assertEquals(deepest, KvCodec.decodeOp(KvCodec.encode(deepest)));
        assertEquals(deepestResponse, KvCodec.decodeResponse(KvCodec.encode(deepestResponse)));
        KvOp tooDeep = new TxnRequest(List.of(), List.of(), List.of(deepest));
        assertOpMalformed(KvCodec.encode(tooDeep), "transactions nest deeper than " + KvCodec.MAX_TXN_DEPTH);
        KvOpResponse tooDeepResponse = new TxnResponse(false, List.of(deepestResponse));
        assertResponseMalformed(KvCodec.encode(tooDeepResponse),
                "transaction responses nest deeper than " + KvCodec.MAX_TXN_DEPTH);
    }

    @Test
    void randomBytesAreEitherDecodedOrRefusedAsMalformed() {
        Random random = new Random(11);
        List<byte[]> seeds = new ArrayList<>();
        OPS.forEach(op -> seeds.add(KvCodec.encode(op)));
        for (int i = 0; i < 20_000; i++) {
            byte[] bytes = seeds.get(random.nextInt(seeds.size())).clone();
            for (int flips = 1 + random.nextInt(3); flips > 0 && bytes.length > 0; flips--) {
                bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
            }
            try {
                KvOp op = KvCodec.decodeOp(bytes);
                assertEquals(op, KvCodec.decodeOp(KvCodec.encode(op)));
            } catch (IllegalArgumentException e) {
                assertTrue(e.getMessage().startsWith("malformed"), e.getMessage());
            } catch (RuntimeException e) {
                fail("decoding " + Bytes.show(bytes) + " threw " + e);
            }
        }
    }

    @Test
    void anAbsentPrevKvStaysAbsent() {
        PutResponse decoded = (PutResponse) KvCodec.decodeResponse(KvCodec.encode(new PutResponse(null)));
        assertNull(decoded.prevKv());
    }

    private static void assertOpMalformed(byte[] encoded, String expected) {
        assertMalformed(() -> KvCodec.decodeOp(encoded), expected);
    }

    private static void assertResponseMalformed(byte[] encoded, String expected) {
        assertMalformed(() -> KvCodec.decodeResponse(encoded), expected);
    }

    private static void assertMalformed(org.junit.jupiter.api.function.Executable decoding, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, decoding);
        assertTrue(e.getMessage().startsWith("malformed"), e.getMessage());
        assertTrue(e.getMessage().contains(expected), "expected <" + e.getMessage() + "> to contain <" + expected + ">");
    }

    private static byte[] patch(byte[] encoded, int offset, int value) {
        byte[] patched = encoded.clone();
        patched[offset] = (byte) value;
        return patched;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String hex(byte[] bytes) {
        return java.util.HexFormat.of().formatHex(bytes);
    }
}
