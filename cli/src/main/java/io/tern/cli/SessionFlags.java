package io.tern.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** The session of {@code tern lock} and {@code tern elect}: a lease kept alive while they hold their place. */
final class SessionFlags {

    @Option(names = "--ttl", paramLabel = "SECONDS", defaultValue = "60",
            description = "The TTL of the session's lease.")
    long ttl;

    /** Refuses a TTL that is not positive and an empty lock or election {@code name}. */
    void validate(CommandSpec spec, String name) {
        if (ttl <= 0) {
            throw new ParameterException(spec.commandLine(), "--ttl must be positive, was " + ttl);
        }
        if (name.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "NAME must not be empty");
        }
    }
}
