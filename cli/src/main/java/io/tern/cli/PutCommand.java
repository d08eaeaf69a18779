package io.tern.cli;

import io.tern.client.TernClient;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tern put KEY VALUE}: prints {@code OK revision=N}. */
@Command(name = "put", showDefaultValues = true,
        description = {"Set KEY to VALUE.",
                "Prints 'OK revision=N', N being the revision the write created."})
final class PutCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    HelpOption help;

    @Mixin
    ClientOptions client;

    @Parameters(index = "0", paramLabel = "KEY", description = "The key, as UTF-8 text.")
    String key;

    @Parameters(index = "1", paramLabel = "VALUE", description = "The value, as UTF-8 text (may be empty).")
    String value;

    @Override
    public Integer call() {
        try (TernClient tern = client.connect()) {
            long revision = tern.put(Values.utf8(key), Values.utf8(value));
            spec.commandLine().getOut().println("OK revision=" + revision);
        }
        return ExitCodes.OK;
    }
}
