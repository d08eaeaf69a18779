package io.tern.client.protocol;

import io.tern.kv.KeyValue;
import static java.nio.charset.StandardCharsets.UTF_8;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.tern.kv.Compare;
import io.tern.kv.DeleteRangeRequest;
import io.tern.kv.DeleteRangeResponse;
import io.tern.kv.KeyRange;
import io.tern.kv.PutRequest;
import io.tern.kv.PutResponse;
import io.tern.kv.RangeRequest;
import io.tern.kv.RangeResponse;
import io.tern.kv.SortOrder;
import io.tern.kv.SortTarget;
import io.tern.kv.TxnRequest;
import io.tern.kv.TxnResponse;
import io.tern.kv.VersionedKeyValue;
import io.tern.kv.Permission;
import java.util.List;
import java.util.function.BiConsumer;

/** One or more instances of every request and response variant, edge cases included. */
final class Samples {

    static final byte[] EMPTY = new byte[0];

    private Samples() {
    }

    static byte[] b(String s) {
        return s.getBytes(UTF_8);
    }

    static List<Request> requests() {
        List<Request> all = new java.util.ArrayList<>(coreRequests());
        all.addAll(authRequests());
        return all;
    }

    /** Every auth request, and WITH_TOKEN carrying a few others. */
    static List<Request> authRequests() {
        Permission prefix = new Permission(Permission.Type.READWRITE, KeyRange.prefix(b("app/")));
        return List.of(
                new AuthRequests.Authenticate(40, "alice", "sécret"),
                new AuthRequests.Enable(41),
                new AuthRequests.Disable(42),
                new AuthRequests.GetStatus(43),
                new AuthRequests.UserAdd(44, "bob", "pw", false),
                new AuthRequests.UserAdd(45, "carol", "", true),
                new AuthRequests.UserDelete(46, "bob"),
                new AuthRequests.UserGet(47, "bob"),
                new AuthRequests.UserList(48),
                new AuthRequests.UserChangePassword(49, "bob", "new"),
                new AuthRequests.UserGrantRole(50, "bob", "reader"),
                new AuthRequests.UserRevokeRole(51, "bob", "reader"),
                new AuthRequests.RoleAdd(52, "reader"),
                new AuthRequests.RoleDelete(53, "reader"),
                new AuthRequests.RoleGet(54, "reader"),
                new AuthRequests.RoleList(55),
                new AuthRequests.RoleGrantPermission(56, "reader", prefix),
                new AuthRequests.RoleGrantPermission(57, "reader",
                        new Permission(Permission.Type.READ, KeyRange.single(b("k")))),
                new AuthRequests.RoleRevokePermission(58, "reader", new KeyRange(b("a"), b("b"))),
                new Request.WithToken("tok.en", new Request.Put(59, b("k"), b("v"))),
                new Request.WithToken("", new KvRequest.Write(60, txn())),
                new Request.WithToken("t", new AuthRequests.UserList(61)));
    }

    static List<Request> coreRequests() {
        return List.of(
                new Request.Get(1, ReadMode.LINEARIZABLE, 0, b("key")),
                new Request.Get(-1, ReadMode.LOCAL, Long.MAX_VALUE, EMPTY),
                new Request.Put(2, b("k"), b("v")),
                new Request.Put(3, EMPTY, EMPTY),
                new Request.Delete(4, b("gone")),
                new Request.Delete(5, EMPTY),
                new Request.Cas(6, b("c"), null, null),
                new Request.Cas(7, b("c"), null, b("new")),
                new Request.Cas(8, b("c"), b("old"), null),
                new Request.Cas(9, b("c"), b("old"), b("new")),
                new Request.Cas(10, EMPTY, EMPTY, EMPTY),
                new Request.Scan(11, ReadMode.LINEARIZABLE, 0, b("a"), b("z"), 10),
                new Request.Scan(12, ReadMode.LOCAL, 99, EMPTY, EMPTY, 0),
                new Request.Scan(13, ReadMode.LOCAL, 1, b("a"), EMPTY, Integer.MAX_VALUE),
                new Request.Batch(14, List.of(
                        new BatchOp.Put(b("x"), b("1")),
                        new BatchOp.Delete(b("y")),
                        new BatchOp.Put(EMPTY, EMPTY),
                        new BatchOp.Delete(EMPTY))),
                new Request.Batch(15, List.of()),
                new Request.Ping(16),
                new Request.Status(17),
                new Request.MemberAdd(18, 4, "10.0.0.4:7400", true),
                new Request.MemberAdd(19, Long.MIN_VALUE, "h\u00f4te-\u00e9:1", false),
                new Request.MemberAdd(20, 0, "", false),
                new Request.MemberRemove(21, 4),
                new Request.TransferLeader(22, 2),
                new Request.Snapshot(23),
                new Request.MemberPromote(24, 4),
                new Request.MemberPromote(25, Long.MIN_VALUE),
                new Request.Alarm(26, true, 2, Request.Alarm.NOSPACE, "member 2's disk is full"),
                new Request.Alarm(27, false, Long.MAX_VALUE, Request.Alarm.NOSPACE, ""),
                new KvRequest.Range(28, ReadMode.LINEARIZABLE, 0, RangeRequest.of(KeyRange.prefix(b("p")))),
                new KvRequest.Range(29, ReadMode.LOCAL, 7, RangeRequest.of(KeyRange.all()).withLimit(3).atRevision(5)
                        .sortedBy(SortTarget.MOD, SortOrder.DESCEND).keysOnly(true).countOnly(true)
                        .modRevisions(1, 9).createRevisions(2, 8)),
                new KvRequest.Write(30, new PutRequest(b("k"), b("v"), 0x1234, true, false, false)),
                new KvRequest.Write(31, new PutRequest(b("k"), EMPTY, 0, false, true, true)),
                new KvRequest.Write(32, new DeleteRangeRequest(new KeyRange(b("a"), b("z")), true)),
                new KvRequest.Write(33, txn()),
                new KvRequest.Compact(34, 42),
                new Request.Backup(35));
    }

