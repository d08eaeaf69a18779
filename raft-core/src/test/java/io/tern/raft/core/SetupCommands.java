package io.tern.raft.core;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.tern.raft.types.EntryKind;
import io.tern.raft.types.LogEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Scenario commands that shape the cluster before it starts: members, options, preset logs and terms. */
final class SetupCommands {

    private SetupCommands() {
    }

    static void register(Map<String, ScenarioCommand> commands) {
        // The runner gives each scenario a fresh cluster: the line only names it.
        commands.put("scenario", (s, a) -> a.word(1));
        commands.put("cluster", SetupCommands::cluster);
        commands.put("option", SetupCommands::option);
        commands.put("log", SetupCommands::log);
        commands.put("term", SetupCommands::term);
        commands.put("start", (s, a) -> s.start());
    }

    private static void cluster(Scenario s, ScenarioArgs a) {
        List<Long> target = s.voters;
        for (String word : a.from(1)) {
            switch (word) {
                case "learner" -> target = s.learners;
                case "spare" -> target = s.spares;
                default -> target.add(Long.parseLong(word));
            }
        }
    }

    private static void option(Scenario s, ScenarioArgs a) {
        for (String setting : a.from(1)) {
            String[] kv = setting.split("=", 2);
            s.options.put(kv[0], kv[1]);
        }
    }

    private static void log(Scenario s, ScenarioArgs a) {
        List<LogEntry> entries = new ArrayList<>();
        List<String> terms = a.from(2);
        for (int i = 0; i < terms.size(); i++) {
            entries.add(new LogEntry(i + 1, Long.parseLong(terms.get(i)), EntryKind.COMMAND, ("t" + terms.get(i)).getBytes(UTF_8)));
        }
        s.presetLogs.put(a.id(1), entries);
    }

    private static void term(Scenario s, ScenarioArgs a) {
        long vote = a.has(3) && a.word(3).equals("vote") ? a.id(4) : RaftCore.NONE;
        s.presetHardStates.put(a.id(1), new HardState(Long.parseLong(a.word(2)), vote, 0));
    }
}
