package io.tern.cli;

import io.tern.client.TernClient;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tern leader transfer ID}. */
@Command(name = "leader", showDefaultValues = true,
        description = "Move leadership to another member.",
        subcommands = LeaderCommand.Transfer.class)
final class LeaderCommand {

    @Mixin
    HelpOption help;

    @Command(name = "transfer", showDefaultValues = true,
            description = {"Make member ID the leader (for maintenance of the current leader's machine).",
                    "Prints 'OK leader is now ID' when the cluster confirms the transfer."})
    static final class Transfer implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        HelpOption help;

        @Mixin
        ClientOptions client;

        @Parameters(index = "0", paramLabel = "ID", description = "The id of a voting member to lead.")
        long id;

        @Override
        public Integer call() {
            MemberCommand.checkId(spec, id);
            try (TernClient tern = client.connect()) {
                tern.transferLeader(id);
                spec.commandLine().getOut().println("OK leader is now " + id);
            }
            return ExitCodes.OK;
        }
    }
}