    /** A transaction with every compare target and every kind of op, a nested one included. */
    static TxnRequest txn() {
        return new TxnRequest(
                List.of(Compare.value(b("k"), Compare.Result.EQUAL, b("v")),
                        Compare.version(b("k"), Compare.Result.GREATER, 1),
                        Compare.createRevision(b("k"), Compare.Result.LESS, 9),
                        Compare.modRevision(b("k"), Compare.Result.NOT_EQUAL, 3),
                        Compare.lease(b("k"), Compare.Result.EQUAL, 0)),
                List.of(PutRequest.of(b("k"), b("w")), RangeRequest.of(KeyRange.single(b("k"))),
                        new TxnRequest(List.of(), List.of(new DeleteRangeRequest(KeyRange.single(b("x")), false)),
                                List.of())),
                List.of(new DeleteRangeRequest(KeyRange.prefix(b("p")), false)));
    }

    /** Each response with the opcode of the request it answers ({@code null}: no request). */
    record Answer(Response response, Opcode opcode) {
    }

    static List<Answer> responses() {
        List<Answer> all = new java.util.ArrayList<>(coreResponses());
        all.addAll(List.of(
                new Answer(new AuthResponses.Authenticated(40, "tok.en", 300), Opcode.AUTHENTICATE),
                new Answer(new AuthResponses.Changed(41, 77), Opcode.AUTH_ENABLE),
                new Answer(new AuthResponses.Changed(42, 78), Opcode.ROLE_REVOKE_PERMISSION),
                new Answer(new AuthResponses.AuthStatus(43, true, 79), Opcode.AUTH_STATUS),
                new Answer(new AuthResponses.UserDetails(47, List.of("reader", "root")), Opcode.USER_GET),
                new Answer(new AuthResponses.Names(48, List.of("bob", "root")), Opcode.USER_LIST),
                new Answer(new AuthResponses.Names(55, List.of()), Opcode.ROLE_LIST),
                new Answer(new AuthResponses.RoleDetails(54, List.of(
                        new Permission(Permission.Type.WRITE, KeyRange.all()),
                        new Permission(Permission.Type.READ, KeyRange.single(b("k"))))), Opcode.ROLE_GET),
                new Answer(new Response.Unauthenticated(56, AuthMessages.INVALID_TOKEN), Opcode.PUT),
                new Answer(new Response.PermissionDenied(57, "user bob lacks WRITE on key 'k'"), Opcode.TXN)));
        return all;
    }

