package io.tern.raft.core;

/** One command of the scenario language: reads its arguments, acts on the scenario, prints what it reports. */
@FunctionalInterface
interface ScenarioCommand {

    void run(Scenario scenario, ScenarioArgs args);
}
