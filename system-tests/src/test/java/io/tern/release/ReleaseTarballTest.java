package io.tern.release;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.tern.client.ServerStatus;
import io.tern.client.TernClient;
import io.tern.platform.ListenPorts;
import io.tern.verify.cluster.Await;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release as an operator gets it: the tarball the dist module built, unpacked into an empty
 * directory, runs a server from its --config file and the client commands, with neither Maven nor
 * these sources in reach: the PATH holds only a Java and the few programs the launcher uses, and
 * everything runs outside the checkout. The server runs on a JAVA_HOME without javac, as a JRE is.
 */
@Tag("process")
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ReleaseTarballTest {

    /** What the launcher runs besides Java: the one PATH the release gets here. */
    private static final List<String> LAUNCHER_PROGRAMS = List.of("bash", "dirname", "sed", "head", "readlink");

    @TempDir
    Path unpacked;

    @TempDir
    Path work;

    private record Run(int exitCode, String out, String err) {
    }

    @Test
    void theUnpackedReleaseServesPutGetAndStatusWithoutMavenOrSources() throws Exception {
        Path tarball = Path.of(System.getProperty("tern.release.tarball", "(tern.release.tarball is not set)"));
        assertTrue(Files.isRegularFile(tarball), tarball + " is missing: the dist module builds it in Maven's "
                + "package phase, so run this test through 'mvn verify' (bin/test)");
        Run untar = run(new ProcessBuilder("tar", "-xzf", tarball.toString(), "-C", unpacked.toString()));
        assertEquals(0, untar.exitCode(), untar.err());
        String name = tarball.getFileName().toString().replaceFirst("\\.tar\\.gz$", "");
        try (Stream<Path> top = Files.list(unpacked)) {
            assertEquals(List.of(unpacked.resolve(name)), top.toList(), "one directory, named as the tarball");
        }
        Path home = unpacked.resolve(name);
        assertReleaseLayout(home);

        Path bin = Files.createDirectory(work.resolve("path"));
        for (String program : LAUNCHER_PROGRAMS) {
            Files.createSymbolicLink(bin.resolve(program), onHostPath(program));
        }
        Path javaBin = Path.of(System.getProperty("java.home"), "bin");
        String path = bin + File.pathSeparator + javaBin;
        assertFalse(Files.exists(bin.resolve("mvn")) || Files.exists(javaBin.resolve("mvn")), "mvn is on " + path);

        // A Java home without javac (a JRE's shape): the java in it is the test's own.
        Path jre = Files.createDirectories(work.resolve("jre/bin")).getParent();
        Files.createSymbolicLink(jre.resolve("bin/java"), javaBin.resolve("java"));
        Files.copy(Path.of(System.getProperty("java.home"), "release"), jre.resolve("release"));

        int port = ListenPorts.pick();
        String endpoint = "127.0.0.1:" + port;
        Path config = Files.writeString(work.resolve("tern.conf"), "cluster=1=" + endpoint + "\ndata=" + work.resolve("data") + "\n");
        ProcessBuilder serverBuilder = launcher(home, path, "server", "--config", config.toString())
                .redirectOutput(work.resolve("server.out").toFile())
                .redirectError(work.resolve("server.err").toFile());
        serverBuilder.environment().put("JAVA_HOME", jre.toString());
        Process server = serverBuilder.start();
        try {
            awaitLeader(server, endpoint);
            assertEquals(jre.resolve("bin/java").toString(), commandOf(server), "the server ran on JAVA_HOME's java");

            Run put = run(launcher(home, path, "put", "greeting", "hello", "--endpoints", endpoint));
            assertSucceeded(put);
            assertTrue(put.out().matches("OK revision=\\d+\n"), put.out());
            Run get = run(launcher(home, path, "get", "greeting", "--endpoints", endpoint));
            assertSucceeded(get);
            assertEquals("hello\n", get.out());
            Run status = run(launcher(home, path, "status", "--endpoints", endpoint));
            assertSucceeded(status);
            List<String> lines = status.out().lines().toList();
            assertEquals(2, lines.size(), status.out());
            assertTrue(lines.get(0).startsWith("ID "), status.out());
            assertTrue(lines.get(1).matches("1\\s+" + endpoint.replace(".", "\\.") + "\\s+LEADER\\s.*"), status.out());
        } finally {
            server.destroy();
            assertTrue(server.waitFor(30, TimeUnit.SECONDS), "the server did not stop on SIGTERM");
        }
        assertEquals(0, server.exitValue(), "a graceful stop; stderr: " + Files.readString(work.resolve("server.err")));
        assertTrue(Files.isDirectory(work.resolve("data")), "the data directory the config file named");
    }

    /** bin/tern, its scripts, the jars, the sample config and the unit; no build file and no source. */
    private static void assertReleaseLayout(Path home) throws IOException {
        assertTrue(Files.isExecutable(home.resolve("bin/tern")), "bin/tern");
        for (String file : List.of("bin/lib/jdk.sh", "bin/lib/jvm-flags.sh", "dist/tern.conf.sample", "dist/tern.service")) {
            assertTrue(Files.isRegularFile(home.resolve(file)), file);
        }
        try (Stream<Path> jars = Files.list(home.resolve("lib"))) {
            List<String> names = jars.map(jar -> jar.getFileName().toString()).toList();
            assertTrue(names.stream().anyMatch(jar -> jar.startsWith("tern-cli-")), "the CLI's jar: " + names);
            assertTrue(names.stream().allMatch(jar -> jar.endsWith(".jar")), "only jars in lib/: " + names);
        }
        try (Stream<Path> all = Files.walk(home)) {
            List<Path> sources = all.filter(file -> {
                String fileName = file.getFileName().toString();
                return fileName.equals("pom.xml") || fileName.endsWith(".java") || fileName.equals("src");
            }).toList();
            assertEquals(List.of(), sources, "build files or sources in the release");
        }
    }

    /** bin/tern with {@code args}, run from a directory outside the checkout with only {@code path} on PATH. */
    private ProcessBuilder launcher(Path home, String path, String... args) {
        List<String> command = new ArrayList<>(List.of(home.resolve("bin/tern").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Map<String, String> environment = builder.environment();
        environment.clear(); // no JAVA_HOME, TERN_CLASSPATH, MAVEN_OPTS or TERN_ flags of this build
        environment.put("PATH", path);
        return builder;
    }

    private void awaitLeader(Process server, String endpoint) {
        try (TernClient client = TernClient.connect(List.of(endpoint))) {
            Await.until("the released server to lead", Duration.ofSeconds(60), () -> {
                if (!server.isAlive()) {
                    fail("the server exited with " + server.exitValue() + ": " + readQuietly(work.resolve("server.err")));
                }
                try {
                    return ServerStatus.parse(client.status(endpoint)).isLeader();
                } catch (RuntimeException notYet) {
                    return false;
                }
            });
        }
    }

    /** The program the process was started as: argv[0], before Java resolves its own path. */
    private static String commandOf(Process process) throws IOException {
        byte[] commandLine = Files.readAllBytes(Path.of("/proc", Long.toString(process.pid()), "cmdline"));
        int end = 0;
        while (end < commandLine.length && commandLine[end] != 0) {
            end++;
        }
        return new String(commandLine, 0, end, StandardCharsets.UTF_8);
    }

    private static void assertSucceeded(Run run) {
        assertEquals("", run.err(), "stderr");
        assertEquals(0, run.exitCode(), "exit code; stdout: " + run.out());
    }

    private Run run(ProcessBuilder builder) throws Exception {
        Path out = Files.createTempFile(work, "out", ".txt");
        Path err = Files.createTempFile(work, "err", ".txt");
        Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail(builder.command() + " did not finish within 60 s");
        }
        return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    private static Path onHostPath(String program) {
        for (String dir : System.getenv("PATH").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, program);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return fail(program + " is not on this machine's PATH");
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(" + file + " unreadable: " + e.getMessage() + ")";
        }
    }
}
