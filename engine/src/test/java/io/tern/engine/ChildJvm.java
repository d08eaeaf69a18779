package io.tern.engine;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The command line of a child JVM that runs a test's main class on this JVM's classpath and flags. */
public final class ChildJvm {

    private ChildJvm() {
    }

    /**
     * {@code java}, the flags the build gives test JVMs ({@code tern.test.jvmArgs}), {@code options},
     * then {@code main} with {@code args}.
     */
    public static List<String> command(List<String> options, Class<?> main, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(Arrays.asList(System.getProperty("tern.test.jvmArgs", "").trim().split("\\s+")));
        command.removeIf(String::isEmpty);
        command.addAll(options);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(Arrays.asList(args));
        return command;
    }
}
