package io.tern.cli;

import io.tern.client.TernClient;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code tern put KEY VALUE}: prints {@code OK revision=N}. */
@Command(name = "put", showDefaultValues = true,
        description = {"Set KEY to VALUE.",
                "Prints 'OK revision=N', N being the revision the write created."})
final class PutCommand extends ClientCommand {

    @Parameters(index = "0", paramLabel = "KEY", description = "The key, as UTF-8 text.")
    String key;

    @Parameters(index = "1", paramLabel = "VALUE", description = "The value, as UTF-8 text (may be empty).")
    String value;

    @Override
    int run(TernClient tern, PrintWriter out) {
        long revision = tern.put(Values.utf8(key), Values.utf8(value));
        out.println("OK revision=" + revision);
        return ExitCodes.OK;
    }
}
