package io.tern.cli;

import picocli.CommandLine.Option;

/** {@code -h, --help} for a subcommand (the root command's version option would mean nothing there). */
public final class HelpOption {

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;
}
