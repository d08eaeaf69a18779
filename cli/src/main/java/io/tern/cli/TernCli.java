package io.tern.cli;

import io.tern.cli.bench.BenchCommand;
import io.tern.engine.LibraryWarmUp;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;

/**
 * The {@code bin/tern} command line: one picocli command per verb of the contract. Run it through
 * {@link #commandLine()}, which installs the error handling of {@link CliErrors}.
 */
@Command(name = "tern", mixinStandardHelpOptions = true, version = "tern 0.1.0",
        description = "Tern: a persistent, Raft-replicated key-value database.",
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

    /** The verbs, in the order the help lists them. */
    static final List<Class<?>> VERBS = List.of(ServerCommand.class, ClusterCommand.class, PutCommand.class,
            GetCommand.class, DelCommand.class, CasCommand.class, ScanCommand.class, TxnCommand.class,
            CompactCommand.class, StatusCommand.class, MemberCommand.class, UserCommand.class, RoleCommand.class,
            AuthCommand.class, AlarmCommand.class, LeaseCommand.class, WatchCommand.class, LockCommand.class,
            ElectCommand.class, LeaderCommand.class, SnapshotCommand.class, BackupCommand.class, BenchCommand.class,
            VerifyCommand.class, CompletionCommand.class, HelpCommand.class);

    /** Verbs that look at the whole command tree, so they never run in a tree of their own. */
    private static final Set<Class<?>> WHOLE_TREE_VERBS = Set.of(CompletionCommand.class, HelpCommand.class);

    public static void main(String[] args) {
        if (verbNamedBy(args) == ServerCommand.class) {
            LibraryWarmUp.startInBackground(); // while picocli parses the flags
        }
        System.exit(commandLineFor(args, System.getenv()).execute(args));
    }

    /** The root command with every verb and the CLI's error handling: what tests should run. */
    public static CommandLine commandLine() {
        return commandLine(System.getenv());
    }

    /** As {@link #commandLine()}, with the server's flags defaulting to {@code environment}'s TERN_ variables. */
    static CommandLine commandLine(Map<String, String> environment) {
        return withVerbs(VERBS, environment);
    }

    /**
     * The command line that runs {@code args}: when its first word names a verb, a root that has that verb
     * alone. Picocli models every option of every verb it is given by reflection, in classes too old for the
     * JVM's class archive, and modelling all of them was 0.6 s of each member's start. A root with one verb
     * parses that verb's arguments exactly as the whole tree does; anything else (no verb, a misspelt one,
     * a root option, help, completion) gets the whole tree.
     */
    static CommandLine commandLineFor(String[] args, Map<String, String> environment) {
        Class<?> verb = verbNamedBy(args);
        return verb == null || WHOLE_TREE_VERBS.contains(verb) ? commandLine(environment)
                : withVerbs(List.of(verb), environment);
    }

    /** The verb that {@code args}' first word names, or null. */
    private static Class<?> verbNamedBy(String[] args) {
        if (args.length == 0) {
            return null;
        }
        return VERBS.stream().filter(verb -> verb.getAnnotation(Command.class).name().equals(args[0]))
                .findFirst().orElse(null);
    }

    private static CommandLine withVerbs(List<Class<?>> verbs, Map<String, String> environment) {
        CommandLine line = new CommandLine(new TernCli());
        for (Class<?> verb : verbs) {
            line.addSubcommand(new CommandLine(verb));
        }
        CommandLine server = line.getSubcommands().get("server");
        if (server != null) {
            FlagDefaults.install(server, environment);
        }
        return CliErrors.install(line);
    }
}
