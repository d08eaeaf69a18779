package io.tern.cli;

import io.tern.client.TernClient;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/** {@code tern compact REV}: prints {@code compacted revision REV}, as etcdctl. */
@Command(name = "compact", showDefaultValues = true,
        description = {"Drop the history of the keys below revision REV on every member.",
                "Prints 'compacted revision REV'. Reads and watches below REV are refused from then on."})
final class CompactCommand extends ClientCommand {

    @Parameters(index = "0", paramLabel = "REV", description = "The oldest revision to keep.")
    long revision;

    @Override
    void validate() {
        if (revision <= 0) {
            throw new ParameterException(spec.commandLine(), "REV must be positive: " + revision);
        }
    }

    @Override
    int run(TernClient tern, PrintWriter out) {
        tern.kv().compact(revision);
        out.println("compacted revision " + revision);
        return ExitCodes.OK;
    }
}
