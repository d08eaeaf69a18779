package io.tern.verify.checker;

import io.tern.verify.history.History;
import io.tern.verify.history.HistoryText;
import io.tern.verify.history.Operation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Histories for checker tests, written in {@link HistoryText}'s form. A line may begin with
 * {@code name:} so that a test can ask for its operation's id ({@link #id}); {@link #add(long, String)}
 * counts the times of its lines from a start, so hand-written lines can follow generated traffic.
 */
final class HistoryBuilder {

    private static final long MS = 1_000_000;
    private static final Pattern NAMED = Pattern.compile("^\\s*([A-Za-z]\\w*):(.*)$");

    private final List<Operation> operations = new ArrayList<>();
    private final Map<String, Integer> ids = new HashMap<>();

    /** Appends the operations of {@code text}, its times as written. */
    HistoryBuilder add(String text) {
        return add(0, text);
    }

    /** Appends the operations of {@code text}, its times counted from {@code startMs}. */
    HistoryBuilder add(long startMs, String text) {
        List<String> names = new ArrayList<>();
        StringBuilder plain = new StringBuilder();
        for (String line : text.split("\n")) {
            Matcher named = NAMED.matcher(line);
            String operationLine = named.matches() ? named.group(2) : line;
            String stripped = operationLine.strip();
            if (!stripped.isEmpty() && !stripped.startsWith("#")) {
                names.add(named.matches() ? named.group(1) : null);
            }
            plain.append(operationLine).append('\n');
        }
        List<Operation> parsed = HistoryText.parse(plain.toString()).operations();
        for (int i = 0; i < parsed.size(); i++) {
            if (names.get(i) != null && ids.put(names.get(i), operations.size()) != null) {
                throw new IllegalArgumentException("two operations are named " + names.get(i));
            }
            operations.add(shifted(parsed.get(i), startMs * MS));
        }
        return this;
    }

    /** The id of the operation named {@code name}. */
    int id(String name) {
        Integer id = ids.get(name);
        if (id == null) {
            throw new IllegalArgumentException("no operation is named " + name + "; named: " + ids.keySet());
        }
        return id;
    }

    /**
     * Sequential, valid traffic on {@code key} from {@code startMs}: puts of fresh values, each read
     * back, spread over processes 10 and up. Returns the time it ends, so an anomaly can follow.
     */
    long sequentialTraffic(String key, int count, long startMs) {
        StringBuilder text = new StringBuilder();
        long t = startMs;
        for (int i = 0; i < count; i++) {
            String value = key + "-seq" + i;
            text.append("[%d,%d] p%d put %s %s -> ok%n".formatted(t, t + 1, 10 + i % 4, key, value));
            text.append("[%d,%d] p%d get %s -> %s%n".formatted(t + 2, t + 3, 10 + (i + 1) % 4, key, value));
            t += 4;
        }
        add(text.toString());
        return t;
    }

    History build() {
        return History.of(operations);
    }

    private static Operation shifted(Operation operation, long byNanos) {
        long completed = operation.completeNanos() == Operation.NEVER ? Operation.NEVER
                : operation.completeNanos() + byNanos;
        return new Operation(operation.process(), operation.call(), operation.outcome(),
                operation.invokeNanos() + byNanos, completed, operation.revision());
    }
}
