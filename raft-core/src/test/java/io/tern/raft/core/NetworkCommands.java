package io.tern.raft.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Scenario commands that play the network and the machines: deliver, drop, copy, cut, crash, restart. */
final class NetworkCommands {

    private NetworkCommands() {
    }

    static void register(Map<String, ScenarioCommand> commands) {
        commands.put("msgs", NetworkCommands::msgs);
        commands.put("deliver", (s, a) -> s.deliver(MessageFilter.parse(a.from(1))));
        commands.put("drop", (s, a) -> s.network.take(MessageFilter.parse(a.from(1))));
        commands.put("duplicate", (s, a) -> s.network.send(s.network.queued().stream()
                .filter(MessageFilter.parse(a.from(1))).toList()));
        commands.put("partition", NetworkCommands::partition);
        commands.put("isolate", (s, a) -> s.network.partition(List.of(List.of(a.id(1))), s.nodeIds()));
        commands.put("heal", (s, a) -> s.network.heal());
        commands.put("crash", (s, a) -> s.crash(a.id(1)));
        commands.put("restart", (s, a) -> s.restart(a.id(1)));
    }

    private static void msgs(Scenario s, ScenarioArgs a) {
        List<Message> queued = s.network.queued();
        if (queued.isEmpty()) {
            s.print("no messages");
        }
        queued.forEach(m -> s.print(ScenarioText.describe(m)));
    }

    private static void partition(Scenario s, ScenarioArgs a) {
        List<List<Long>> groups = new ArrayList<>();
        for (String group : a.rest(0).split("\\|")) {
            groups.add(Arrays.stream(group.strip().split("\\s+")).map(Long::parseLong).toList());
        }
        s.network.partition(groups, s.nodeIds());
    }
}