    static List<Answer> coreResponses() {
        return List.of(
                new Answer(new Response.GetOk(1, 10, b("value")), Opcode.GET),
                new Answer(new Response.GetOk(1, 10, EMPTY), Opcode.GET),
                new Answer(new Response.NotFound(2, 11), Opcode.GET),
                new Answer(new Response.PutOk(3, 12), Opcode.PUT),
                new Answer(new Response.DeleteOk(4, 13, true), Opcode.DELETE),
                new Answer(new Response.DeleteOk(4, 13, false), Opcode.DELETE),
                new Answer(new Response.CasOk(5, 14), Opcode.CAS),
                new Answer(new Response.CasMismatch(6, 15, b("cur")), Opcode.CAS),
                new Answer(new Response.CasMismatch(6, 15, EMPTY), Opcode.CAS),
                new Answer(new Response.CasMismatch(6, 15, null), Opcode.CAS),
                new Answer(new Response.ScanOk(7, 16, List.of(
                        new KeyValue(b("a"), b("1")), new KeyValue(EMPTY, EMPTY), new KeyValue(b("b"), b("2"))), true),
                        Opcode.SCAN),
                new Answer(new Response.ScanOk(7, 16, List.of(), false), Opcode.SCAN),
                new Answer(new Response.BatchOk(8, 17), Opcode.BATCH),
                new Answer(new Response.PingOk(9), Opcode.PING),
                new Answer(new Response.StatusOk(10, "{\"id\":1,\"role\":\"LEADER\"}"), Opcode.STATUS),
                new Answer(new Response.MemberAddOk(11, 18), Opcode.MEMBER_ADD),
                new Answer(new Response.MemberRemoveOk(12, 19), Opcode.MEMBER_REMOVE),
                new Answer(new Response.MemberPromoteOk(12, 21), Opcode.MEMBER_PROMOTE),
                new Answer(new Response.TransferOk(13), Opcode.TRANSFER_LEADER),
                new Answer(new Response.SnapshotOk(14, 20), Opcode.SNAPSHOT),
                new Answer(new Response.NotLeader(15, "10.0.0.2:7400"), Opcode.PUT),
                new Answer(new Response.NotLeader(15, ""), Opcode.GET),
                new Answer(new Response.BadRequest(16, "unknown opcode"), Opcode.PING),
                new Answer(new Response.Unavailable(17, "no quorum"), Opcode.BATCH),
                new Answer(new Response.Timeout(18, "t\u00e9"), Opcode.CAS),
                new Answer(new Response.TooLarge(0, "frame too large"), null),
                new Answer(new Response.Internal(19, ""), Opcode.SNAPSHOT),
                new Answer(new Response.AlarmOk(20, 21), Opcode.ALARM),
                new Answer(new Response.BackupPiece(20, 500, 1234, b("TERN-BAK")), Opcode.BACKUP),
                new Answer(new Response.BackupPiece(20, 500, 0, EMPTY), Opcode.BACKUP),
                new Answer(new Response.NoSpace(21, "NOSPACE alarm: member 2's disk is full"), Opcode.BATCH),
                new Answer(new KvResponse.OpOk(22, 30, new RangeResponse(List.of(kv("a", "1"), kv("b", "")), true, 5)),
                        Opcode.RANGE),
                new Answer(new KvResponse.OpOk(22, 30, new RangeResponse(List.of(), false, 0)), Opcode.RANGE),
                new Answer(new KvResponse.OpOk(23, 31, new PutResponse(kv("a", "1"))), Opcode.PUT_KV),
                new Answer(new KvResponse.OpOk(23, 31, new PutResponse(null)), Opcode.PUT_KV),
                new Answer(new KvResponse.OpOk(24, 32, new DeleteRangeResponse(2, List.of(kv("a", "1")))),
                        Opcode.DELETE_RANGE),
                new Answer(new KvResponse.OpOk(25, 33, new TxnResponse(true, List.of(new PutResponse(null),
                        new RangeResponse(List.of(kv("k", "w")), false, 1),
                        new TxnResponse(false, List.of(new DeleteRangeResponse(0, List.of())))))), Opcode.TXN),
                new Answer(new KvResponse.CompactOk(26, 34), Opcode.COMPACT),
                new Answer(new Response.Compacted(27, 12, "mvcc: required revision has been compacted"), Opcode.RANGE),
                new Answer(new Response.FutureRevision(28, 40, "mvcc: required revision is a future revision"),
                        Opcode.RANGE),
                new Answer(new Response.LeaseNotFound(29, "etcdserver: requested lease not found"), Opcode.PUT_KV));
    }

    static VersionedKeyValue kv(String key, String value) {
        return new VersionedKeyValue(b(key), b(value), 3, 7, 2, 0x99);
    }

    static <T> ByteBuf encode(T message, BiConsumer<T, ByteBuf> encoder) {
        ByteBuf out = Unpooled.buffer();
        encoder.accept(message, out);
        return out;
    }

    static byte[] bytes(ByteBuf buf) {
        byte[] out = new byte[buf.readableBytes()];
        buf.getBytes(buf.readerIndex(), out);
        return out;
    }
}
