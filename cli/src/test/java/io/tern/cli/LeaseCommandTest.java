package io.tern.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tern.client.TernClient;
import io.tern.engine.state.Command;
import io.tern.kv.PutRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code tern lease ...} against a real single-node server (election timeout 1 s: the least TTL is 2 s). */
@Timeout(60)
class LeaseCommandTest {

    private static final String NL = System.lineSeparator();

    @TempDir
    static Path data;

    private static TestNode node;
    private static TernClient client;

    @BeforeAll
    static void startServer() throws InterruptedException {
        node = TestNode.start(data);
        client = TernClient.connect(List.of(node.endpoint()));
    }

    @AfterAll
    static void stopServer() {
        if (client != null) {
            client.close();
        }
        if (node != null) {
            node.close();
        }
    }

    private static Cli.Result tern(String... args) {
        return node.tern(args);
    }

    /** Grants a lease through the CLI and returns its id, checking the line etcdctl prints. */
    private static String grant(String ttl, String expectedTtl) {
        Cli.Result result = tern("lease", "grant", ttl);
        Matcher line = Pattern.compile("lease ([0-9a-f]{16}) granted with TTL\\(" + expectedTtl + "s\\)" + NL)
                .matcher(result.out());
        assertTrue(line.matches(), () -> "'" + result.out() + "' / " + result.err());
        assertEquals(ExitCodes.OK, result.exitCode());
        return line.group(1);
    }

    @Test
    void grantPrintsTheIdInHexAndRaisesATtlUnderTheMinimum() {
        grant("60", "60");
        grant("1", "2");
        tern("lease", "grant", "--id", "694d77aa9e38260f", "60")
                .assertOk("lease 694d77aa9e38260f granted with TTL(60s)" + NL);
        tern("lease", "grant", "--id", "694d77aa9e38260f", "60")
                .assertFails(3, "tern lease grant: refused (BAD_REQUEST): etcdserver: lease already exists");
        tern("lease", "grant", "9000000001")
                .assertFails(3, "tern lease grant: refused (BAD_REQUEST): etcdserver: too large lease TTL");
    }

    @Test
    void timeToLiveShowsGrantedRemainingAndAttachedKeys() {
        String id = grant("60", "60");
        long lease = Long.parseLong(id, 16);
        for (String key : List.of("a", "b")) {
            node.apply(new Command.Kv(new PutRequest(key.getBytes(StandardCharsets.UTF_8), new byte[] {1}, lease,
                    false, false, false)));
        }
        Cli.Result ttl = tern("lease", "ttl", id);
        assertTrue(ttl.out().matches("lease " + id + " granted with TTL\\(60s\\), remaining\\((59|60)s\\)" + NL),
                ttl.out());
        Cli.Result keys = tern("lease", "timetolive", id, "--keys");
        assertTrue(keys.out().matches("lease " + id + " granted with TTL\\(60s\\), remaining\\((59|60)s\\), "
                + "attached keys\\(\\[a b\\]\\)" + NL), keys.out());
        tern("lease", "ttl", "ff").assertOk("lease 00000000000000ff already expired" + NL);
    }

    @Test
    void keepAliveOnceRenewsAndAnUnknownLeaseIsRefused() {
        String id = grant("60", "60");
        tern("lease", "keep-alive", id, "--once").assertOk("lease " + id + " keepalived with TTL(60)" + NL);
        tern("lease", "keep-alive", "abc", "--once").assertFails(3,
                "tern lease keep-alive: refused (LEASE_NOT_FOUND): etcdserver: requested lease not found");
    }

    @Test
    void keepAliveRunsUntilTheLeaseIsRevoked() throws Exception {
        String id = grant("2", "2");
        CompletableFuture<Cli.Result> keepAlive = CompletableFuture.supplyAsync(() -> tern("lease", "keep-alive", id));
        client.leases().revoke(Long.parseLong(id, 16));
        Cli.Result result = keepAlive.get(30, TimeUnit.SECONDS);
        assertEquals(ExitCodes.OK, result.exitCode(), result.err());
        List<String> lines = result.outLines();
        assertEquals("lease " + id + " expired or revoked.", lines.getLast());
        for (String renewal : lines.subList(0, lines.size() - 1)) {
            assertEquals("lease " + id + " keepalived with TTL(2)", renewal);
        }
    }

    @Test
    void revokeAndList() {
        String first = grant("60", "60");
        String second = grant("60", "60");
        Cli.Result list = tern("lease", "list");
        List<String> lines = list.outLines();
        assertEquals("found " + (lines.size() - 1) + " leases", lines.getFirst());
        assertTrue(lines.containsAll(List.of(first, second)), list.out());
        tern("lease", "revoke", first).assertOk("lease " + first + " revoked" + NL);
        tern("lease", "revoke", first).assertFails(3,
                "tern lease revoke: refused (LEASE_NOT_FOUND): etcdserver: requested lease not found");
        assertTrue(!tern("lease", "list").outLines().contains(first));
    }

    @Test
    void aLeaseIdThatIsNotHexIsAUsageError() {
        Cli.Result result = Cli.run("lease", "revoke", "xyz", "--endpoints", "127.0.0.1:" + Cli.closedPort());
        result.assertFails(ExitCodes.USAGE, "tern lease revoke: ");
        assertTrue(result.err().contains("'xyz' is not a lease ID"), result.err());
        Cli.run("lease", "ttl", "0").assertFails(ExitCodes.USAGE, "tern lease ttl: ");
    }
}
