package io.tern.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** {@code main} gives a command line the verb it names alone; that must parse as the whole tree does. */
class VerbTreeTest {

    @Test
    void eachVerbAloneHasTheOptionsAndSubcommandsItHasInTheWholeTree() {
        CommandLine whole = TernCli.commandLine(Map.of());
        for (Map.Entry<String, CommandLine> verb : whole.getSubcommands().entrySet()) {
            CommandLine alone = TernCli.commandLineFor(new String[] {verb.getKey()}, Map.of());
            CommandLine sub = alone.getSubcommands().get(verb.getKey());
            if (verb.getKey().equals("help") || verb.getKey().equals("completion")) {
                assertEquals(whole.getSubcommands().keySet(), alone.getSubcommands().keySet(), verb.getKey());
                continue;
            }
            assertEquals(List.of(verb.getKey()), List.copyOf(alone.getSubcommands().keySet()));
            assertEquals(describe(verb.getValue().getCommandSpec()), describe(sub.getCommandSpec()), verb.getKey());
        }
    }

    @Test
    void anythingButAVerbGetsTheWholeTree() {
        int verbs = TernCli.commandLine(Map.of()).getSubcommands().size();
        for (String[] args : List.of(new String[0], new String[] {"--help"}, new String[] {"srever"})) {
            assertEquals(verbs, TernCli.commandLineFor(args, Map.of()).getSubcommands().size(), String.join(" ", args));
        }
    }

    /** A command's option names, defaults and arities, and its subcommands', in order. */
    private static String describe(CommandSpec spec) {
        StringBuilder text = new StringBuilder(spec.qualifiedName()).append('\n');
        for (OptionSpec option : spec.options()) {
            text.append(String.join(",", option.names())).append(' ').append(option.defaultValue()).append(' ')
                    .append(option.arity()).append('\n');
        }
        spec.subcommands().values().forEach(sub -> text.append(describe(sub.getCommandSpec())));
        return text.toString();
    }
}
