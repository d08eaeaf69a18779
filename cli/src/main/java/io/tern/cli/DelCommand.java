package io.tern.cli;

import io.tern.client.DeleteResult;
import io.tern.client.KvResult;
import io.tern.client.TernClient;
import io.tern.kv.DeleteRangeRequest;
import io.tern.kv.DeleteRangeResponse;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/** {@code tern del KEY}: prints {@code OK revision=N existed=true|false}. */
@Command(name = "del", showDefaultValues = true,
        description = {"Delete KEY, or the keys of a range.",
                "Prints 'OK revision=N existed=true|false'; deleting a missing key is not an error.",
                "With RANGE_END, --prefix, --from-key or --prev-kv, it prints as etcdctl: how many keys it "
                        + "deleted, then with --prev-kv each deleted key on a line and its value on the next."})
final class DelCommand extends ClientCommand {

    @Mixin
    DelFlags flags;

    @Parameters(index = "0", paramLabel = "KEY", description = "The key, as UTF-8 text.")
    String key;

    @Parameters(index = "1", arity = "0..1", paramLabel = "RANGE_END",
            description = "Delete the keys from KEY up to RANGE_END (exclusive), as UTF-8 text.")
    String rangeEnd;

    private DeleteRangeRequest request;

    @Override
    void validate() {
        if (rangeEnd != null || flags.any()) {
            try {
                request = flags.toRequest(key, rangeEnd);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
        }
    }

    @Override
    int run(TernClient tern, PrintWriter out) {
        if (request != null) {
            KvResult<DeleteRangeResponse> result = tern.kv().deleteRange(request);
            KvPrinter.delete(result.response(), out);
            return ExitCodes.OK;
        }
        DeleteResult result = tern.delete(Values.utf8(key));
        out.println("OK revision=" + result.revision() + " existed=" + result.existed());
        return ExitCodes.OK;
    }
}
