package io.tern.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.util.Locale;
import java.util.Map;

/**
 * A flag's value from a {@code TERN_} environment variable when the command line does not give it
 * (contract 3.2): {@code --heartbeat-ms} is {@code TERN_HEARTBEAT_MS}, {@code --join} is
 * {@code TERN_JOIN=true}. The command line wins; the flag's own default applies when neither gives one.
 * A bad value is refused with the flag's usual one-line error.
 */
final class EnvironmentDefaults implements CommandLine.IDefaultValueProvider {

    private final Map<String, String> environment;

    EnvironmentDefaults(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    /** The variable that sets {@code option}. */
    static String variableOf(OptionSpec option) {
        return "TERN_" + option.longestName().replaceFirst("^-+", "").toUpperCase(Locale.ROOT).replace('-', '_');
    }

    @Override
    public String defaultValue(ArgSpec argument) {
        if (!(argument instanceof OptionSpec option) || option.usageHelp() || option.versionHelp()) {
            return null;
        }
        return environment.get(variableOf(option));
    }
}
