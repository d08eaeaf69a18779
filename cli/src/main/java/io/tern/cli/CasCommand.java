package io.tern.cli;

import io.tern.client.CasResult;
import io.tern.client.TernClient;
import java.io.PrintWriter;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tern cas KEY --expect OLD|--absent --set NEW|--delete}. */
@Command(name = "cas", showDefaultValues = true,
        description = {"Compare and set: change KEY only if it holds what you expect.",
                "Prints 'OK revision=N' when the write happened. Otherwise nothing is written, and it "
                        + "prints 'MISMATCH revision=N current=VALUE' (or 'current=(absent)') and exits 1."})
final class CasCommand extends ClientCommand {

    @Parameters(index = "0", paramLabel = "KEY", description = "The key, as UTF-8 text.")
    String key;

    @ArgGroup(exclusive = true, multiplicity = "1", heading = "What KEY must hold (one of):%n")
    Expectation expectation;

    @ArgGroup(exclusive = true, multiplicity = "1", heading = "What to do when it does (one of):%n")
    Update update;

    static final class Expectation {
        @Option(names = "--expect", paramLabel = "OLD", required = true, description = "KEY must hold OLD (UTF-8 text).")
        String value;

        @Option(names = "--absent", required = true, description = "KEY must have no value.")
        boolean absent;
    }

    static final class Update {
        @Option(names = "--set", paramLabel = "NEW", required = true, description = "Set KEY to NEW (UTF-8 text).")
        String value;

        @Option(names = "--delete", required = true, description = "Delete KEY.")
        boolean delete;
    }

    @Override
    int run(TernClient tern, PrintWriter out) {
        byte[] expected = expectation.value == null ? null : Values.utf8(expectation.value);
        byte[] newValue = update.value == null ? null : Values.utf8(update.value);
        CasResult result = tern.cas(Values.utf8(key), expected, newValue);
        if (!result.succeeded()) {
            String current = result.current() == null ? "(absent)" : Values.show(result.current());
            out.println("MISMATCH revision=" + result.revision() + " current=" + current);
            return ExitCodes.NO;
        }
        out.println("OK revision=" + result.revision());
        return ExitCodes.OK;
    }
}
