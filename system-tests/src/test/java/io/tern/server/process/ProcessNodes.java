package io.tern.server.process;

import io.tern.verify.cluster.LocalCluster;
import io.tern.verify.cluster.NodeLaunch;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * How the process tests start their clusters: each node through the launcher ({@code bin/tern
 * server}) the way a user starts one, with the classpath this test JVM was built with
 * (TERN_CLASSPATH) so no Maven build runs inside the test; no proxies unless a test asks for them;
 * the server's own snapshot threshold.
 */
final class ProcessNodes {

    private ProcessNodes() {
    }

    /** The config of a cluster of {@code nodes} nodes (ids 1..n). */
    static LocalCluster.Config options(int nodes) {
        return new LocalCluster.Config().nodes(nodes).proxies(false).serverDefaultSnapshotEntries()
                .launch(NodeLaunch.launcher(repoRoot().resolve("bin/tern"), System.getProperty("java.class.path")));
    }

    private static Path repoRoot() {
        Path at = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (Path p = at; p != null; p = p.getParent()) {
            if (Files.isExecutable(p.resolve("bin/tern"))) {
                return p;
            }
        }
        fail("no bin/tern above " + at);
        return null;
    }
}
