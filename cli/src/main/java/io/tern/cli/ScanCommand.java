package io.tern.cli;

import io.tern.client.ReadOptions;
import io.tern.client.ScanResult;
import io.tern.client.TernClient;
import io.tern.kv.KeyValue;
import io.tern.client.protocol.ProtocolLimits;
import java.io.PrintWriter;
import java.util.Arrays;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/** {@code tern scan [START [END]] [--limit N]}: one {@code key<TAB>value} line per entry, in key order. */
@Command(name = "scan", showDefaultValues = true,
        description = {"List keys and values in key order, from START (inclusive) to END (exclusive).",
                "Prints one 'KEY<TAB>VALUE' line per entry, each shown as text or 0x-hex like 'get'. "
                        + "When --limit cut the list short, a note on stderr says so. A limit over the "
                        + "server's page size (" + ProtocolLimits.SCAN_MAX_LIMIT + ") is fetched in "
                        + "several pages, which may observe different revisions."})
final class ScanCommand extends ClientCommand {

    @Mixin
    ReadOptionsMixin read;

    @Parameters(index = "0", arity = "0..1", paramLabel = "START", defaultValue = "",
            description = "The first key (UTF-8 text); empty: from the first key.")
    String start;

    @Parameters(index = "1", arity = "0..1", paramLabel = "END", defaultValue = "",
            description = "Stop before this key (UTF-8 text); empty: no bound.")
    String end;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "" + ProtocolLimits.SCAN_MAX_LIMIT,
            description = "At most N entries; 0: all of them.")
    int limit;

    private ReadOptions options;

    @Override
    void validate() {
        if (limit < 0) {
            throw new ParameterException(spec.commandLine(), "--limit must not be negative: " + limit);
        }
        options = read.toReadOptions(spec);
    }

    @Override
    int run(TernClient tern, PrintWriter out) {
        byte[] from = Values.utf8(start);
        byte[] until = Values.utf8(end);
        long remaining = limit == 0 ? Long.MAX_VALUE : limit;
        while (true) {
            int page = (int) Math.min(remaining, ProtocolLimits.SCAN_MAX_LIMIT);
            ScanResult result = tern.scan(from, until, page, options);
            for (KeyValue entry : result.entries()) {
                out.println(Values.show(entry.key()) + "\t" + Values.show(entry.value()));
            }
            remaining -= result.entries().size();
            if (!result.more() || result.entries().isEmpty()) {
                break;
            }
            if (remaining == 0) {
                out.flush();
                spec.commandLine().getErr().println("tern scan: more keys follow the last one shown "
                        + "(raise --limit, --limit 0 for all, or scan again from after the last key)");
                break;
            }
            // The smallest key after the last one: the last key followed by a zero byte.
            byte[] last = result.entries().getLast().key();
            from = Arrays.copyOf(last, last.length + 1);
        }
        return ExitCodes.OK;
    }
}
