package io.tern.raft.core;

import io.tern.raft.core.ScriptFile.Directive;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs testdata scripts: each scenario of a file against a fresh {@link Scenario}, either checking
 * every directive's output against the expected one or, in rewrite mode, writing the actual output
 * back into the file (like datadriven's -rewrite).
 */
final class ScriptRunner {

    /** {@code -Dtern.rewrite=true}: regenerate the expected outputs in the source testdata files. */
    static final String REWRITE_PROPERTY = "tern.rewrite";

    private static final String SCENARIO = "scenario";

    /** The directives from one {@code scenario NAME} line up to the next one. */
    record Case(String name, List<Directive> directives) {

        String location() {
            return directives.get(0).location();
        }
    }

    private ScriptRunner() {
    }

    static boolean rewriteRequested() {
        return Boolean.getBoolean(REWRITE_PROPERTY);
    }

    /** The testdata directory in the source tree (not target/), so that a rewrite lands where it is committed. */
    static Path sourceTestdata() {
        Path dir = Path.of(System.getProperty("user.dir"), "src", "test", "resources", "testdata");
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("no testdata directory at " + dir + ": run the tests from the raft-core module");
        }
        return dir;
    }

    static List<Case> cases(ScriptFile file) {
        List<Case> cases = new ArrayList<>();
        for (Directive d : file.directives()) {
            ScenarioArgs args = ScenarioArgs.parse(d.command());
            if (args.command().equals(SCENARIO)) {
                cases.add(new Case(args.rest(0), new ArrayList<>()));
            } else if (cases.isEmpty()) {
                throw failure(d, "a script starts with 'scenario NAME' (each scenario runs on a fresh cluster)", null);
            }
            cases.get(cases.size() - 1).directives().add(d);
        }
        return cases;
    }

    /** Runs one scenario; fails at the first directive whose output is not the expected one. */
    static void check(Case scenarioCase) {
        Scenario scenario = new Scenario();
        for (Directive d : scenarioCase.directives()) {
            List<String> actual = run(scenario, d);
            if (!actual.equals(d.expected())) {
                throw failure(d, "expected:\n  " + String.join("\n  ", d.expected()) + "\nactual:\n  "
                        + String.join("\n  ", actual) + "\n(run with -D" + REWRITE_PROPERTY
                        + "=true to accept the actual output)", null);
            }
        }
    }

    /** Runs every scenario of the file and writes their actual output in place of the expected one. */
    static void rewrite(ScriptFile file) {
        List<List<String>> outputs = new ArrayList<>();
        for (Case scenarioCase : cases(file)) {
            Scenario scenario = new Scenario();
            for (Directive d : scenarioCase.directives()) {
                outputs.add(run(scenario, d));
            }
        }
        file.write(file.withOutputs(outputs));
    }

    private static List<String> run(Scenario scenario, Directive d) {
        try {
            return scenario.run(d.command());
        } catch (RuntimeException | AssertionError e) {
            throw failure(d, e + "\n" + scenario.dump(), e);
        }
    }

    /** An assertion whose message and top stack frame point at the directive's file:line. */
    private static AssertionError failure(Directive d, String message, Throwable cause) {
        AssertionError error = new AssertionError(d.location() + ": " + d.command() + "\n" + message, cause);
        StackTraceElement[] trace = error.getStackTrace();
        StackTraceElement[] withScript = new StackTraceElement[trace.length + 1];
        withScript[0] = new StackTraceElement("testdata", d.file(), d.file(), d.line());
        System.arraycopy(trace, 0, withScript, 1, trace.length);
        error.setStackTrace(withScript);
        return error;
    }
}
