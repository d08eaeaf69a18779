package io.tern.verify.cluster;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How a {@link LocalCluster} starts a node's process: which program runs {@code tern server ...}
 * and how it is handed its JVM flags. The verify module depends on the client only, so the caller
 * names the node's main class and classpath; {@link #ternCli()} is what the {@code tern} command
 * uses.
 */
public sealed interface NodeLaunch {

    /** The main class of {@code bin/tern}, whose {@code server} command runs a node. */
    String TERN_CLI_MAIN_CLASS = "io.tern.cli.TernCli";

    /** The command up to, not including, {@code server}, for a JVM with {@code jvmFlags}. */
    List<String> command(List<String> jvmFlags);

    /** Environment variables the command needs, for a JVM with {@code jvmFlags}. */
    Map<String, String> environment(List<String> jvmFlags);

    /** {@code java FLAGS -cp CLASSPATH MAINCLASS}, with this JVM's java binary. */
    static NodeLaunch java(String mainClass, String classPath) {
        return new Java(mainClass, classPath);
    }

    /** {@link #TERN_CLI_MAIN_CLASS} on this JVM's classpath: what {@code tern verify} starts its nodes with. */
    static NodeLaunch ternCli() {
        return java(TERN_CLI_MAIN_CLASS, System.getProperty("java.class.path"));
    }

    /**
     * The launcher a user runs ({@code bin/tern}), told to use {@code classPath} rather than build
     * one, with the flags in {@code TERN_JAVA_OPTS} and this JVM's Java.
     */
    static NodeLaunch launcher(Path script, String classPath) {
        return new Launcher(script, classPath);
    }

    /** A JVM run directly. */
    record Java(String mainClass, String classPath) implements NodeLaunch {

        @Override
        public List<String> command(List<String> jvmFlags) {
            List<String> command = new ArrayList<>();
            command.add(ProcessHandle.current().info().command()
                    .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
            command.addAll(jvmFlags);
            command.addAll(List.of("-cp", classPath, mainClass));
            return command;
        }

        @Override
        public Map<String, String> environment(List<String> jvmFlags) {
            return Map.of();
        }
    }

    /** The {@code bin/tern} script. */
    record Launcher(Path script, String classPath) implements NodeLaunch {

        @Override
        public List<String> command(List<String> jvmFlags) {
            return List.of(script.toString());
        }

        @Override
        public Map<String, String> environment(List<String> jvmFlags) {
            return Map.of("TERN_CLASSPATH", classPath, "TERN_JAVA_OPTS", String.join(" ", jvmFlags),
                    "JAVA_HOME", System.getProperty("java.home"));
        }
    }
}
