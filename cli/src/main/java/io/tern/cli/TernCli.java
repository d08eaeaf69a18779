package io.tern.cli;

import io.tern.cli.bench.BenchCommand;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;

/**
 * The {@code bin/tern} command line: one picocli command per verb of the contract. Run it through
 * {@link #commandLine()}, which installs the error handling of {@link CliErrors}.
 */
@Command(name = "tern", mixinStandardHelpOptions = true, version = "tern 0.1.0",
        description = "Tern: a persistent, Raft-replicated key-value database.",
        subcommands = {ServerCommand.class, ClusterCommand.class, PutCommand.class, GetCommand.class,
                DelCommand.class, CasCommand.class, ScanCommand.class, TxnCommand.class, CompactCommand.class,
                StatusCommand.class, MemberCommand.class, UserCommand.class, RoleCommand.class, AuthCommand.class, AlarmCommand.class, LeaseCommand.class, WatchCommand.class, LockCommand.class, ElectCommand.class,
                LeaderCommand.class, SnapshotCommand.class, BackupCommand.class, BenchCommand.class, VerifyCommand.class,
                CompletionCommand.class, HelpCommand.class},
        footer = {
                "",
                "Exit codes:",
                "  0  success",
                "  1  get: the key was not found; cas: the expected value did not match",
                "  2  usage error: a bad command, flag or argument",
                "  3  refused (BAD_REQUEST, TOO_LARGE) or failed (INTERNAL) on the server",
                "  4  unavailable: no leader or quorum, not the leader, or no endpoint reachable;",
                "     the request was not applied",
                "  5  timed out: the request may or may not have been applied",
                "  6  denied: authentication is on and the credentials are missing or wrong, or the",
                "     user lacks a permission; nothing was done",
                "",
                "An error is one line on stderr, starting with the command's name; --verbose adds",
                "the stack trace. Values are shown as UTF-8 text where they are text, else as 0x-hex.",
                "'tern help COMMAND' or 'tern COMMAND --help' shows a command's options."})
public final class TernCli {

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The root command with the CLI's error handling: what {@code main} runs, and what tests should run. */
    public static CommandLine commandLine() {
        return commandLine(System.getenv());
    }

    /** As {@link #commandLine()}, with the server's flags defaulting to {@code environment}'s TERN_ variables. */
    static CommandLine commandLine(Map<String, String> environment) {
        CommandLine line = new CommandLine(new TernCli());
        FlagDefaults.install(line.getSubcommands().get("server"), environment);
        return CliErrors.install(line);
    }
}
