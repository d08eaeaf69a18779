package io.tern.engine.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tern.kv.Compare;
import io.tern.kv.DeleteRangeRequest;
import io.tern.kv.KeyRange;
import io.tern.kv.Permission;
import io.tern.kv.PutRequest;
import io.tern.kv.RangeRequest;
import io.tern.kv.TxnRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class AuthStateTest {

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static boolean allows(Permission held, Permission.Type type, KeyRange wanted) {
        return held.allows(type, wanted);
    }

    @Test
    void aPermissionCoversExactlyItsKeyRangeOrPrefix() {
        Permission key = new Permission(Permission.Type.READ, KeyRange.single(b("k")));
        assertTrue(allows(key, Permission.Type.READ, KeyRange.single(b("k"))));
        assertTrue(allows(key, Permission.Type.READ, new KeyRange(b("k"), b("k\0"))));
        assertFalse(allows(key, Permission.Type.READ, KeyRange.single(b("k\0"))));
        assertFalse(allows(key, Permission.Type.READ, KeyRange.prefix(b("k"))));
        assertFalse(allows(key, Permission.Type.WRITE, KeyRange.single(b("k"))));

        Permission range = new Permission(Permission.Type.WRITE, new KeyRange(b("a"), b("c")));
        assertTrue(allows(range, Permission.Type.WRITE, KeyRange.single(b("a"))));
        assertTrue(allows(range, Permission.Type.WRITE, KeyRange.single(b("bzzz"))));
        assertTrue(allows(range, Permission.Type.WRITE, new KeyRange(b("a"), b("c"))));
        assertFalse(allows(range, Permission.Type.WRITE, KeyRange.single(b("c"))));
        assertFalse(allows(range, Permission.Type.WRITE, new KeyRange(b("a"), b("c\0"))));
        assertFalse(allows(range, Permission.Type.WRITE, new KeyRange(b("a"), KeyRange.TO_THE_END)));
        assertFalse(allows(range, Permission.Type.WRITE, KeyRange.single(b(""))));

        Permission prefix = new Permission(Permission.Type.READWRITE, KeyRange.prefix(b("p/")));
        assertTrue(allows(prefix, Permission.Type.READ, KeyRange.prefix(b("p/"))));
        assertTrue(allows(prefix, Permission.Type.WRITE, KeyRange.single(b("p/x/y"))));
        assertTrue(allows(prefix, Permission.Type.READ, KeyRange.prefix(b("p/x"))));
        assertFalse(allows(prefix, Permission.Type.READ, KeyRange.single(b("p"))));
        assertFalse(allows(prefix, Permission.Type.READ, KeyRange.prefix(b("p"))));

        Permission everything = new Permission(Permission.Type.READ, KeyRange.all());
        assertTrue(allows(everything, Permission.Type.READ, KeyRange.all()));
        assertTrue(allows(everything, Permission.Type.READ, KeyRange.single(b(""))));
        Permission fromM = new Permission(Permission.Type.READ, new KeyRange(b("m"), KeyRange.TO_THE_END));
        assertTrue(allows(fromM, Permission.Type.READ, new KeyRange(b("x"), KeyRange.TO_THE_END)));
        assertFalse(allows(fromM, Permission.Type.READ, KeyRange.all()));
    }

    @Test
    void aTransactionNeedsWhatBothBranchesAndItsComparesTouch() {
        TxnRequest txn = new TxnRequest(List.of(Compare.version(b("c"), Compare.Result.EQUAL, 1)),
                List.of(PutRequest.of(b("s"), b("v")), new TxnRequest(List.of(), List.of(),
                        List.of(new DeleteRangeRequest(KeyRange.prefix(b("n/")), true)))),
                List.of(RangeRequest.of(KeyRange.single(b("f")))));
        assertEquals(List.of(new Permission(Permission.Type.READ, KeyRange.single(b("c"))),
                new Permission(Permission.Type.WRITE, KeyRange.single(b("s"))),
                new Permission(Permission.Type.WRITE, KeyRange.prefix(b("n/"))),
                new Permission(Permission.Type.READ, KeyRange.prefix(b("n/"))),
                new Permission(Permission.Type.READ, KeyRange.single(b("f")))), RequiredAccess.of(txn).needs());
    }

    @Test
    void changesFollowEtcdsRulesAndTheStateRoundTrips() {
        AuthState state = AuthState.EMPTY
                .apply(new AuthChange.UserAdd("root", "h1"), 1)
                .apply(new AuthChange.UserGrantRole("root", "root"), 2)
                .apply(new AuthChange.RoleAdd("r"), 3)
                .apply(new AuthChange.RoleGrantPermission("r", new Permission(Permission.Type.READ, KeyRange.prefix(b("a")))), 4)
                .apply(new AuthChange.RoleGrantPermission("r", new Permission(Permission.Type.WRITE, KeyRange.prefix(b("a")))), 5)
                .apply(new AuthChange.UserAdd("bob", null), 6)
                .apply(new AuthChange.UserGrantRole("bob", "r"), 7)
                .apply(new AuthChange.Enable(new byte[] {1, 2, 3}), 8);
        assertEquals(List.of(new Permission(Permission.Type.WRITE, KeyRange.prefix(b("a")))), state.role("r").permissions(),
                "a grant on the same range replaces the one before");
        assertEquals("etcdserver: user name already exists",
                assertThrows(AuthRefusedException.class, () -> state.apply(new AuthChange.UserAdd("bob", null), 9)).getMessage());
        assertEquals("etcdserver: role name not found", assertThrows(AuthRefusedException.class,
                () -> state.apply(new AuthChange.UserGrantRole("bob", "nope"), 9)).getMessage());
        assertEquals("etcdserver: invalid auth management", assertThrows(AuthRefusedException.class,
                () -> state.apply(new AuthChange.RoleDelete("root"), 9)).getMessage());
        assertEquals("etcdserver: permission is not granted to the role", assertThrows(AuthRefusedException.class,
                () -> state.apply(new AuthChange.RoleRevokePermission("r", KeyRange.single(b("a"))), 9)).getMessage());
        AuthState roleGone = state.apply(new AuthChange.RoleDelete("r"), 9);
        assertEquals(List.of(), roleGone.user("bob").roles(), "a deleted role leaves its users");
        assertEquals("user bob lacks WRITE on key 'ab'",
                roleGone.refusal("bob", RequiredAccess.write(KeyRange.single(b("ab")))));
        assertNull(state.refusal("bob", RequiredAccess.write(KeyRange.single(b("ab")))));
        assertNull(state.refusal("root", RequiredAccess.ROOT));

        AuthState decoded = AuthState.decode(state.encode());
        assertEquals(state.toString(), decoded.toString());
        assertEquals(List.of("r"), decoded.user("bob").roles());
        assertNull(decoded.user("bob").passwordHash());
        assertEquals(state.role("r"), decoded.role("r"));
        assertTrue(decoded.enabled());
        assertEquals(AuthState.EMPTY.toString(), AuthState.decode(null).toString());
        assertThrows(IllegalArgumentException.class, () -> AuthState.decode(new byte[] {1, 1, 0, 0, 0, 9}));
        AuthState disabled = state.apply(new AuthChange.Disable(), 10);
        assertFalse(disabled.enabled());
        assertEquals(0, disabled.tokenKey().length);
    }
}
