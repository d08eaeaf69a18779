package io.tern.raft.core;

import java.util.Arrays;
import java.util.List;

/** The words of one scenario command line: the command name, then its arguments. */
record ScenarioArgs(String line, List<String> words) {

    static ScenarioArgs parse(String line) {
        return new ScenarioArgs(line.strip(), Arrays.asList(line.strip().split("\\s+")));
    }

    String command() {
        return words.get(0);
    }

    /** The i-th argument (1-based: argument 1 follows the command name). */
    String word(int i) {
        if (i >= words.size()) {
            throw new IllegalArgumentException("'" + command() + "' needs at least " + i + " argument(s)");
        }
        return words.get(i);
    }

    long id(int i) {
        return Long.parseLong(word(i));
    }

    int intOr(int i, int fallback) {
        return i < words.size() ? Integer.parseInt(words.get(i)) : fallback;
    }

    boolean has(int i) {
        return i < words.size();
    }

    /** The arguments from the i-th on. */
    List<String> from(int i) {
        return words.subList(Math.min(i, words.size()), words.size());
    }

    /** The arguments from the i-th on, as node ids. */
    List<Long> ids(int i) {
        return from(i).stream().map(Long::parseLong).toList();
    }

    /** The line after the command name and its first {@code skip} arguments. */
    String rest(int skip) {
        String rest = line;
        for (int i = 0; i <= skip; i++) {
            rest = rest.substring(words.get(i).length()).stripLeading();
        }
        return rest;
    }
}
