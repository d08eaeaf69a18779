package io.tern.raft.core;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The script runner itself: it reports a wrong expectation at its file:line, and rewrite mode fixes it. */
class ScriptRunnerTest {

    private static final String WRONG = """
            # node 1 leads alone, so its first proposal lands after the no-op at index 1
            scenario proposal index
            ----
            ok

            cluster 1
            ----
            ok

            elect 1
            ----
            ok

            propose 1 x
            ----
            accepted index=9 term=1

            """;

    private static final String FIXED = WRONG.replace("accepted index=9 term=1", "accepted index=2 term=1");

    @TempDir
    Path dir;

    private ScriptFile write(String name, String text) throws IOException {
        Path path = dir.resolve(name);
        Files.writeString(path, text, UTF_8);
        return ScriptFile.read(path);
    }

    private static void checkAll(ScriptFile file) {
        ScriptRunner.cases(file).forEach(ScriptRunner::check);
    }

    @Test
    void aWrongExpectedOutputIsReportedAtItsFileAndLine() throws IOException {
        ScriptFile file = write("wrong.txt", WRONG);
        AssertionError failure = assertThrows(AssertionError.class, () -> checkAll(file));
        assertTrue(failure.getMessage().startsWith("wrong.txt:14: propose 1 x\n"), failure.getMessage());
        assertTrue(failure.getMessage().contains("expected:\n  accepted index=9 term=1\nactual:\n  accepted index=2 term=1"),
                failure.getMessage());
        StackTraceElement top = failure.getStackTrace()[0];
        assertEquals("wrong.txt", top.getFileName());
        assertEquals(14, top.getLineNumber());
    }

    @Test
    void rewriteModeFixesACopyOfTheFileAndKeepsItsComments() throws IOException {
        ScriptFile file = write("wrong.txt", WRONG);
        ScriptRunner.rewrite(file);
        assertEquals(FIXED, Files.readString(file.path(), UTF_8));
        checkAll(ScriptFile.read(file.path()));
    }

    @Test
    void rewritingAScriptThatPassesChangesNothing() throws IOException {
        Path election = ScriptRunner.sourceTestdata().resolve("election.txt");
        String original = Files.readString(election, UTF_8);
        ScriptFile copy = write("election.txt", original);
        ScriptRunner.rewrite(copy);
        assertEquals(original, Files.readString(copy.path(), UTF_8));
    }

    @Test
    void anUnknownCommandIsReportedAtItsFileAndLine() throws IOException {
        ScriptFile file = write("unknown.txt", """
                scenario typo
                ----
                ok

                campain 1
                ----
                ok
                """);
        AssertionError failure = assertThrows(AssertionError.class, () -> checkAll(file));
        assertTrue(failure.getMessage().startsWith("unknown.txt:5: campain 1\n"), failure.getMessage());
        assertTrue(failure.getMessage().contains("unknown command 'campain'"), failure.getMessage());
    }

    @Test
    void aCommandWithoutExpectedOutputIsRefusedAtItsLine() {
        IllegalArgumentException failure = assertThrows(IllegalArgumentException.class, () -> write("bare.txt", """
                scenario bare
                ----
                ok

                cluster 1
                elect 1
                """));
        assertTrue(failure.getMessage().startsWith("bare.txt:5: 'cluster 1' must be followed by a ----"), failure.getMessage());
    }

    @Test
    void aScriptMustStartWithAScenario() throws IOException {
        ScriptFile file = write("headless.txt", """
                cluster 1
                ----
                ok
                """);
        AssertionError failure = assertThrows(AssertionError.class, () -> ScriptRunner.cases(file));
        assertTrue(failure.getMessage().startsWith("headless.txt:1: cluster 1"), failure.getMessage());
    }

    @Test
    void outputHoldingBlankLinesIsFencedByDoubleSeparatorsAndReadBack() throws IOException {
        ScriptFile file = write("blank.txt", """
                scenario blank
                ----
                ok

                msgs
                ----
                no messages
                """);
        String rewritten = file.withOutputs(List.of(List.of("ok"), List.of("first", "", "second")));
        assertEquals("""
                scenario blank
                ----
                ok

                msgs
                ----
                ----
                first

                second
                ----
                ----
                """, rewritten);
        assertEquals(List.of("first", "", "second"), write("blank.txt", rewritten).directives().get(1).expected());
    }
}
