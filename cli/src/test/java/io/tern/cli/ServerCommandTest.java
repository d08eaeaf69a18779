package io.tern.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tern.server.ServerConfig;
import io.tern.server.TernServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code tern server}: every flag is validated with a one-line error; start failures say why in one line. */
@Timeout(60)
class ServerCommandTest {

    @TempDir
    Path dir;

    private record Run(int exitCode, String err) {
    }

    private Run run(String... args) {
        StringWriter err = new StringWriter();
        CommandLine line = new CommandLine(new ServerCommand());
        line.setErr(new PrintWriter(err, true));
        line.setOut(new PrintWriter(new StringWriter(), true));
        int code = line.execute(args);
        return new Run(code, err.toString());
    }

    private static void assertOneLine(Run run, String expectedFragment) {
        String text = run.err().strip();
        assertFalse(text.isEmpty(), "no message");
        assertEquals(1, text.lines().count(), "expected one line, got:\n" + text);
        assertTrue(text.startsWith("tern server: "), text);
        assertTrue(text.contains(expectedFragment), "'" + text + "' should mention '" + expectedFragment + "'");
    }

    @Test
    void flagsComeFromTernEnvironmentVariablesAndTheCommandLineWins() {
        ServerCommand server = new ServerCommand();
        CommandLine line = new CommandLine(server);
        line.setDefaultValueProvider(new EnvironmentDefaults(Map.of(
                "TERN_HEARTBEAT_MS", "77", "TERN_JOIN", "true", "TERN_ID", "5", "TERN_HELP", "true")));
        line.parseArgs("--id", "2");
        assertEquals(77, server.heartbeatMs);
        assertTrue(server.join);
        assertEquals(2, server.id, "the command line wins over TERN_ID");
        assertEquals(java.nio.file.Path.of("data"), server.data, "a flag set nowhere keeps its default");
        assertFalse(line.isUsageHelpRequested(), "TERN_HELP is not a flag's variable");
    }

    @Test
    void aBadValueInATernVariableGetsTheFlagsOneLineError() {
        StringWriter err = new StringWriter();
        CommandLine line = new CommandLine(new ServerCommand());
        line.setDefaultValueProvider(new EnvironmentDefaults(Map.of("TERN_HEARTBEAT_MS", "often")));
        line.setErr(new PrintWriter(err, true));
        line.setOut(new PrintWriter(new StringWriter(), true));
        assertEquals(2, line.execute());
        assertTrue(err.toString().contains("--heartbeat-ms"), err.toString());
    }

    @Test
    void eachBadFlagGetsOneLineAndExitCode2() {
        String data = dir.resolve("d").toString();
        List<List<String>> cases = List.of(
                List.of("--id", "0"), List.of("--cluster", "1=localhost"), List.of("--cluster", "x=127.0.0.1:1"),
                List.of("--cluster", "2=127.0.0.1:7000"), List.of("--cluster", "1=127.0.0.1:7000,1=127.0.0.1:7001"),
                List.of("--cluster", "1=127.0.0.1:7000,2=127.0.0.1:7000"), List.of("--listen", "nowhere"),
                List.of("--heartbeat-ms", "0"), List.of("--election-timeout-ms", "150"), List.of("--fsync", "sometimes"),
                List.of("--snapshot-entries", "0"), List.of("--max-value-bytes", "0"),
                List.of("--max-value-bytes", "999999999"), List.of("--cluster", "1=127.0.0.1:70000"),
                List.of("--disk-reserve-bytes", "-1"), List.of("--etcd-listen", "nowhere"),
                List.of("--metrics-listen", "nowhere"), List.of("--metrics-listen", "127.0.0.1:99999"),
                List.of("--log-level", "LOUD"), List.of("--log-format", "xml"));
        List<String> fragments = List.of("--id", "HOST:PORT", "not a number", "does not name", "twice",
                "two members", "--listen", "--heartbeat-ms", "--election-timeout-ms", "--fsync", "--snapshot-entries",
                "--max-value-bytes", "--max-value-bytes", "out of range", "--disk-reserve-bytes must be 0 or more",
                "--etcd-listen", "--metrics-listen", "--metrics-listen",
                "--log-level must be one of TRACE, DEBUG, INFO, WARN, ERROR, was 'LOUD'",
                "--log-format must be text or json, was 'xml'");
        for (int i = 0; i < cases.size(); i++) {
            List<String> args = new java.util.ArrayList<>(cases.get(i));
            args.addAll(List.of("--data", data));
            Run run = run(args.toArray(String[]::new));
            assertEquals(2, run.exitCode(), args + ": " + run.err());
            assertOneLine(run, fragments.get(i));
        }
    }

