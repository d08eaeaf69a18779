package io.tern.verify.cluster;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command line a {@link LocalCluster} gives its nodes, without starting any. */
class LocalClusterCommandTest {

    @Test
    void serverArgumentsCarryTheTortureDefaultsAndTheCallersExtraFlagsLast() {
        LocalCluster.Config options = new LocalCluster.Config()
                .extraServerArgs(List.of("--request-timeout-ms", "3000", "--test-only-mode"));
        List<String> args = LocalCluster.serverArgs(options, 2, Path.of("/d/node-2"), "1=a:1,2=a:2", 20002, 0, false);
        assertEquals(List.of("server", "--id", "2", "--data", "/d/node-2", "--cluster", "1=a:1,2=a:2",
                "--listen", "127.0.0.1:20002", "--fsync", "always", "--heartbeat-ms", "50",
                "--election-timeout-ms", "500", "--snapshot-entries", "2000",
                "--request-timeout-ms", "3000", "--test-only-mode"), args);
    }

    @Test
    void aNodeWithAnEtcdPortServesEtcdsApiThere() {
        List<String> args = LocalCluster.serverArgs(new LocalCluster.Config().etcdApi(true), 3, Path.of("/d/node-3"),
                "3=a:3", 20003, 21003, false);
        assertEquals("127.0.0.1:21003", args.get(args.indexOf("--etcd-listen") + 1), args::toString);
        assertFalse(LocalCluster.serverArgs(new LocalCluster.Config(), 3, Path.of("/d/node-3"), "3=a:3", 20003, 0, false)
                .contains("--etcd-listen"));
    }

    @Test
    void aJoiningNodeIsStartedWithJoin() {
        List<String> args = LocalCluster.serverArgs(new LocalCluster.Config().fsync("never").snapshotEntries(10),
                4, Path.of("/d/node-4"), "1=a:1,4=a:4", 20004, 0, true);
        assertTrue(args.contains("--join"));
        assertEquals("never", args.get(args.indexOf("--fsync") + 1));
        assertEquals("10", args.get(args.indexOf("--snapshot-entries") + 1));
    }

    @Test
    void debuggersAgentsHeapAndGcFlagsAreNotInherited() {
        assertFalse(LocalCluster.inheritable("-agentlib:jdwp=transport=dt_socket,server=y,address=5005"));
        assertFalse(LocalCluster.inheritable("-javaagent:/x/jacoco.jar"));
        assertFalse(LocalCluster.inheritable("-Xmx2g"));
        assertFalse(LocalCluster.inheritable("-XX:+UseG1GC"));
        assertTrue(LocalCluster.inheritable("--add-opens=java.base/java.lang=ALL-UNNAMED"));
        assertTrue(LocalCluster.inheritable("-Dchronicle.analytics.disable=true"));
    }

    @Test
    void testsGiveNodesTheFlagsOfTheForkedTestJvm() {
        List<String> flags = LocalCluster.defaultJvmArgs();
        assertTrue(flags.contains("-Dchronicle.analytics.disable=true"), flags::toString);
        assertFalse(flags.stream().anyMatch(f -> f.startsWith("-Xmx")), flags::toString);
    }

    @Test
    void withoutProxiesANodeBindsWhatItAdvertisesAndTheServersSnapshotDefaultCanHold() {
        List<String> args = LocalCluster.serverArgs(new LocalCluster.Config().proxies(false)
                .serverDefaultSnapshotEntries(), 1, Path.of("/d/node-1"), "1=127.0.0.1:20001", 20001, 0, false);
        assertFalse(args.contains("--listen"), args::toString);
        assertFalse(args.contains("--snapshot-entries"), args::toString);
    }

    @Test
    void aJavaLaunchRunsTheMainClassOnTheClasspathWithTheFlags() {
        NodeLaunch launch = NodeLaunch.java("x.Main", "/a.jar:/b.jar");
        List<String> command = launch.command(List.of("-Xmx64m", "-Dk=v"));
        assertEquals(List.of("-Xmx64m", "-Dk=v", "-cp", "/a.jar:/b.jar", "x.Main"), command.subList(1, command.size()));
        assertTrue(command.getFirst().endsWith("java"), command::toString);
        assertEquals(java.util.Map.of(), launch.environment(List.of("-Xmx64m")));
    }

    @Test
    void theLauncherGetsTheClasspathAndFlagsThroughItsEnvironment() {
        NodeLaunch launch = NodeLaunch.launcher(Path.of("/repo/bin/tern"), "/a.jar");
        assertEquals(List.of("/repo/bin/tern"), launch.command(List.of("-Xmx64m")));
        var environment = launch.environment(List.of("-Xmx64m", "-Dk=v"));
        assertEquals("/a.jar", environment.get("TERN_CLASSPATH"));
        assertEquals("-Xmx64m -Dk=v", environment.get("TERN_JAVA_OPTS"));
    }
}
