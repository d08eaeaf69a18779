package io.tern.raft.core;

import java.util.HashMap;
import java.util.Map;

/**
 * The scenario language: each command name mapped to its handler. Every command prints its report
 * (or {@code ok}); the testdata scripts pin that output down.
 *
 * <pre>
 * scenario NAME                        a fresh cluster (the runner starts one per scenario)
 * cluster 1 2 3 [learner 4] [spare 5]  voters, learners, and empty nodes waiting to be added
 * option preVote=false checkQuorum=false election=10 heartbeat=1 inflight=256 maxAppendBytes=N
 *        snapshotTimeout=N maxUncommittedBytes=N maxEntryBytes=N
 * log 1 1 1 2                          before start: node 1's log holds entries of terms 1, 1, 2
 * term 1 3 [vote 2]                    before start: node 1's durable term (and vote)
 * start                                build the cores (a cluster without presets starts itself)
 * campaign 1 | tick 1 [n] | tick-all [n] | elect 1 (campaign, then stabilize)
 * propose 1 x | config 1 add-learner|add-voter|promote|demote|remove 4
 * propose-here 2 x (a follower hands it to its leader) | read 1 r1 | read-here 2 r2 (a follower serves it itself) | transfer 1 3 | snapshot 1 [compact] | report-unreachable 1 2 | report-reachable 1 2 | report-snapshot 1 2 ok|fail
 * applier-behind 1 on|off              node 1's driver reports its state machine behind, or caught up
 * process [nodes]          do each node's Ready (printed): send, persist, apply, advance
 * ready-unpersisted 1      take node 1's Ready (printed) and send its messages, but persist nothing yet
 * persist 1                the rest of the Ready taken by ready-unpersisted
 * stabilize [nodes]        process and deliver until nothing moves (prints nothing)
 * msgs                     print the queued messages
 * deliver|drop|duplicate [F->T] [Type] [field=value] [first]   step / discard / copy the matching messages
 * partition 1 | 2 3, isolate 1, heal, crash 1, restart 1
 * status 1 [role term lead vote commit applied last first voters transferee durableTerm durableVote
 *           durableLast inTouch sinceLeader contacts progressN]  print those fields of node 1 (a default set when none are named)
 * raft-log 1               the index/term of every entry node 1 holds, from its first
 * applied 1                the commands node 1 applied, in order
 * reads 1                  the reads node 1 reported (id@index, or id@abandoned) since the last reads 1
 * repeat N cmd; cmd        run the commands N times
 * </pre>
 */
final class ScenarioCommands {

    private static final Map<String, ScenarioCommand> COMMANDS = new HashMap<>();

    static {
        COMMANDS.put("repeat", ScenarioCommands::repeat);
        SetupCommands.register(COMMANDS);
        ClientCommands.register(COMMANDS);
        DriverCommands.register(COMMANDS);
        NetworkCommands.register(COMMANDS);
        InspectionCommands.register(COMMANDS);
    }

    private ScenarioCommands() {
    }

    static void execute(Scenario scenario, ScenarioArgs args) {
        ScenarioCommand command = COMMANDS.get(args.command());
        if (command == null) {
            throw new IllegalArgumentException("unknown command '" + args.command() + "'");
        }
        command.run(scenario, args);
    }

    private static void repeat(Scenario scenario, ScenarioArgs args) {
        int times = Integer.parseInt(args.word(1));
        String body = args.rest(1);
        for (int i = 0; i < times; i++) {
            for (String part : body.split(";")) {
                execute(scenario, ScenarioArgs.parse(part));
            }
        }
    }
}
