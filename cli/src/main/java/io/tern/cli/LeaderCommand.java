package io.tern.cli;

import io.tern.client.TernClient;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

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
    static final class Transfer extends ClientCommand {

        @Parameters(index = "0", paramLabel = "ID", description = "The id of a voting member to lead.")
        long id;

        @Override
        void validate() {
            MemberCommand.checkId(spec, id);
        }

        @Override
        int run(TernClient tern, PrintWriter out) {
            tern.transferLeader(id);
            out.println("OK leader is now " + id);
            return ExitCodes.OK;
        }
    }
}
