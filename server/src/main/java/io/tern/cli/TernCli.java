package io.tern.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** The {@code bin/tern} command line: one picocli command per verb of the contract. */
@Command(name = "tern", mixinStandardHelpOptions = true, version = "tern 0.1.0",
        description = "Tern: a persistent, Raft-replicated key-value database.",
        subcommands = {ServerCommand.class})
public final class TernCli implements Callable<Integer> {

    public static void main(String[] args) {
        System.exit(new CommandLine(new TernCli()).execute(args));
    }

    @Override
    public Integer call() {
        CommandLine.usage(this, System.out);
        return 0;
    }
}
