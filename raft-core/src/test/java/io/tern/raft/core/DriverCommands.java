package io.tern.raft.core;

import java.util.Map;

/** Scenario commands that play the node driver: take each Ready, persist it, send, apply, advance. */
final class DriverCommands {

    private DriverCommands() {
    }

    static void register(Map<String, ScenarioCommand> commands) {
        commands.put("process", DriverCommands::process);
        commands.put("ready-unpersisted", DriverCommands::readyUnpersisted);
        commands.put("persist", DriverCommands::persist);
        commands.put("stabilize", (s, a) -> s.stabilize(s.select(a.ids(1))));
    }

    private static void process(Scenario s, ScenarioArgs a) {
        for (ScenarioNode node : s.select(a.ids(1))) {
            s.process(node).ifPresent(ready -> print(s, node, ready));
        }
    }

    private static void readyUnpersisted(Scenario s, ScenarioArgs a) {
        ScenarioNode node = s.node(a.id(1));
        node.unpersisted = node.core.ready();
        s.network.send(node.unpersisted.messages());
        print(s, node, node.unpersisted);
    }

    private static void persist(Scenario s, ScenarioArgs a) {
        ScenarioNode node = s.node(a.id(1));
        if (node.unpersisted == null) {
            throw new IllegalStateException("node " + node.id + " has no Ready taken by ready-unpersisted");
        }
        s.finish(node, node.unpersisted);
        node.unpersisted = null;
    }

    private static void print(Scenario s, ScenarioNode node, Ready ready) {
        s.print("node " + node.id + " ready:");
        ScenarioText.describe(ready, node::readName, node.proposalNames::get).forEach(line -> s.print("  " + line));
    }
}
