package io.tern.cli;

import io.tern.verify.cluster.NodeLaunch;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The verify module names the node's main class by a string, since it cannot depend on the cli. */
class VerifyLaunchTest {

    @Test
    void theDefaultNodeLaunchNamesThisMainClass() {
        assertEquals(TernCli.class.getName(), NodeLaunch.TERN_CLI_MAIN_CLASS);
    }
}
