package io.tern.cli;

import io.tern.client.TernClient;
import io.tern.client.Watcher;
import io.tern.client.concurrency.Election;
import io.tern.client.concurrency.LeaderListener;
import io.tern.client.concurrency.Session;
import io.tern.kv.VersionedKeyValue;
import java.io.PrintWriter;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/** {@code tern elect NAME [PROPOSAL]}: etcdctl's elect, on the client's election recipe. */
@Command(name = "elect", showDefaultValues = true,
        description = {"Campaign in the election NAME with PROPOSAL, or observe it.",
                "With PROPOSAL: wait to be elected, print the leader's key and value, and lead until Ctrl-C "
                        + "(then resign). Without one (or with -l): print each leader's key and value as it "
                        + "comes, until Ctrl-C. A candidate holds its place with a lease of --ttl seconds, kept "
                        + "alive meanwhile: if this process dies, the next candidate leads after the TTL."})
final class ElectCommand extends ClientCommand {

    @Parameters(index = "0", paramLabel = "NAME", description = "The election's name (a key prefix).")
    String name;

    @Parameters(index = "1", arity = "0..1", paramLabel = "PROPOSAL", description = "The value to lead with.")
    String proposal;

    @Option(names = {"-l", "--listen"}, description = "Observe the election: print each leader (the default "
            + "without PROPOSAL).")
    boolean listen;

    @Mixin
    SessionFlags sessionFlags;

    @Override
    void validate() {
        sessionFlags.validate(spec, name);
        if (listen && proposal != null) {
            throw new ParameterException(spec.commandLine(), "-l observes: give no PROPOSAL with it");
        }
    }

    @Override
    int run(TernClient tern, PrintWriter out) {
        try (UntilCtrlC ctrlC = UntilCtrlC.interruptsThisThread()) {
            Session session = Session.create(tern, sessionFlags.ttl);
            try {
                Election election = new Election(session, Values.utf8(name));
                return proposal == null ? observe(election, out) : lead(session, election, out);
            } finally {
                Thread.interrupted(); // resigning must not be cut short by the Ctrl-C that ended the wait
                session.close(); // revoking the lease resigns, and withdraws a campaign still waiting
            }
        }
    }

    private int lead(Session session, Election election, PrintWriter out) {
        CompletableFuture<Void> elected = election.campaignAsync(Values.utf8(proposal));
        try {
            elected.get();
            print(out, election.leader().orElseThrow(() -> new IllegalStateException("elected, yet nobody leads")));
            session.done().get();
            return ExitCodes.OK;
        } catch (InterruptedException e) {
            elected.cancel(false);
            return ExitCodes.OK;
        } catch (ExecutionException e) {
            throw new CompletionException(e.getCause()); // the session was lost, and the leadership with it
        }
    }

    private static int observe(Election election, PrintWriter out) {
        Watcher observing = election.observe(new LeaderListener() {
            @Override
            public void onLeader(VersionedKeyValue leader) {
                print(out, leader);
            }
        });
        try {
            observing.done().get();
            return ExitCodes.OK;
        } catch (InterruptedException e) {
            observing.close();
            return ExitCodes.OK;
        } catch (ExecutionException e) {
            throw new CompletionException(e.getCause());
        }
    }

    private static void print(PrintWriter out, VersionedKeyValue leader) {
        out.println(Values.show(leader.key()));
        out.println(Values.show(leader.value()));
        out.flush();
    }
}
