package io.tern.cli;

import io.tern.client.ReadOptions;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** {@code --local [--min-revision R]} of {@code get} and {@code scan}. */
public final class ReadOptionsMixin {

    @Option(names = "--local",
            description = "Answer from the state of the node it talks to, without asking the leader: "
                    + "faster, but may miss the latest writes.")
    boolean local;

    @Option(names = "--min-revision", paramLabel = "R",
            description = "With --local: wait until that node has applied revision R "
                    + "(the revision of your last write, to read it back).")
    Long minRevision;

    /** The read options these flags ask for; a usage error when they do not fit together. */
    ReadOptions toReadOptions(CommandSpec spec) {
        if (minRevision != null && !local) {
            throw new ParameterException(spec.commandLine(), "--min-revision needs --local (a default read is already up to date)");
        }
        if (minRevision != null && minRevision < 0) {
            throw new ParameterException(spec.commandLine(), "--min-revision must not be negative: " + minRevision);
        }
        if (!local) {
            return ReadOptions.linearizable();
        }
        return minRevision == null ? ReadOptions.local() : ReadOptions.localAtLeast(minRevision);
    }
}
