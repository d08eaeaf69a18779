package io.tern.cli;

import io.tern.client.TernClient;
import io.tern.client.WatchOptions;
import io.tern.client.Watcher;
import io.tern.kv.KeyRange;
import io.tern.kv.VersionedKeyValue;
import io.tern.kv.WatchEvent;
import java.io.PrintWriter;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/** {@code tern watch KEY [RANGE_END]}: each change as etcdctl prints it, until Ctrl-C or the watch ends. */
@Command(name = "watch", showDefaultValues = true,
        description = {"Print each change of KEY (or of the range [KEY, RANGE_END), or of the keys starting "
                + "with KEY with --prefix) as it happens, until Ctrl-C.",
                "As etcdctl: a line PUT or DELETE, then (with --prev-kv) the key and value before the change, "
                        + "then the key and, for a PUT, its value. The watch survives the loss of the member "
                        + "serving it; it ends with an error when the history it needs was compacted."})
final class WatchCommand extends ClientCommand {

    @Parameters(index = "0", paramLabel = "KEY", description = "The key, as UTF-8 text.")
    String key;

    @Parameters(index = "1", arity = "0..1", paramLabel = "RANGE_END",
            description = "Watch [KEY, RANGE_END) instead of KEY alone.")
    String rangeEnd;

    @Option(names = "--prefix", description = "Watch every key that starts with KEY.")
    boolean prefix;

    @Option(names = "--rev", paramLabel = "R", description = "Start at revision R (0: with the next change).",
            defaultValue = "0")
    long revision;

    @Option(names = "--prev-kv", description = "Print the key and value before each change too.")
    boolean prevKv;

    private WatchOptions options;

    @Override
    void validate() {
        if (prefix && rangeEnd != null) {
            throw new ParameterException(spec.commandLine(), "give either RANGE_END or --prefix, not both");
        }
        if (revision < 0) {
            throw new ParameterException(spec.commandLine(), "--rev must not be negative, was " + revision);
        }
        byte[] start = Values.utf8(key);
        KeyRange range = prefix ? KeyRange.prefix(start)
                : rangeEnd != null ? new KeyRange(start, Values.utf8(rangeEnd)) : KeyRange.single(start);
        if (range.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "RANGE_END must be above KEY");
        }
        WatchOptions chosen = WatchOptions.range(range).withStartRevision(revision);
        options = prevKv ? chosen.withPrevKv() : chosen;
    }

    @Override
    int run(TernClient tern, PrintWriter out) {
        Watcher watcher = tern.watches().watch(options, events -> {
            for (WatchEvent event : events) {
                out.println(event.type().name());
                if (event.prevKv() != null) {
                    print(out, event.prevKv());
                }
                out.println(Values.show(event.kv().key()));
                if (event.type() == WatchEvent.Type.PUT) {
                    out.println(Values.show(event.kv().value()));
                }
            }
            out.flush();
        });
        try {
            watcher.done().get();
        } catch (InterruptedException e) {
            watcher.close(); // Ctrl-C or the embedding thread's interrupt: a normal end
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : new IllegalStateException(e.getCause());
        }
        return ExitCodes.OK;
    }

    private static void print(PrintWriter out, VersionedKeyValue kv) {
        out.println(Values.show(kv.key()));
        out.println(Values.show(kv.value()));
    }
}
