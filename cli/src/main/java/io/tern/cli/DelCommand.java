package io.tern.cli;

import io.tern.client.DeleteResult;
import io.tern.client.TernClient;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code tern del KEY}: prints {@code OK revision=N existed=true|false}. */
@Command(name = "del", showDefaultValues = true,
        description = {"Delete KEY.",
                "Prints 'OK revision=N existed=true|false'; deleting a missing key is not an error."})
final class DelCommand extends ClientCommand {

    @Parameters(index = "0", paramLabel = "KEY", description = "The key, as UTF-8 text.")
    String key;

    @Override
    int run(TernClient tern, PrintWriter out) {
        DeleteResult result = tern.delete(Values.utf8(key));
        out.println("OK revision=" + result.revision() + " existed=" + result.existed());
        return ExitCodes.OK;
    }
}
