package io.tern.engine.state;

import static io.tern.engine.state.TestEntries.bytes;
import static io.tern.engine.state.TestEntries.command;
import static io.tern.engine.state.TestEntries.put;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tern.engine.auth.AuthChange;
import io.tern.engine.auth.AuthState;
import io.tern.kv.KeyRange;
import io.tern.kv.Permission;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The auth state is replicated state, and a user's command is judged by the auth state at its own
 * position in the log: a change earlier in the same run already binds it.
 */
class RocksStateStoreAuthTest {

    @TempDir
    Path temp;

    private static Command auth(AuthChange change) {
        return new Command.AsUser("root", new Command.Auth(change));
    }

    private static List<io.tern.raft.types.LogEntry> rootAliceAndEnable() {
        return List.of(
                command(1, new Command.Auth(new AuthChange.UserAdd("root", "$2a$04$hash"))),
                command(2, new Command.Auth(new AuthChange.UserGrantRole("root", "root"))),
                command(3, new Command.Auth(new AuthChange.UserAdd("alice", "$2a$04$other"))),
                command(4, new Command.Auth(new AuthChange.RoleAdd("app"))),
                command(5, new Command.Auth(new AuthChange.RoleGrantPermission("app",
                        new Permission(Permission.Type.READWRITE, KeyRange.prefix(bytes("p/")))))),
                command(6, new Command.Auth(new AuthChange.UserGrantRole("alice", "app"))),
                command(7, new Command.Auth(new AuthChange.Enable(new byte[32]))));
    }

    @Test
    void aUsersWriteIsJudgedByTheAuthStateAtItsPositionInTheRun() {
        try (RocksStateStore store = RocksStateStore.open(temp.resolve("live"))) {
            store.apply(rootAliceAndEnable());
            List<CommandResult> results = store.apply(List.of(
                    command(8, new Command.AsUser("alice", new Command.Put(bytes("p/a"), bytes("1")))),
                    command(9, auth(new AuthChange.UserRevokeRole("alice", "app"))),
                    command(10, new Command.AsUser("alice", new Command.Put(bytes("p/b"), bytes("1")))),
                    command(11, new Command.AsUser("alice", new Command.Auth(new AuthChange.RoleAdd("mine")))),
                    command(12, new Command.AsUser("", new Command.Put(bytes("p/c"), bytes("1"))))));
            assertInstanceOf(CommandResult.Written.class, results.get(0));
            assertInstanceOf(CommandResult.Written.class, results.get(1));
            assertEquals(new CommandResult.Refused(CommandResult.Refusal.PERMISSION_DENIED, 0,
                    "user alice lacks WRITE on key 'p/b'"), results.get(2));
            assertEquals(new CommandResult.Refused(CommandResult.Refusal.PERMISSION_DENIED, 0,
                    "user alice lacks the root role this request needs"), results.get(3));
            assertEquals(new CommandResult.Refused(CommandResult.Refusal.PERMISSION_DENIED, 0,
                    "etcdserver: user name is empty"), results.get(4));
            assertTrue(store.get(bytes("p/a")).found());
            assertFalse(store.get(bytes("p/b")).found(), "a refused command writes nothing");
            assertEquals(12, store.appliedIndex(), "a refused command is still applied");
            assertEquals(List.of(), store.auth().user("alice").roles());
            assertEquals(null, store.auth().role("mine"));
        }
    }

    @Test
    void withAuthenticationOffAUsersCommandIsAppliedAsItIs() {
        try (RocksStateStore store = RocksStateStore.open(temp.resolve("live"))) {
            List<CommandResult> results = store.apply(List.of(put(1, "k", "v"),
                    command(2, new Command.AsUser("", new Command.Put(bytes("x"), bytes("1"))))));
            assertInstanceOf(CommandResult.Written.class, results.get(1));
            assertTrue(store.get(bytes("x")).found());
            assertFalse(store.auth().enabled());
        }
    }

    @Test
    void theAuthStateSurvivesAReopenAndTravelsInACheckpoint() {
        Path live = temp.resolve("live");
        Path checkpoint = temp.resolve("snapshots/at-7");
        try (RocksStateStore store = RocksStateStore.open(live)) {
            assertEquals(AuthState.EMPTY.encode().length, store.auth().encode().length);
            store.apply(rootAliceAndEnable());
            assertEquals(new CommandResult.Refused(CommandResult.Refusal.AUTH_REFUSED, 0,
                    "etcdserver: user name already exists"),
                    store.apply(List.of(command(8, auth(new AuthChange.UserAdd("alice", null))))).getFirst());
            store.checkpoint(checkpoint);
        }
        for (Path dir : List.of(live, checkpoint)) {
            try (RocksStateStore reopened = RocksStateStore.open(dir)) {
                AuthState auth = reopened.auth();
                assertTrue(auth.enabled());
                assertEquals(List.of("alice", "root"), auth.userNames());
                assertEquals(List.of("app"), auth.user("alice").roles());
                assertEquals(7, auth.revision());
            }
        }
    }
}
