package io.tern.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tern user|role|auth} and {@code --user} against a real single-node server: what an operator
 * types to secure a cluster, and what a user without the right permission is told.
 */
@Timeout(60)
class CliAuthTest {

    private static final String NL = System.lineSeparator();

    @TempDir
    Path data;

    private TestNode node;

    @BeforeEach
    void startServer() throws InterruptedException {
        node = TestNode.start(data);
    }

    @AfterEach
    void stopServer() {
        if (node != null) {
            node.close();
        }
    }

    private Cli.Result tern(String... args) {
        return node.tern(args);
    }

    /** root (role root) and alice, who may read and write under "app/"; then auth on. */
    private void secure() {
        tern("user", "add", "root:root-pw").assertOk("User root created" + NL);
        tern("user", "grant-role", "root", "root").assertOk("Role root is granted to user root" + NL);
        tern("user", "add", "alice", "--new-user-password", "alice:pw").assertOk("User alice created" + NL);
        tern("role", "add", "app-rw").assertOk("Role app-rw created" + NL);
        tern("role", "grant-permission", "app-rw", "readwrite", "app/", "--prefix").assertOk("Role app-rw updated" + NL);
        tern("role", "grant-permission", "app-rw", "read", "config").assertOk("Role app-rw updated" + NL);
        tern("user", "grant-role", "alice", "app-rw").assertOk("Role app-rw is granted to user alice" + NL);
        tern("auth", "enable").assertOk("Authentication Enabled" + NL);
    }

    private static void assertWritten(Cli.Result put) {
        assertEquals(ExitCodes.OK, put.exitCode(), put::toString);
        assertTrue(put.out().startsWith("OK revision="), put::toString);
    }

    @Test
    void enablingNeedsRootWithTheRootRole() {
        tern("auth", "status").assertOk("Authentication Status: false" + NL + "AuthRevision: 0" + NL);
        tern("auth", "enable").assertFails(ExitCodes.REFUSED, "tern auth enable: refused (BAD_REQUEST): etcdserver: root user does not exist");
        tern("user", "add", "root:pw").assertOk("User root created" + NL);
        tern("auth", "enable").assertFails(ExitCodes.REFUSED,
                "tern auth enable: refused (BAD_REQUEST): etcdserver: root user does not have root role");
        tern("user", "grant-role", "root", "root").assertOk("Role root is granted to user root" + NL);
        tern("auth", "enable").assertOk("Authentication Enabled" + NL);
        Cli.Result status = tern("auth", "status", "--user", "root:pw");
        assertTrue(status.out().startsWith("Authentication Status: true" + NL + "AuthRevision: "), status::toString);
        tern("auth", "disable", "--user", "root:pw").assertOk("Authentication Disabled" + NL);
        assertWritten(tern("put", "k", "v"));
    }

    @Test
    void aUserReachesWhatItsRolesGrantAndIsToldWhatItLacks() {
        secure();
        assertWritten(tern("put", "app/x", "1", "--user", "alice:alice:pw"));
        tern("get", "app/x", "--user", "alice:alice:pw").assertOk("1" + NL);
        tern("put", "config", "x", "--user", "alice:alice:pw").assertFails(ExitCodes.DENIED,
                "tern put: permission denied: ");
        Cli.Result denied = tern("put", "other", "x", "--user", "alice:alice:pw");
        denied.assertFails(ExitCodes.DENIED, "tern put: permission denied: ");
        assertTrue(denied.err().contains("alice") && denied.err().contains("other"), denied::err);

        Cli.Result anonymous = tern("get", "app/x");
        anonymous.assertFails(ExitCodes.DENIED, "tern get: unauthenticated: ");
        assertTrue(anonymous.err().endsWith("etcdserver: user name is empty (authentication is on: give --user "
                + "NAME:PASSWORD)" + NL), anonymous::err);
        tern("get", "app/x", "--user", "alice:wrong").assertFails(ExitCodes.DENIED, "tern get: unauthenticated: ");
        // Admin commands are root's.
        tern("user", "list", "--user", "alice:alice:pw").assertFails(ExitCodes.DENIED, "tern user list: permission denied: ");
        assertEquals(ExitCodes.NO, tern("get", "other", "--user", "root:root-pw").exitCode(), "root reads anything");
    }

