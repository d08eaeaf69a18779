package io.tern.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Help, and the usage errors found before any connection is tried: exit 2, one line on stderr. */
class CliUsageTest {

    @Test
    void rootHelpListsEveryCommandAndTheExitCodes() {
        Cli.Result help = Cli.run("--help");
        assertEquals(0, help.exitCode());
        assertEquals("", help.err());
        for (String command : new String[] {"server", "cluster", "put", "get", "del", "cas", "scan", "status",
                "member", "alarm", "leader", "snapshot", "bench"}) {
            assertTrue(help.out().contains("\n  " + command + " "), () -> command + " missing from:\n" + help.out());
        }
        assertTrue(help.out().contains("Exit codes:"), help.out());
        assertTrue(help.out().contains("  5  timed out: the request may or may not have been applied"), help.out());
    }

    @ParameterizedTest
    @ValueSource(strings = {"put", "get", "del", "cas", "scan", "status", "member", "member add", "member remove",
            "member promote", "alarm", "alarm list", "alarm disarm",
            "leader", "leader transfer", "snapshot", "bench", "cluster"})
    void everyCommandHasHelp(String command) {
        String[] args = (command + " --help").split(" ");
        Cli.Result help = Cli.run(args);
        assertEquals(0, help.exitCode(), help.err());
        assertTrue(help.out().startsWith("Usage: tern " + command), help.out());
        assertEquals("", help.err());
    }

    @Test
    void helpShowsDefaults() {
        String help = Cli.run("bench", "--help").out();
        for (String expected : new String[] {"Default: 64", "Default: 30s", "Default: 256", "Default: 0.5",
                "Default: 127.0.0.1:7379", "Default: 5s"}) {
            assertTrue(help.contains(expected), () -> expected + " missing from:\n" + help);
        }
        assertTrue(Cli.run("cluster", "--help").out().contains("Default: ./data"));
        assertTrue(Cli.run("help", "scan").out().startsWith("Usage: tern scan"));
    }

    @Test
    void versionOfTheRoot() {
        Cli.run("--version").assertOk("tern 0.1.0" + System.lineSeparator());
    }

    @Test
    void missingSubcommand() {
        Cli.run().assertFails(2, "tern: Missing required subcommand (see 'tern --help')");
        Cli.run("member").assertFails(2, "tern member: Missing required subcommand");
        Cli.run("leader").assertFails(2, "tern leader: Missing required subcommand");
        Cli.run("alarm").assertFails(2, "tern alarm: Missing required subcommand");
        Cli.run("user").assertFails(2, "tern user: Missing required subcommand");
        Cli.run("role").assertFails(2, "tern role: Missing required subcommand");
        Cli.run("auth").assertFails(2, "tern auth: Missing required subcommand");
    }

    @Test
    void unknownCommandSuggestsTheNearestOne() {
        // Not "putt": picocli finds "auth" near it too.
        Cli.run("pu", "a", "b").assertFails(2, "tern: Unmatched arguments from index 0: 'pu', 'a', 'b' (did you mean put?)");
    }

    @Test
    void missingOrExtraArguments() {
        Cli.run("put", "k").assertFails(2, "tern put: Missing required parameter: 'VALUE' (see 'tern put --help')");
        Cli.run("get").assertFails(2, "tern get: Missing required parameter: 'KEY'");
        Cli.run("get", "a", "b", "c").assertFails(2, "tern get: Unmatched argument at index 3: 'c'");
        Cli.run("get", "a", "b", "--prefix").assertFails(2, "tern get: a RANGE_END cannot go with --prefix");
        Cli.run("put", "k", "v", "--ignore-value").assertFails(2, "tern put: --ignore-value takes no VALUE");
        Cli.run("compact").assertFails(2, "tern compact: Missing required parameter: 'REV'");
        Cli.run("del", "--bogus", "k").assertFails(2, "tern del: Unknown option: '--bogus'");
        Cli.run("scan", "a", "b", "c").assertFails(2, "tern scan: Unmatched argument at index 3: 'c'");
    }

    @Test
    void casNeedsExactlyOneOfEachPair() {
        Cli.run("cas", "k", "--set", "v").assertFails(2,
                "tern cas: Missing required argument (specify one of these): (--expect=OLD | --absent)");
        Cli.run("cas", "k", "--absent").assertFails(2,
                "tern cas: Missing required argument (specify one of these): (--set=NEW | --delete)");
        Cli.run("cas", "k", "--expect", "a", "--absent", "--set", "b").assertFails(2,
                "tern cas: --expect=OLD, --absent are mutually exclusive (specify only one)");
        Cli.run("cas", "k", "--absent", "--set", "b", "--delete").assertFails(2,
                "tern cas: --set=NEW, --delete are mutually exclusive (specify only one)");
    }

