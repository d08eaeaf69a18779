package io.tern.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;

/**
 * The flags a {@code --config FILE} gives, in Java properties syntax: each key is a flag's name without
 * its dashes ({@code heartbeat-ms=100}, {@code join=true}); {@code #} starts a comment. The file is read
 * and checked whole at once, so that a file that cannot be read, or a key that is no flag of the
 * command, is refused before anything starts, with one line naming the file and the key.
 */
final class ConfigFile {

    /** The flag that names the file; the file itself cannot set it. */
    static final String FLAG = "--config";

    private final Path path;
    private final Map<String, String> values;

    private ConfigFile(Path path, Map<String, String> values) {
        this.path = path;
        this.values = values;
    }

    /**
     * Reads {@code path} for {@code command}.
     *
     * @throws ParameterException if the file cannot be read or names a key that is not a flag of {@code command}
     */
    static ConfigFile read(Path path, CommandSpec command) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (NoSuchFileException e) {
            throw refused(command, "config file " + path + " cannot be read: it does not exist");
        } catch (AccessDeniedException e) {
            throw refused(command, "config file " + path + " cannot be read: permission denied");
        } catch (CharacterCodingException e) {
            throw refused(command, "config file " + path + " cannot be read: it is not UTF-8 text");
        } catch (IOException | IllegalArgumentException e) { // a directory, a malformed \\u escape
            throw refused(command, "config file " + path + " cannot be read: " + CliErrors.oneLine(e.getMessage()));
        }
        Map<String, OptionSpec> flags = new HashMap<>();
        for (OptionSpec option : command.options()) {
            if (!option.usageHelp() && !option.versionHelp() && !option.longestName().equals(FLAG)) {
                flags.put(keyOf(option), option);
            }
        }
        Map<String, String> values = new HashMap<>();
        // Sorted, so that of several bad keys the same one is named every time.
        for (String key : new TreeSet<>(properties.stringPropertyNames())) {
            if (key.equals(FLAG.substring(2))) {
                throw refused(command, "config file " + path + ": key 'config' cannot name another config file");
            }
            if (!flags.containsKey(key)) {
                throw refused(command, "config file " + path + ": unknown key '" + key
                        + "' (the keys are the flags without their dashes, e.g. heartbeat-ms=100)");
            }
            values.put(key, properties.getProperty(key).strip());
        }
        return new ConfigFile(path, values);
    }

    Path path() {
        return path;
    }

    /** The value the file gives {@code option}, or null if it gives none. */
    String valueOf(OptionSpec option) {
        return values.get(keyOf(option));
    }

    /** Where {@code option}'s value came from, for a message about it. */
    String sourceOf(OptionSpec option) {
        return "key " + keyOf(option) + " of config file " + path;
    }

    /** The key that sets {@code option}: its longest name without the dashes. */
    static String keyOf(OptionSpec option) {
        return option.longestName().replaceFirst("^-+", "");
    }

    private static ParameterException refused(CommandSpec command, String message) {
        return new ParameterException(command.commandLine(), message);
    }
}
