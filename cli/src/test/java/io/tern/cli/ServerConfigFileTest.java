package io.tern.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code tern server --config FILE}: a flag comes from the command line, else a TERN_ variable, else the
 * file, else its default; a bad file, key or value is one line naming the file and the key; the sample
 * in dist/ lists every flag with its default.
 */
class ServerConfigFileTest {

    @TempDir
    Path dir;

    private record Run(int exitCode, String out, String err) {
    }

    @Test
    void theCommandLineWinsOverTheEnvironmentWhichWinsOverTheFileWhichWinsOverTheDefault() throws IOException {
        Path file = write("tern.conf", """
                # a comment
                id=3
                election-timeout-ms=700
                heartbeat-ms = 50
                join=true
                data=/srv/tern
                """);
        ServerCommand server = parse(Map.of("TERN_ID", "4", "TERN_ELECTION_TIMEOUT_MS", "900"),
                "--config", file.toString(), "--id", "5");
        assertEquals(5, server.id, "the command line wins over TERN_ID and the file");
        assertEquals(900, server.electionTimeoutMs, "TERN_ELECTION_TIMEOUT_MS wins over the file");
        assertEquals(50, server.heartbeatMs, "the file wins over the default");
        assertTrue(server.join, "a boolean flag set in the file");
        assertEquals(Path.of("/srv/tern"), server.data);
        assertEquals(100_000, server.snapshotEntries, "a flag set nowhere keeps its default");
    }

    @Test
    void theFileMayBeNamedByTernConfigAndTheCommandLineWinsOverIt() throws IOException {
        Path fromVariable = write("variable.conf", "heartbeat-ms=60\n");
        Path fromFlag = write("flag.conf", "heartbeat-ms=70\n");
        assertEquals(60, parse(Map.of("TERN_CONFIG", fromVariable.toString())).heartbeatMs);
        assertEquals(70, parse(Map.of("TERN_CONFIG", fromVariable.toString()), "--config", fromFlag.toString()).heartbeatMs);
    }

    @Test
    void anUnknownKeyIsOneLineNamingTheFileAndTheKey() throws IOException {
        Path file = write("tern.conf", "heartbeat-ms=50\nheartbeat=100\n");
        assertUsageError(execute("server", "--config", file.toString()),
                "config file " + file + ": unknown key 'heartbeat'");
    }

    @Test
    void theFileCannotNameAnotherConfigFile() throws IOException {
        Path file = write("tern.conf", "config=/etc/other.conf\n");
        assertUsageError(execute("server", "--config", file.toString()), "config file " + file + ": key 'config'");
    }

    @Test
    void aFileThatCannotBeReadIsOneLineNamingIt() throws IOException {
        Path missing = dir.resolve("missing.conf");
        assertUsageError(execute("server", "--config", missing.toString()),
                "config file " + missing + " cannot be read: it does not exist");
        Path directory = Files.createDirectory(dir.resolve("a-directory"));
        assertUsageError(execute("server", "--config", directory.toString()), "config file " + directory + " cannot be read");
        Path binary = dir.resolve("binary.conf");
        Files.write(binary, new byte[] {'i', 'd', '=', (byte) 0xC3, (byte) 0x28});
        assertUsageError(execute("server", "--config", binary.toString()),
                "config file " + binary + " cannot be read: it is not UTF-8 text");
    }

    @Test
    void aValueOfTheWrongTypeIsOneLineNamingTheFileAndTheKey() throws IOException {
        Path file = write("tern.conf", "heartbeat-ms=often\n");
        Run run = execute("server", "--config", file.toString());
        assertUsageError(run, "'often'");
        assertTrue(run.err().contains("(--heartbeat-ms from key heartbeat-ms of config file " + file + ")"), run.err());
    }

    @Test
    void aValueTheServerRefusesIsOneLineNamingTheFileAndTheKey() throws IOException {
        Path file = write("tern.conf", "heartbeat-ms=0\n");
        Run run = execute("server", "--config", file.toString(), "--data", dir.resolve("data").toString());
        assertUsageError(run, "--heartbeat-ms must be at least 1, was 0");
        assertTrue(run.err().contains("(--heartbeat-ms from key heartbeat-ms of config file " + file + ")"), run.err());
        assertFalse(Files.exists(dir.resolve("data")), "nothing started");
    }

