package io.tern.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ClusterCommandTest {

    private static ClusterCommand parse(String... args) {
        CommandLine tern = TernCli.commandLine();
        String[] all = new String[args.length + 1];
        all[0] = "cluster";
        System.arraycopy(args, 0, all, 1, args.length);
        tern.parseArgs(all);
        return tern.getSubcommands().get("cluster").getCommand();
    }

    @Test
    void eachNodeRunsTheServerCommandInAJvmLikeThisOne() {
        List<String> command = parse("--nodes", "3", "--base-port", "7000", "--data", "/tmp/d").childCommand(2);
        List<String> jvmFlags = ManagementFactory.getRuntimeMXBean().getInputArguments();
        assertEquals(ProcessHandle.current().info().command().orElseThrow(), command.getFirst());
        assertEquals(jvmFlags.stream().filter(f -> !f.startsWith("-agentlib:jdwp")).toList(),
                command.subList(1, command.indexOf("-cp")));
        int cp = command.indexOf("-cp");
        assertEquals(System.getProperty("java.class.path"), command.get(cp + 1));
        assertEquals(List.of("io.tern.cli.TernCli", "server", "--id", "2", "--data", Path.of("/tmp/d/node-2").toString(),
                "--cluster", "1=127.0.0.1:7000,2=127.0.0.1:7001,3=127.0.0.1:7002"), command.subList(cp + 2, command.size()));
    }

    @Test
    void serverOptionsArePassedOnlyWhenGiven() {
        List<String> command = parse("--nodes", "1", "--fsync", "never", "--heartbeat-ms", "50",
                "--election-timeout-ms", "500", "--forward", "false").childCommand(1);
        assertEquals(List.of("--cluster", "1=127.0.0.1:7379", "--fsync", "never", "--heartbeat-ms", "50",
                "--election-timeout-ms", "500", "--forward=false"), command.subList(command.indexOf("--cluster"), command.size()));
        List<String> defaults = parse().childCommand(3);
        assertTrue(defaults.contains(Path.of("./data/node-3").toString()), defaults.toString());
        assertFalse(defaults.contains("--fsync"));
        assertFalse(defaults.stream().anyMatch(arg -> arg.startsWith("--forward")));
    }
}
