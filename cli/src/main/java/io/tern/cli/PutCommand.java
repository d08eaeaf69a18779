package io.tern.cli;

import io.tern.client.KvResult;
import io.tern.client.TernClient;
import io.tern.kv.PutRequest;
import io.tern.kv.PutResponse;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/** {@code tern put KEY VALUE}: prints {@code OK revision=N}. */
@Command(name = "put", showDefaultValues = true,
        description = {"Set KEY to VALUE.",
                "Prints 'OK revision=N', N being the revision the write created; with --prev-kv, then the "
                        + "key and the value it replaced (nothing when it did not exist)."})
final class PutCommand extends ClientCommand {

    @Mixin
    PutFlags flags;

    @Parameters(index = "0", paramLabel = "KEY", description = "The key, as UTF-8 text.")
    String key;

    @Parameters(index = "1", arity = "0..1", paramLabel = "VALUE",
            description = "The value, as UTF-8 text (may be empty); none with --ignore-value.")
    String value;

    private PutRequest request;

    @Override
    void validate() {
        if (!flags.any() && value == null) {
            throw new ParameterException(spec.commandLine(), "Missing required parameter: 'VALUE'");
        }
        if (flags.any()) {
            try {
                request = flags.toRequest(key, value);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
        }
    }

    @Override
    int run(TernClient tern, PrintWriter out) {
        if (request == null) {
            long revision = tern.put(Values.utf8(key), Values.utf8(value));
            out.println("OK revision=" + revision);
            return ExitCodes.OK;
        }
        KvResult<PutResponse> result = tern.kv().put(request);
        out.println("OK revision=" + result.revision());
        KvPrinter.previous(result.response(), out);
        return ExitCodes.OK;
    }
}
