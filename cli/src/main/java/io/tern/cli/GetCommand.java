package io.tern.cli;

import io.tern.client.GetResult;
import io.tern.client.KvResult;
import io.tern.client.ReadOptions;
import io.tern.client.TernClient;
import io.tern.kv.RangeRequest;
import io.tern.kv.RangeResponse;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * {@code tern get KEY}: the value alone on stdout, or exit 1 with a line on stderr when there is none.
 * With a RANGE_END or any of etcdctl's range options, it reads as {@code etcdctl get} does and prints
 * as it does.
 */
@Command(name = "get", showDefaultValues = true,
        description = {"Print the value of KEY, or the keys of a range with etcdctl's options.",
                "The value is printed as UTF-8 text when it is text, otherwise as 0x followed by hex. "
                        + "A missing key prints nothing on stdout, 'tern get: KEY not found (revision N)' "
                        + "on stderr, and exits 1.",
                "With RANGE_END, --prefix, --from-key, --rev, --limit, --keys-only, --count-only, --sort-by, "
                        + "--order or -w, it prints as etcdctl: each key on a line and its value on the next "
                        + "(nothing for no key, exit 0), the count for --count-only; -w json prints etcdctl's "
                        + "json (keys and values in base64)."})
final class GetCommand extends ClientCommand {

    @Mixin
    ReadOptionsMixin read;

    @Mixin
    RangeFlags range;

    @Parameters(index = "0", paramLabel = "KEY", description = "The key, as UTF-8 text.")
    String key;

    @Parameters(index = "1", arity = "0..1", paramLabel = "RANGE_END",
            description = "Read the keys from KEY up to RANGE_END (exclusive), as UTF-8 text.")
    String rangeEnd;

    @Option(names = {"-w", "--write-out"}, paramLabel = "FORMAT", description = "simple or json, as etcdctl.")
    String writeOut;

    private ReadOptions options;
    private RangeRequest request;

    @Override
    void validate() {
        options = read.toReadOptions(spec);
        if (writeOut != null && !writeOut.equals("simple") && !writeOut.equals("json")) {
            throw new ParameterException(spec.commandLine(), "bad -w " + writeOut + " (simple or json)");
        }
        if (rangeEnd != null || writeOut != null || range.any()) {
            try {
                request = range.toRequest(key, rangeEnd);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
        }
    }

    @Override
    int run(TernClient tern, PrintWriter out) {
        if (request != null) {
            KvResult<RangeResponse> result = tern.kv().range(request, options);
            if ("json".equals(writeOut)) {
                KvPrinter.rangeJson(result.revision(), result.response(), out);
            } else {
                KvPrinter.range(result.response(), request.keysOnly(), request.countOnly(), out);
            }
            return ExitCodes.OK;
        }
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