    @Test
    void readOptionsFitTogether() {
        Cli.run("get", "k", "--min-revision", "5").assertFails(2, "tern get: --min-revision needs --local");
        Cli.run("get", "k", "--local", "--min-revision", "-1").assertFails(2, "tern get: --min-revision must not be negative: -1");
        Cli.run("scan", "--min-revision", "5").assertFails(2, "tern scan: --min-revision needs --local");
        Cli.run("scan", "--limit", "-1").assertFails(2, "tern scan: --limit must not be negative: -1");
    }

    @Test
    void badEndpointsAndTimeouts() {
        Cli.run("status", "--endpoints", "localhost").assertFails(2,
                "tern status: Invalid value for option '--endpoints' (HOST:PORT): 'localhost' is not HOST:PORT");
        Cli.run("put", "k", "v", "--endpoints", "127.0.0.1:7379,x:0").assertFails(2, "tern put: Invalid value for option '--endpoints'");
        Cli.run("get", "k", "--timeout", "soon").assertFails(2,
                "tern get: Invalid value for option '--timeout': 'soon' is not a duration");
    }

    @Test
    void membershipArguments() {
        Cli.run("member", "add", "0", "127.0.0.1:7380").assertFails(2, "tern member add: a member ID must be positive: 0");
        Cli.run("member", "add", "2", "127.0.0.1").assertFails(2, "tern member add: Invalid value for positional parameter at index 1 (HOST:PORT)");
        Cli.run("member", "add", "2").assertFails(2, "tern member add: Missing required parameter: 'HOST:PORT'");
        Cli.run("member", "remove", "x").assertFails(2, "tern member remove: Invalid value for positional parameter at index 0 (ID): 'x' is not a long");
        Cli.run("member", "promote", "0").assertFails(2, "tern member promote: a member ID must be positive: 0");
        Cli.run("member", "promote").assertFails(2, "tern member promote: Missing required parameter: 'ID'");
        Cli.run("member", "drop", "2").assertFails(2, "tern member: Unmatched arguments from index 1: 'drop', '2'");
        Cli.run("leader", "transfer", "-3").assertFails(2, "tern leader transfer: a member ID must be positive: -3");
        Cli.run("alarm", "disarm", "0").assertFails(2, "tern alarm disarm: a member ID must be positive: 0");
    }

    @Test
    void benchArguments() {
        Cli.run("bench", "--read-ratio", "1.5").assertFails(2, "tern bench: --read-ratio must be between 0 and 1: 1.5");
        Cli.run("bench", "--clients", "0").assertFails(2, "tern bench: --clients must be at least 1: 0");
        Cli.run("bench", "--duration", "0s").assertFails(2, "tern bench: --duration must be more than 0");
        Cli.run("bench", "--keys", "0").assertFails(2, "tern bench: --keys must be at least 1: 0");
        Cli.run("bench", "--value-size", "-1").assertFails(2, "tern bench: --value-size must not be negative: -1");
        Cli.run("bench", "--read-mode", "stale").assertFails(2,
                "tern bench: --read-mode must be linearizable, local or serializable: stale");
        Cli.run("bench", "--api", "grpc").assertFails(2, "tern bench: --api must be native or etcd: grpc");
        Cli.run("bench", "--api", "etcd", "--workload", "keepalive").assertFails(2,
                "tern bench: --api etcd runs only the put-get workload, not keepalive");
        Cli.run("bench", "--fill", "--workload", "watch-fanout").assertFails(2,
                "tern bench: --fill applies only to the put-get workload, not watch-fanout");
        Cli.run("bench", "--warmup", "2 s").assertFails(2, "tern bench: Invalid value for option '--warmup'");
        Cli.run("bench", "--connections", "0").assertFails(2, "tern bench: --connections must be at least 1: 0");
    }

    @Test
    void clusterArguments() {
        Cli.run("cluster", "--nodes", "0").assertFails(2, "tern cluster: --nodes must be at least 1: 0");
        Cli.run("cluster", "--base-port", "65535", "--nodes", "2").assertFails(2,
                "tern cluster: --base-port 65535 leaves no room for 2 ports below 65536");
        Cli.run("cluster", "--fsync", "sometimes").assertFails(2, "tern cluster: --fsync must be always or never: sometimes");
        Cli.run("cluster", "--forward").assertFails(2, "tern cluster: Missing required parameter for option '--forward'");
    }
}