    @Test
    void aPortInUseStopsTheServerWithOneLine() throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            int port = taken.getLocalPort();
            Run run = run("--data", dir.resolve("d").toString(), "--cluster", "1=127.0.0.1:" + port);
            assertEquals(1, run.exitCode(), run.err());
            assertOneLine(run, "already in use");
        }
    }

    @Test
    void anEtcdPortInUseStopsTheServerWithOneLine() throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            Run run = run("--data", dir.resolve("d").toString(), "--cluster", "1=127.0.0.1:" + freePort(),
                    "--etcd-listen", "127.0.0.1:" + taken.getLocalPort());
            assertEquals(1, run.exitCode(), run.err());
            assertOneLine(run, "cannot serve etcd's API on 127.0.0.1:" + taken.getLocalPort()
                    + ": the address is already in use");
        }
    }

    @Test
    void aMetricsPortInUseStopsTheServerWithOneLine() throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            Run run = run("--data", dir.resolve("d").toString(), "--cluster", "1=127.0.0.1:" + freePort(),
                    "--metrics-listen", "127.0.0.1:" + taken.getLocalPort());
            assertEquals(1, run.exitCode(), run.err());
            assertOneLine(run, "cannot serve metrics on 127.0.0.1:" + taken.getLocalPort()
                    + ": the address is already in use");
        }
    }

    @Test
    void aDataDirectoryOfAnotherMemberIsRefused() throws Exception {
        Path data = dir.resolve("shared");
        ServerConfig first = ServerConfig.singleNode(data, "127.0.0.1", freePort());
        TernServer.start(first).close();
        int port = freePort();
        Run run = run("--id", "2", "--data", data.toString(), "--cluster", "2=127.0.0.1:" + port);
        assertEquals(1, run.exitCode(), run.err());
        assertOneLine(run, "belongs to member 1");
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Test
    void forceNewClusterNeedsAMembersDataAndExcludesJoin() {
        Path empty = dir.resolve("empty");
        Run noMember = run("--data", empty.toString(), "--cluster", "1=127.0.0.1:" + ServerConfig.DEFAULT_PORT,
                "--force-new-cluster");
        assertEquals(1, noMember.exitCode());
        assertOneLine(noMember, "--force-new-cluster keeps a member's data, and " + empty + " holds no member");

        Run both = run("--data", empty.toString(), "--force-new-cluster", "--join");
        assertEquals(2, both.exitCode());
        assertOneLine(both, "--force-new-cluster keeps this member's data and --join starts empty");
    }

    @Test
    void aDataDirectoryOfANewerFormatIsRefusedInOneLineAndLeftAsItIs() throws IOException {
        Path data = Files.createDirectories(dir.resolve("newer"));
        String identity = "{\"format\":2,\"clusterId\":\"c\",\"memberId\":1}";
        Files.writeString(data.resolve("identity.json"), identity);
        Run refused = run("--data", data.toString(), "--cluster", "1=127.0.0.1:" + ServerConfig.DEFAULT_PORT);
        assertEquals(1, refused.exitCode());
        assertOneLine(refused, "the data directory " + data + " has format 2; this Tern reads format 1 only");
        assertEquals(identity, Files.readString(data.resolve("identity.json")));
        assertEquals(List.of("LOCK", "identity.json"), Files.list(data)
                .map(p -> p.getFileName().toString()).sorted().toList());
    }
}
