package io.tern.cli;

import java.nio.file.Path;
import java.util.TreeMap;
import java.util.Map;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Where a flag the command line leaves out gets its value: a {@code TERN_} environment variable
 * ({@link EnvironmentDefaults}), else the {@code --config} file ({@link ConfigFile}), else the flag's own
 * default. So the precedence is command line, environment, config file, built-in default. The file is
 * the one {@code --config} names, on the command line or in {@code TERN_CONFIG}.
 *
 * <p>It remembers which variable or file gave each flag, so that an error about a flag's value (picocli's,
 * or the command's own check) can say where the value came from: {@link #explain}.
 */
final class FlagDefaults implements CommandLine.IDefaultValueProvider {

    private final EnvironmentDefaults environment;
    private ConfigFile configFile;
    private final Map<String, String> sources = new TreeMap<>();

    private FlagDefaults(Map<String, String> environment) {
        this.environment = new EnvironmentDefaults(environment);
    }

    /** Makes {@code command}'s flags default to {@code environment} and its {@code --config} file; returns it. */
    static CommandLine install(CommandLine command, Map<String, String> environment) {
        return command.setDefaultValueProvider(new FlagDefaults(environment));
    }

    @Override
    public String defaultValue(ArgSpec argument) {
        if (!(argument instanceof OptionSpec option) || option.usageHelp() || option.versionHelp()) {
            return null;
        }
        CommandLine line = option.command().commandLine();
        if (line != null && (line.isUsageHelpRequested() || line.isVersionHelpRequested())) {
            return null; // help shows the built-in defaults, and a broken config file never hides it
        }
        String value = environment.defaultValue(option);
        if (value != null) {
            sources.put(option.longestName(), EnvironmentDefaults.variableOf(option));
            return value;
        }
        ConfigFile file = option.longestName().equals(ConfigFile.FLAG) ? null : configFile(option.command());
        value = file == null ? null : file.valueOf(option);
        if (value != null) {
            sources.put(option.longestName(), file.sourceOf(option));
        }
        return value;
    }

    /** The --config file, read on first use; null if the command has no such flag or it is not given. */
    private ConfigFile configFile(CommandSpec command) {
        OptionSpec flag = command.findOption(ConfigFile.FLAG);
        if (flag == null) {
            return null;
        }
        // Picocli gives defaults after the command line, in no set order: the flag's value is the command
        // line's, or TERN_CONFIG's if picocli got to it first; else TERN_CONFIG is asked here.
        Path path = flag.getValue();
        if (path == null) {
            String variable = environment.defaultValue(flag);
            path = variable == null ? null : Path.of(variable);
        }
        if (path == null) {
            return null;
        }
        if (configFile == null || !configFile.path().equals(path)) {
            configFile = ConfigFile.read(path, command);
        }
        return configFile;
    }

    /**
     * {@code message} (an error about flags' values) with, for each flag it names whose value came from a
     * variable or a config file, where it came from: "... (--heartbeat-ms from TERN_HEARTBEAT_MS)".
     */
    static String explain(CommandLine command, String message) {
        if (!(command.getDefaultValueProvider() instanceof FlagDefaults defaults)) {
            return message;
        }
        StringBuilder explained = new StringBuilder(message);
        defaults.sources.forEach((flag, source) -> {
            if (Pattern.compile("(?<![\\w-])" + Pattern.quote(flag) + "(?![\\w-])").matcher(message).find()) {
                explained.append(" (").append(flag).append(" from ").append(source).append(')');
            }
        });
        return explained.toString();
    }
}
