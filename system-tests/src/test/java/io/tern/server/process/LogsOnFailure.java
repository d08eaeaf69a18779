package io.tern.server.process;

import io.tern.verify.cluster.LocalCluster;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.ArrayList;
import java.util.List;

/**
 * When a test fails, attaches the status and log tail of every node of the clusters it watched to
 * the failure (as a suppressed error, so it is in the Surefire report next to the assertion) and
 * prints it. Runs right after the test method, before any cleanup, while the logs still exist.
 */
final class LogsOnFailure implements AfterTestExecutionCallback {

    private final List<LocalCluster> clusters = new ArrayList<>();

    LocalCluster watch(LocalCluster cluster) {
        clusters.add(cluster);
        return cluster;
    }

    @Override
    public void afterTestExecution(ExtensionContext context) {
        context.getExecutionException().ifPresent(failure -> {
            for (LocalCluster cluster : clusters) {
                String logs = cluster.describe();
                System.out.println(context.getDisplayName() + " failed:" + logs);
                if (!String.valueOf(failure.getMessage()).contains(cluster.describeHeader())) {
                    failure.addSuppressed(new NodeLogs(logs));
                }
            }
        });
        clusters.clear();
    }

    /** The nodes' logs, carried by a failure. */
    static final class NodeLogs extends RuntimeException {
        NodeLogs(String logs) {
            super(logs, null, false, false);
        }
    }
}