    @Test
    void usersAndRolesArePrintedAsEtcdctlPrintsThem() {
        secure();
        tern("user", "list", "--user", "root:root-pw").assertOk("alice" + NL + "root" + NL);
        // As in etcd, granting the root role does not add it to the roles.
        tern("role", "list", "--user", "root:root-pw").assertOk("app-rw" + NL);
        tern("user", "get", "alice", "--user", "root:root-pw").assertOk("User: alice" + NL + "Roles: app-rw" + NL);
        tern("role", "get", "app-rw", "--user", "root:root-pw").assertOk("Role app-rw" + NL
                + "KV Read:" + NL + "\t[app/, app0) (prefix app/)" + NL + "\tconfig" + NL
                + "KV Write:" + NL + "\t[app/, app0) (prefix app/)" + NL);

        tern("role", "revoke-permission", "app-rw", "app/", "--prefix", "--user", "root:root-pw")
                .assertOk("Permission of range [app/, app0) is revoked from role app-rw" + NL);
        tern("put", "app/x", "2", "--user", "alice:alice:pw").assertFails(ExitCodes.DENIED, "tern put: permission denied: ");
        tern("user", "revoke-role", "alice", "app-rw", "--user", "root:root-pw")
                .assertOk("Role app-rw is revoked from user alice" + NL);
        tern("user", "passwd", "alice:new-pw", "--user", "root:root-pw").assertOk("Password updated" + NL);
        tern("get", "config", "--user", "alice:alice:pw").assertFails(ExitCodes.DENIED, "tern get: unauthenticated: ");
        tern("role", "delete", "app-rw", "--user", "root:root-pw").assertOk("Role app-rw deleted" + NL);
        tern("user", "delete", "alice", "--user", "root:root-pw").assertOk("User alice deleted" + NL);
        tern("user", "get", "alice", "--user", "root:root-pw").assertFails(ExitCodes.REFUSED,
                "tern user get: refused (BAD_REQUEST): etcdserver: user name not found");
    }

    @Test
    void benchRunsAsItsUser() throws Exception {
        secure();
        Cli.Result run = tern("bench", "--clients", "2", "--duration", "300ms", "--warmup", "0s", "--keys", "10",
                "--json", "--user", "root:root-pw");
        assertEquals(ExitCodes.OK, run.exitCode(), run::toString);
        JsonNode summary = new ObjectMapper().readTree(run.out());
        assertTrue(summary.get("ops").asLong() > 0, run::out);
        assertEquals(0, summary.get("errors").asLong(), run::out);
    }

    @Test
    void aPasswordLeftOutIsReadFromStandardInput() {
        InputStream stdin = System.in;
        try {
            System.setIn(new ByteArrayInputStream(("bob-pw" + NL).getBytes(StandardCharsets.UTF_8)));
            tern("user", "add", "bob").assertOk("User bob created" + NL);
        } finally {
            System.setIn(stdin);
        }
        secure();
        // bob has no role: refused for lack of permission, which means his password was right.
        tern("get", "app/x", "--user", "bob:bob-pw").assertFails(ExitCodes.DENIED, "tern get: permission denied: ");
        tern("get", "app/x", "--user", "bob:other").assertFails(ExitCodes.DENIED, "tern get: unauthenticated: ");
    }

    @Test
    void badArgumentsAreUsageErrorsBeforeAnyConnection() {
        Cli.Result badType = Cli.run("role", "grant-permission", "r", "readonly", "k", "--endpoints",
                "127.0.0.1:" + Cli.closedPort());
        badType.assertFails(ExitCodes.USAGE, "tern role grant-permission: ");
        assertTrue(badType.err().contains("'readonly' is not a permission: read, write or readwrite"), badType::err);
        Cli.run("role", "revoke-permission", "r", "k", "z", "--prefix", "--endpoints", "127.0.0.1:" + Cli.closedPort())
                .assertFails(ExitCodes.USAGE, "tern role revoke-permission: a RANGE_END cannot go with --prefix");
        Cli.run("user", "add", ":pw", "--endpoints", "127.0.0.1:" + Cli.closedPort())
                .assertFails(ExitCodes.USAGE, "tern user add: NAME has an empty user name");
        Cli.run("user", "add", "x", "--no-password", "--new-user-password", "p", "--endpoints", "127.0.0.1:" + Cli.closedPort())
                .assertFails(ExitCodes.USAGE, "tern user add: --no-password and --new-user-password exclude each other");
    }

    @Test
    void aPasswordIsSplitAtTheFirstColon() {
        assertEquals(new UserPassword("alice", "a:b"), UserPassword.parse("alice:a:b", "--user"));
        assertEquals(new UserPassword("alice", ""), UserPassword.parse("alice:", "--user"));
        assertFalse(UserPassword.parse("alice:secret", "--user").toString().contains("secret"));
    }
}
