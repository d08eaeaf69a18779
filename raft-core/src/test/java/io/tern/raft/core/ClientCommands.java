package io.tern.raft.core;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.tern.raft.types.Member;
import io.tern.raft.types.Membership;
import java.util.Map;

/** Scenario commands that call the core's inputs: ticks, campaigns, proposals, reads, transfers, driver reports. */
final class ClientCommands {

    /** Read ids are numbers to the core; scripts name them (r1, r2) and print the names. */
    private static final long FIRST_READ_ID = 1000;
    private static final long FIRST_PROPOSAL_ID = 5000;

    private ClientCommands() {
    }

    static void register(Map<String, ScenarioCommand> commands) {
        commands.put("campaign", (s, a) -> s.core(a.id(1)).campaign());
        commands.put("elect", ClientCommands::elect);
        commands.put("tick", ClientCommands::tick);
        commands.put("tick-all", ClientCommands::tickAll);
        commands.put("propose", (s, a) -> s.print(ScenarioText.describe(s.core(a.id(1)).propose(a.word(2).getBytes(UTF_8)))));
        commands.put("propose-here", ClientCommands::proposeHere);
        commands.put("config", ClientCommands::config);
        commands.put("read", (s, a) -> read(s, a, false));
        commands.put("read-here", (s, a) -> read(s, a, true));
        commands.put("transfer", (s, a) -> s.core(a.id(1)).transferLeadership(a.id(2)).ifPresent(r -> s.print(r.toString())));
        commands.put("snapshot", (s, a) -> s.takeSnapshot(s.node(a.id(1)), a.has(2) && a.word(2).equals("compact")));
        commands.put("report-unreachable", (s, a) -> s.core(a.id(1)).reportUnreachable(a.id(2)));
        commands.put("report-reachable", (s, a) -> s.core(a.id(1)).reportReachable(a.id(2)));
        commands.put("report-snapshot", (s, a) -> s.core(a.id(1)).reportSnapshot(a.id(2), a.word(3).equals("ok")));
        commands.put("applier-behind", (s, a) -> s.core(a.id(1)).applierBehind(a.word(2).equals("on")));
    }

    private static void elect(Scenario s, ScenarioArgs a) {
        s.core(a.id(1)).campaign();
        s.stabilize(s.live());
    }

    private static void tick(Scenario s, ScenarioArgs a) {
        RaftCore core = s.core(a.id(1));
        for (int i = a.intOr(2, 1); i > 0; i--) {
            core.tick();
        }
    }

    private static void tickAll(Scenario s, ScenarioArgs a) {
        for (int i = a.intOr(1, 1); i > 0; i--) {
            s.live().forEach(node -> node.core.tick());
        }
    }

    private static void config(Scenario s, ScenarioArgs a) {
        RaftCore core = s.core(a.id(1));
        long id = a.id(3);
        Membership current = core.membership();
        Membership next = switch (a.word(2)) {
            case "add-learner", "demote" -> current.with(new Member(id, "n" + id, false));
            case "add-voter", "promote" -> current.with(new Member(id, "n" + id, true));
            case "remove" -> current.without(id);
            default -> throw new IllegalArgumentException("unknown config change '" + a.word(2) + "'");
        };
        s.print(ScenarioText.describe(core.proposeMembership(next)));
    }

    /** A proposal this node takes even if it follows ({@link RaftCore#proposeHere}); the Ready names it by its command. */
    private static void proposeHere(Scenario s, ScenarioArgs a) {
        ScenarioNode node = s.node(a.id(1));
        long proposalId = FIRST_PROPOSAL_ID + node.proposalNames.size();
        node.proposalNames.put(proposalId, a.word(2));
        node.core.proposeHere(proposalId, a.word(2).getBytes(UTF_8)).ifPresent(r -> s.print(ScenarioText.describe(r)));
    }

    /** @param anywhere served by the node itself even if it follows ({@link RaftCore#readIndexHere}) */
    private static void read(Scenario s, ScenarioArgs a, boolean anywhere) {
        ScenarioNode node = s.node(a.id(1));
        long readId = FIRST_READ_ID + node.readNames.size();
        node.readNames.put(readId, a.word(2));
        (anywhere ? node.core.readIndexHere(readId) : node.core.readIndex(readId)).ifPresent(r -> s.print(r.toString()));
    }
}
