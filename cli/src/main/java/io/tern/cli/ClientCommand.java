package io.tern.cli;

import io.tern.client.TernClient;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A command that does its work with one client of the cluster: the endpoint and timeout options, the
 * help option, and the client's life for the length of the command. Arguments are checked in
 * {@link #validate()} before any connection is tried, so a bad argument is reported as such even
 * when no node answers.
 */
abstract class ClientCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    HelpOption help;

    @Mixin
    ClientOptions client;

    @Override
    public final Integer call() {
        validate();
        try (TernClient tern = client.connect()) {
            return run(tern, spec.commandLine().getOut());
        }
    }

    /** Throws a picocli {@code ParameterException} for an argument no server could accept. */
    void validate() {
    }

    /** Does the command's work; returns its exit code. */
    abstract int run(TernClient tern, PrintWriter out);
}
