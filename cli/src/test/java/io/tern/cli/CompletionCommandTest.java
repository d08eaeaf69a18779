package io.tern.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tern completion bash|zsh}: a script bash accepts, completing tern's commands and their flags. */
class CompletionCommandTest {

    @TempDir
    Path dir;

    @Test
    void theBashScriptCompletesTheCommandsAndBashAcceptsIt() throws Exception {
        Cli.Result run = Cli.run("completion", "bash");
        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        assertEquals("", run.err());
        String script = run.out();
        assertTrue(script.contains("complete -F _complete_tern"), "registers a completion for tern");
        for (String command : List.of("server", "put", "get", "status", "member", "completion")) {
            assertTrue(script.contains(" " + command), "mentions the command " + command);
        }
        assertTrue(script.contains("--heartbeat-ms") && script.contains("--endpoints"), "completes flags");

        Path file = Files.writeString(dir.resolve("tern.bash"), script);
        Process bash = new ProcessBuilder("bash", "-n", file.toString()).redirectErrorStream(true).start();
        String complaints = new String(bash.getInputStream().readAllBytes());
        assertTrue(bash.waitFor(30, TimeUnit.SECONDS), "bash -n did not finish");
        assertEquals(0, bash.exitValue(), "bash -n: " + complaints);
    }

    @Test
    void theZshScriptIsTheBashOneThatTurnsOnBashcompinit() {
        Cli.Result zsh = Cli.run("completion", "zsh");
        assertEquals(ExitCodes.OK, zsh.exitCode(), zsh.err());
        assertEquals(Cli.run("completion", "bash").out(), zsh.out());
        assertTrue(zsh.out().contains("bashcompinit"), "loads bashcompinit under zsh");
    }

    @Test
    void anotherShellIsAUsageError() {
        Cli.run("completion", "fish").assertFails(ExitCodes.USAGE, "tern completion: the shell must be bash or zsh, was 'fish'");
        Cli.run("completion").assertFails(ExitCodes.USAGE, "tern completion: Missing required parameter");
    }
}