    @Test
    void aValueFromAVariableIsNamedByTheVariable() {
        Run run = execute(Map.of("TERN_ELECTION_TIMEOUT_MS", "150"), "server", "--data", dir.resolve("data").toString());
        assertUsageError(run, "--election-timeout-ms (150) must be at least twice --heartbeat-ms (100)");
        assertTrue(run.err().contains("(--election-timeout-ms from TERN_ELECTION_TIMEOUT_MS)"), run.err());
        assertFalse(run.err().contains("--heartbeat-ms from"), "the default came from nowhere to name: " + run.err());
    }

    @Test
    void helpIsShownEvenWithABrokenConfigFile() {
        Run run = execute("server", "--config", dir.resolve("missing.conf").toString(), "--help");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("--config=FILE"), run.out());
        assertTrue(run.out().contains("--heartbeat-ms=<heartbeatMs>"), run.out());
    }

    /**
     * dist/tern.conf.sample has a line {@code #key=value} for every flag of {@code tern server} but
     * --config, with its default (an example where it has none), and every such line is a flag, so that
     * uncommenting the lines of defaults is accepted and changes nothing.
     */
    @Test
    void theSampleListsEveryFlagWithItsDefault() throws IOException {
        Path sample = repositoryRoot().resolve("dist/tern.conf.sample");
        Map<String, String> listed = new LinkedHashMap<>();
        Matcher line = Pattern.compile("^#([a-z][a-z0-9-]*)=(.*)$", Pattern.MULTILINE).matcher(Files.readString(sample));
        while (line.find()) {
            assertEquals(null, listed.put(line.group(1), line.group(2)), "listed twice: " + line.group(1));
        }
        CommandLine server = TernCli.commandLine(Map.of()).getSubcommands().get("server");
        List<String> missing = new ArrayList<>();
        StringBuilder defaults = new StringBuilder();
        for (OptionSpec option : server.getCommandSpec().options()) {
            String key = ConfigFile.keyOf(option);
            if (option.hidden() || option.usageHelp() || option.versionHelp() || key.equals("config")) {
                continue;
            }
            String value = listed.remove(key);
            if (value == null) {
                missing.add("#" + key + "=" + option.defaultValue());
                continue;
            }
            String expected = option.defaultValue() != null ? option.defaultValue()
                    : option.type() == boolean.class ? "false" : null;
            if (expected != null) {
                assertEquals(expected, value, "the default of " + key + " in " + sample);
                defaults.append(key).append('=').append(value).append('\n');
            } else {
                assertFalse(value.isBlank(), key + " needs an example value in " + sample);
            }
        }
        assertEquals(List.of(), missing, "flags missing from " + sample);
        assertEquals(Map.of(), listed, "keys in " + sample + " that are no visible flag of tern server");

        ServerCommand fromDefaults = parse(Map.of(), "--config", write("defaults.conf", defaults.toString()).toString());
        ServerCommand fromNothing = parse(Map.of());
        assertEquals(fromNothing.config(), fromDefaults.config());
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
    }

    private static ServerCommand parse(Map<String, String> environment, String... serverArgs) {
        CommandLine root = TernCli.commandLine(environment);
        List<String> args = new ArrayList<>(List.of("server"));
        args.addAll(List.of(serverArgs));
        root.parseArgs(args.toArray(String[]::new));
        return root.getSubcommands().get("server").getCommand();
    }

    private static Run execute(String... args) {
        return execute(Map.of(), args);
    }

    private static Run execute(Map<String, String> environment, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine root = TernCli.commandLine(environment);
        root.setOut(new PrintWriter(out, true));
        root.setErr(new PrintWriter(err, true));
        int exitCode = root.execute(args);
        return new Run(exitCode, out.toString(), err.toString());
    }

    private static void assertUsageError(Run run, String fragment) {
        assertEquals(ExitCodes.USAGE, run.exitCode(), run.err());
        assertEquals("", run.out());
        Cli.assertOneLine(run.err(), "tern server: ");
        assertTrue(run.err().contains(fragment), "'" + run.err().strip() + "' should contain '" + fragment + "'");
    }

    private static Path repositoryRoot() {
        for (Path at = Path.of("").toAbsolutePath(); at != null; at = at.getParent()) {
            if (Files.isRegularFile(at.resolve("dist/tern.conf.sample"))) {
                return at;
            }
        }
        return fail("no dist/tern.conf.sample above " + Path.of("").toAbsolutePath());
    }
}
