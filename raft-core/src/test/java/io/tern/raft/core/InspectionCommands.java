package io.tern.raft.core;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Scenario commands that print a node's state: its status fields, its log, what it applied, its reads. */
final class InspectionCommands {

    private static final List<String> DEFAULT_FIELDS = List.of("role", "term", "lead", "vote", "commit", "applied", "last",
            "first", "voters");

    private static final Map<String, Function<ScenarioNode, Object>> FIELDS = new LinkedHashMap<>();

    static {
        FIELDS.put("role", n -> n.core.status().role());
        FIELDS.put("term", n -> n.core.status().term());
        FIELDS.put("lead", n -> n.core.status().leaderId());
        FIELDS.put("vote", n -> n.core.status().vote());
        FIELDS.put("commit", n -> n.core.status().commitIndex());
        FIELDS.put("applied", n -> n.core.status().appliedIndex());
        FIELDS.put("last", n -> n.core.status().lastIndex());
        FIELDS.put("first", n -> n.core.status().firstIndex());
        FIELDS.put("voters", n -> n.core.status().membership().voterIds().stream().map(String::valueOf)
                .collect(Collectors.joining(",")));
        FIELDS.put("transferee", n -> n.core.status().leadTransferee());
        FIELDS.put("durableTerm", n -> n.storage.hardState().term());
        FIELDS.put("durableVote", n -> n.storage.hardState().vote());
        FIELDS.put("durableLast", n -> n.storage.lastIndex());
        FIELDS.put("inTouch", n -> n.core.inTouchWithQuorum());
        FIELDS.put("sinceLeader", n -> n.core.ticksSinceLeaderContact());
        FIELDS.put("needed", n -> n.core.firstIndexPeersNeed() == Long.MAX_VALUE ? "none" : n.core.firstIndexPeersNeed());
        FIELDS.put("contacts", n -> n.core.peerContacts().stream()
                .map(c -> c.id() + ":match=" + c.match() + ",quiet=" + (c.quietTicks() == PeerContact.NEVER ? "never"
                        : String.valueOf(c.quietTicks())))
                .collect(Collectors.joining(" ", "[", "]")));
    }

    private InspectionCommands() {
    }

    static void register(Map<String, ScenarioCommand> commands) {
        commands.put("status", InspectionCommands::status);
        commands.put("raft-log", (s, a) -> s.print(orElse(ScenarioText.describeLog(s.core(a.id(1))), "empty log")));
        commands.put("applied", (s, a) -> s.print(orElse(String.join(" ", s.node(a.id(1)).applied), "nothing applied")));
        commands.put("reads", InspectionCommands::reads);
    }

    private static void status(Scenario s, ScenarioArgs a) {
        ScenarioNode node = s.node(a.id(1));
        List<String> fields = a.has(2) ? a.from(2) : DEFAULT_FIELDS;
        s.print(fields.stream().map(f -> f + "=" + field(node, f)).collect(Collectors.joining(" ")));
    }

    private static Object field(ScenarioNode node, String name) {
        if (name.startsWith("progress")) {
            return node.core.progressOf(Long.parseLong(name.substring("progress".length()))).orElse("none");
        }
        Function<ScenarioNode, Object> field = FIELDS.get(name);
        if (field == null) {
            throw new IllegalArgumentException("unknown status field '" + name + "'; known: " + FIELDS.keySet() + " progressN");
        }
        return field.apply(node);
    }

    /** Reads are consumed: each one is reported by one reads command. */
    private static void reads(Scenario s, ScenarioArgs a) {
        ScenarioNode node = s.node(a.id(1));
        s.print(orElse(String.join(" ", node.reads), "no reads"));
        node.reads.clear();
    }

    private static String orElse(String text, String whenEmpty) {
        return text.isEmpty() ? whenEmpty : text;
    }
}
