package io.tern.raft.core;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The core's specification by example: every scenario of every {@code testdata/*.txt} script, one
 * test each, named after its file:line. With {@code -Dtern.rewrite=true} one test per file instead
 * rewrites that file's expected outputs in the source tree.
 */
class ScenarioScriptsTest {

    @TestFactory
    Stream<DynamicNode> scripts() throws IOException {
        List<Path> files;
        try (Stream<Path> listing = Files.list(ScriptRunner.sourceTestdata())) {
            files = listing.filter(p -> p.toString().endsWith(".txt")).sorted().toList();
        }
        return files.stream().map(ScriptFile::read).map(ScenarioScriptsTest::testsOf);
    }

    private static DynamicNode testsOf(ScriptFile file) {
        URI fileUri = file.path().toUri();
        if (ScriptRunner.rewriteRequested()) {
            return DynamicTest.dynamicTest("rewrite " + file.name(), fileUri, () -> ScriptRunner.rewrite(file));
        }
        return DynamicContainer.dynamicContainer(file.name(), fileUri, ScriptRunner.cases(file).stream()
                .map(c -> DynamicTest.dynamicTest(c.location() + " " + c.name(),
                        URI.create(fileUri + "?line=" + c.directives().get(0).line()), () -> ScriptRunner.check(c))));
    }
}
