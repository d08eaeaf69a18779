package io.tern.cli;

import io.tern.client.TernClient;
import java.io.PrintWriter;
import picocli.CommandLine.Command;

/** {@code tern snapshot}: compacts the log of the node it talks to. */
@Command(name = "snapshot", showDefaultValues = true,
        description = {"Take a snapshot on the node at the first endpoint and compact its log.",
                "Prints 'OK snapshot index=N', N being the last log index the snapshot covers."})
final class SnapshotCommand extends ClientCommand {

    @Override
    int run(TernClient tern, PrintWriter out) {
        long index = tern.snapshot();
        out.println("OK snapshot index=" + index);
        return ExitCodes.OK;
    }
}
