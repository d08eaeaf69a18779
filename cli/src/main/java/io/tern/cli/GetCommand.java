package io.tern.cli;

import io.tern.client.GetResult;
import io.tern.client.ReadOptions;
import io.tern.client.TernClient;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code tern get KEY}: the value alone on stdout, or exit 1 with a line on stderr when there is none. */
@Command(name = "get", showDefaultValues = true,
        description = {"Print the value of KEY.",
                "The value is printed as UTF-8 text when it is text, otherwise as 0x followed by hex. "
                        + "A missing key prints nothing on stdout, 'tern get: KEY not found (revision N)' "
                        + "on stderr, and exits 1."})
final class GetCommand extends ClientCommand {

    @Mixin
    ReadOptionsMixin read;

    @Parameters(index = "0", paramLabel = "KEY", description = "The key, as UTF-8 text.")
    String key;

    private ReadOptions options;

    @Override
    void validate() {
        options = read.toReadOptions(spec);
    }

    @Override
    int run(TernClient tern, PrintWriter out) {
        GetResult result = tern.get(Values.utf8(key), options);
        if (!result.found()) {
            spec.commandLine().getErr().println(
                    "tern get: " + Values.show(Values.utf8(key)) + " not found (revision " + result.revision() + ")");
            return ExitCodes.NO;
        }
        out.println(Values.show(result.value()));
        return ExitCodes.OK;
    }
}
