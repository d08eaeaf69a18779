package io.tern.cli;

import io.tern.client.TernClient;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code tern snapshot}: compacts the log of the node it talks to. */
@Command(name = "snapshot", showDefaultValues = true,
        description = {"Take a snapshot on the node at the first endpoint and compact its log.",
                "Prints 'OK snapshot index=N', N being the last log index the snapshot covers."})
final class SnapshotCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    HelpOption help;

    @Mixin
    ClientOptions client;

    @Override
    public Integer call() {
        try (TernClient tern = client.connect()) {
            long index = tern.snapshot();
            spec.commandLine().getOut().println("OK snapshot index=" + index);
        }
        return ExitCodes.OK;
    }
}
