package io.tern.cli;

import org.junit.jupiter.api.Test;

/** {@code tern verify}'s usage errors, each one line before anything starts. */
class VerifyCommandTest {

    @Test
    void anUnknownApiIsRefusedWithTheKnownOnes() {
        Cli.run("verify", "--api", "soap").assertFails(ExitCodes.USAGE,
                "tern verify: unknown API 'soap'; known: native, etcd");
    }

    @Test
    void etcdsApiNeedsAClusterVerifyStarts() {
        Cli.run("verify", "--api", "etcd", "--endpoints", "127.0.0.1:" + Cli.closedPort()).assertFails(ExitCodes.USAGE,
                "tern verify: --api etcd needs a cluster that verify starts");
    }
}
