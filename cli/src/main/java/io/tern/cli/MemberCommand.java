package io.tern.cli;

import io.tern.client.TernClient;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/** {@code tern member add|remove|promote}: one membership change at a time, through the leader. */
@Command(name = "member", showDefaultValues = true,
        description = "Add a member to the cluster, promote a learner to voter, or remove a member.",
        subcommands = {MemberCommand.Add.class, MemberCommand.Remove.class, MemberCommand.Promote.class})
final class MemberCommand {

    @Mixin
    HelpOption help;

    /** Member ids are positive, as the server's {@code --id}. */
    static long checkId(CommandSpec spec, long id) {
        if (id <= 0) {
            throw new ParameterException(spec.commandLine(), "a member ID must be positive: " + id);
        }
        return id;
    }

    /** One change of the membership, made through the leader; prints the revision of its configuration entry. */
    private abstract static class Change extends ClientCommand {

        abstract long id();

        abstract long change(TernClient tern);

        @Override
        void validate() {
            checkId(spec, id());
        }

        @Override
        int run(TernClient tern, PrintWriter out) {
            out.println("OK revision=" + change(tern));
            return ExitCodes.OK;
        }
    }

    @Command(name = "add", showDefaultValues = true,
            description = {"Add member ID, reachable at HOST:PORT, to the cluster.",
                    "Start the new node first with 'tern server --join' so that the leader can bring it "
                            + "up to date. A voter the cluster could not do without (the second member of a "
                            + "one-member cluster, or one added while voters are down) joins as a learner and "
                            + "becomes a voter once in sync. Prints 'OK revision=N'."})
    static final class Add extends Change {

        @Parameters(index = "0", paramLabel = "ID", description = "The new member's id (its --id).")
        long id;

        @Parameters(index = "1", paramLabel = "HOST:PORT", converter = Endpoints.Converter.class,
                description = "The address the new member advertises to peers and clients.")
        String address;

        @Option(names = "--learner",
                description = "Add it as a learner: it receives the log but does not vote or count toward a quorum.")
        boolean learner;

        @Override
        long id() {
            return id;
        }

        @Override
        long change(TernClient tern) {
            return tern.memberAdd(id, address, !learner);
        }
    }

    @Command(name = "promote", showDefaultValues = true,
            description = {"Make learner ID a voter.",
                    "Refused while the learner is not in sync with the leader (it holds less than 90% of the "
                            + "leader's log; retried until --timeout) or while the voters the leader heard from "
                            + "lately would not make a quorum. Prints 'OK revision=N'."})
    static final class Promote extends Change {

        @Parameters(index = "0", paramLabel = "ID", description = "The id of the learner to promote.")
        long id;

        @Override
        long id() {
            return id;
        }

        @Override
        long change(TernClient tern) {
            return tern.memberPromote(id);
        }
    }

    @Command(name = "remove", showDefaultValues = true,
            description = {"Remove member ID from the cluster.", "Prints 'OK revision=N'."})
    static final class Remove extends Change {

        @Parameters(index = "0", paramLabel = "ID", description = "The id of the member to remove.")
        long id;

        @Override
        long id() {
            return id;
        }

        @Override
        long change(TernClient tern) {
            return tern.memberRemove(id);
        }
    }
}
