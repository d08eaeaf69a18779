package io.tern.raft.core;

import java.util.List;
import java.util.function.Predicate;

/**
 * Parses the message selectors of {@code deliver}, {@code drop} and {@code duplicate}: {@code F->T}
 * (either may be {@code *}), a message type such as {@code AppendEntries}, a {@code field=value} of
 * its printed form, and {@code first} (only the first message matching the selectors before it).
 */
final class MessageFilter {

    private MessageFilter() {
    }

    static Predicate<Message> parse(List<String> selectors) {
        Predicate<Message> p = m -> true;
        for (String selector : selectors) {
            if (selector.equals("first")) {
                p = firstOf(p);
            } else if (selector.contains("=")) {
                p = p.and(m -> (ScenarioText.describe(m) + " ").contains(" " + selector + " "));
            } else if (selector.contains("->")) {
                String[] ends = selector.split("->");
                p = p.and(m -> (ends[0].equals("*") || m.from() == Long.parseLong(ends[0]))
                        && (ends.length < 2 || ends[1].equals("*") || m.to() == Long.parseLong(ends[1])));
            } else {
                p = p.and(m -> m.getClass().getSimpleName().equals(selector));
            }
        }
        return p;
    }

    private static Predicate<Message> firstOf(Predicate<Message> before) {
        Message[] first = {null};
        return m -> {
            if (first[0] == null && before.test(m)) {
                first[0] = m;
                return true;
            }
            return false;
        };
    }
}
