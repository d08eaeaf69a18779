package io.tern.raft.core;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A testdata script in the format of cockroachdb/datadriven: directives, each a command line, a
 * {@code ----} line and the expected output up to the next blank line. Output that itself holds
 * blank lines sits between {@code ----}/{@code ----} and {@code ----}/{@code ----}. Lines starting
 * with {@code #} outside a directive are comments.
 */
final class ScriptFile {

    static final String SEPARATOR = "----";

    /** One command and what it must print; {@code line} is 1-based, for file:line messages. */
    record Directive(String file, int line, String command, List<String> expected, int outputFrom, int outputTo) {

        String location() {
            return file + ":" + line;
        }
    }

    private final Path path;
    private final String name;
    private final List<String> lines;
    private final List<Directive> directives = new ArrayList<>();

    private ScriptFile(Path path, String name, String text) {
        this.path = path;
        this.name = name;
        this.lines = Arrays.asList(text.split("\n", -1));
        parse();
    }

    static ScriptFile read(Path path) {
        try {
            return new ScriptFile(path, path.getFileName().toString(), Files.readString(path, UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path path() {
        return path;
    }

    String name() {
        return name;
    }

    List<Directive> directives() {
        return directives;
    }

    private void parse() {
        int i = 0;
        while (i < lines.size()) {
            String line = lines.get(i);
            if (line.isBlank() || line.startsWith("#")) {
                i++;
                continue;
            }
            int commandLine = i;
            i++;
            if (i >= lines.size() || !lines.get(i).equals(SEPARATOR)) {
                throw new IllegalArgumentException(name + ":" + (commandLine + 1) + ": '" + line.strip()
                        + "' must be followed by a " + SEPARATOR + " line and its expected output");
            }
            int outputFrom = i;
            i++;
            List<String> expected = new ArrayList<>();
            if (i < lines.size() && lines.get(i).equals(SEPARATOR)) {
                i++;
                while (i + 1 < lines.size() && !(lines.get(i).equals(SEPARATOR) && lines.get(i + 1).equals(SEPARATOR))) {
                    expected.add(lines.get(i++));
                }
                if (i + 1 >= lines.size()) {
                    throw new IllegalArgumentException(name + ":" + (commandLine + 1) + ": output opened with "
                            + SEPARATOR + "/" + SEPARATOR + " is never closed");
                }
                i += 2;
            } else {
                while (i < lines.size() && !lines.get(i).isBlank()) {
                    expected.add(lines.get(i++));
                }
            }
            directives.add(new Directive(name, commandLine + 1, line.strip(), List.copyOf(expected), outputFrom, i));
        }
    }

    /** This script's text with each directive's expected output replaced by {@code outputs} (one per directive). */
    String withOutputs(List<List<String>> outputs) {
        if (outputs.size() != directives.size()) {
            throw new IllegalArgumentException(outputs.size() + " outputs for " + directives.size() + " directives");
        }
        List<String> result = new ArrayList<>();
        int copied = 0;
        for (int d = 0; d < directives.size(); d++) {
            Directive directive = directives.get(d);
            result.addAll(lines.subList(copied, directive.outputFrom()));
            List<String> output = outputs.get(d);
            boolean blankInside = output.stream().anyMatch(String::isBlank);
            result.add(SEPARATOR);
            if (blankInside) {
                result.add(SEPARATOR);
            }
            result.addAll(output);
            if (blankInside) {
                result.add(SEPARATOR);
                result.add(SEPARATOR);
            }
            copied = directive.outputTo();
        }
        result.addAll(lines.subList(copied, lines.size()));
        return String.join("\n", result);
    }

    void write(String text) {
        try {
            Files.writeString(path, text, UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
