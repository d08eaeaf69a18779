package io.tern.cli;

import io.tern.client.DeleteResult;
import io.tern.client.TernClient;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tern del KEY}: prints {@code OK revision=N existed=true|false}. */
@Command(name = "del", showDefaultValues = true,
        description = {"Delete KEY.",
                "Prints 'OK revision=N existed=true|false'; deleting a missing key is not an error."})
final class DelCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    HelpOption help;

    @Mixin
    ClientOptions client;

    @Parameters(index = "0", paramLabel = "KEY", description = "The key, as UTF-8 text.")
    String key;

    @Override
    public Integer call() {
        try (TernClient tern = client.connect()) {
            DeleteResult result = tern.delete(Values.utf8(key));
            spec.commandLine().getOut().println("OK revision=" + result.revision() + " existed=" + result.existed());
        }
        return ExitCodes.OK;
    }
}
