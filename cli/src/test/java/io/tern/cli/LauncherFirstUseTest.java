package io.tern.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.nio.file.attribute.FileTime;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A newcomer's first {@code bin/tern} builds the sources; one started beside it in a second terminal
 * must not build into the same {@code target/} directories at the same time (each would delete
 * classes the other is compiling against). Here both run on a fresh copy of the sources, with
 * the Maven repository shared with this build, so that the first-use build is real.
 */
@Tag("process")
class LauncherFirstUseTest {

    private static final String BUILDING = "tern: building (first use or sources changed)...";
    private static final String WAITING = "tern: waiting for another build to finish...";
    private static final String TRAINING = "tern: preparing a class archive for faster starts...";

    @TempDir
    Path copy;

    @TempDir
    Path outputs;

    /** What one launcher did. */
    private record Run(int exitCode, String out, List<String> errLines) {
    }

    @Test
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void aSecondLauncherWaitsForTheFirstOnesBuildAndThenUsesIt() throws Exception {
        copySources(repositoryRoot(), copy);
        Process first = launch("first");
        // The second starts once the first compiles (its first classes exist): then an unguarded second
        // build starts over in the same directories while the first is still using them, every time.
        awaitBuildUnderWay(first);
        Process second = launch("second");

        Run firstRun = finish("first", first);
        Run secondRun = finish("second", second);
        assertEquals(List.of(BUILDING, TRAINING), firstRun.errLines(), firstRun.toString());
        assertEquals(List.of(WAITING), secondRun.errLines(), "one build only; " + secondRun);
        for (Run run : List.of(firstRun, secondRun)) {
            assertEquals(0, run.exitCode(), run.toString());
            assertTrue(run.out().startsWith("Usage: tern "), run.toString());
        }
        Path archive = copy.resolve("cli/target/tern.jsa");
        assertTrue(Files.isRegularFile(archive) && Files.size(archive) > 0, "the training run left no class archive");

        // A change in the lowest module the launcher runs must rebuild it too (the list of modules once
        // missed one that was added later), and the build after it is used as it is.
        Path lowest = copy.resolve("kv/src/main/java/io/tern/kv/Bytes.java");
        Files.setLastModifiedTime(lowest, FileTime.from(Instant.now()));
        Run afterChange = finish("after-change", launch("after-change"));
        assertEquals(List.of(BUILDING, TRAINING), afterChange.errLines(), afterChange.toString());
        Run unchanged = finish("unchanged", launch("unchanged"));
        assertEquals(List.of(), unchanged.errLines(), unchanged.toString());
    }

    private Process launch(String name) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(copy.resolve("bin/tern").toString(), "--help")
                .directory(copy.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(outputs.resolve(name + ".out").toFile())
                .redirectError(outputs.resolve(name + ".err").toFile());
        builder.environment().remove("TERN_CLASSPATH"); // that would skip the build
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        return builder.start();
    }

    private void awaitBuildUnderWay(Process first) throws Exception {
        Path compiled = copy.resolve("engine/target/classes/io/tern/engine");
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (!Files.isDirectory(compiled)) {
            if (!first.isAlive() || System.nanoTime() > deadline) {
                fail("the first launcher's build never got to compiling: " + finish("first", first));
            }
            Thread.sleep(20);
        }
    }

    private Run finish(String name, Process process) throws Exception {
        if (!process.waitFor(10, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            fail("the " + name + " launcher did not finish within 10 minutes");
        }
        return new Run(process.exitValue(), Files.readString(outputs.resolve(name + ".out")),
                Files.readAllLines(outputs.resolve(name + ".err")));
    }

    /** Copies the files git tracks or would (new, not ignored), so the copy has sources and no build output. */
    private static void copySources(Path repo, Path to) throws Exception {
        Process git = new ProcessBuilder("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard")
                .directory(repo.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String listing = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        Assumptions.assumeTrue(git.waitFor() == 0, "not a git checkout, so there is no list of sources to copy");
        for (String file : listing.split("\0")) {
            Path source = repo.resolve(file);
            if (!file.isEmpty() && Files.isRegularFile(source)) { // a tracked file deleted in the work tree is skipped
                Path target = to.resolve(file);
                Files.createDirectories(target.getParent());
                Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
    }

    private static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isExecutable(dir.resolve("bin/tern")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
                return dir;
            }
        }
        return fail("no bin/tern above " + Path.of("").toAbsolutePath());
    }
}
