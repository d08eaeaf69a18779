package io.tern.cli;

import io.tern.client.TernClient;
import java.util.concurrent.Callable;
import java.util.function.ToLongFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

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

    /** Runs one change of the membership and prints the revision of the configuration entry it made. */
    private static int change(CommandSpec spec, ClientOptions client, long id, ToLongFunction<TernClient> change) {
        checkId(spec, id);
        try (TernClient tern = client.connect()) {
            spec.commandLine().getOut().println("OK revision=" + change.applyAsLong(tern));
        }
        return ExitCodes.OK;
    }

    @Command(name = "add", showDefaultValues = true,
            description = {"Add member ID, reachable at HOST:PORT, to the cluster.",
                    "Start the new node first with 'tern server --join' so that the leader can bring it "
                            + "up to date. A voter the cluster could not do without (the second member of a "
                            + "one-member cluster, or one added while voters are down) joins as a learner and "
                            + "becomes a voter once in sync. Prints 'OK revision=N'."})
    static final class Add implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        HelpOption help;

        @Mixin
        ClientOptions client;

        @Parameters(index = "0", paramLabel = "ID", description = "The new member's id (its --id).")
        long id;

        @Parameters(index = "1", paramLabel = "HOST:PORT", converter = Endpoints.Converter.class,
                description = "The address the new member advertises to peers and clients.")
        String address;

        @Option(names = "--learner",
                description = "Add it as a learner: it receives the log but does not vote or count toward a quorum.")
        boolean learner;

        @Override
        public Integer call() {
            return change(spec, client, id, tern -> tern.memberAdd(id, address, !learner));
        }
    }

    @Command(name = "promote", showDefaultValues = true,
            description = {"Make learner ID a voter.",
                    "Refused while the learner is not in sync with the leader (it holds less than 90% of the "
                            + "leader's log; retried until --timeout) or while the voters the leader heard from "
                            + "lately would not make a quorum. Prints 'OK revision=N'."})
    static final class Promote implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        HelpOption help;

        @Mixin
        ClientOptions client;

        @Parameters(index = "0", paramLabel = "ID", description = "The id of the learner to promote.")
        long id;

        @Override
        public Integer call() {
            return change(spec, client, id, tern -> tern.memberPromote(id));
        }
    }

    @Command(name = "remove", showDefaultValues = true,
            description = {"Remove member ID from the cluster.", "Prints 'OK revision=N'."})
    static final class Remove implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        HelpOption help;

        @Mixin
        ClientOptions client;

        @Parameters(index = "0", paramLabel = "ID", description = "The id of the member to remove.")
        long id;

        @Override
        public Integer call() {
            return change(spec, client, id, tern -> tern.memberRemove(id));
        }
    }
}
