package io.tern.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tern.raft.core.Role;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The client example the README tells people to run must keep working against a real node. */
class ReadmeExampleTest {

    @TempDir
    Path data;

    @Test
    @Timeout(120)
    void helloTernRunsAgainstARealNode() throws Exception {
        Path example = repositoryRoot().resolve("examples/HelloTern.java");
        try (TernServer server = TernServer.start(TestServers.single(data))) {
            TestServers.await("leadership", Duration.ofSeconds(10), () -> server.node().status().role() == Role.LEADER);
            String endpoint = "127.0.0.1:" + server.boundAddress().getPort();
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
            command.addAll(List.of(System.getProperty("tern.test.jvmArgs", "").split(" ")).stream()
                    .filter(flag -> !flag.isBlank()).toList());
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), example.toString(), endpoint));
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(process.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, process.exitValue(), output);
            assertTrue(output.contains("get greeting -> hello ("), output);
            assertTrue(output.contains("local get -> hello"), output);
            assertTrue(output.contains("cas hello -> hello, world: done"), output);
            assertTrue(output.contains("scan fruit/apple = red") && output.contains("scan fruit/banana = yellow"), output);
            assertTrue(output.contains("async put at revision "), output);
        }
    }

    private static Path repositoryRoot() throws IOException {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("examples/HelloTern.java"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IOException("cannot find examples/HelloTern.java above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }
}
