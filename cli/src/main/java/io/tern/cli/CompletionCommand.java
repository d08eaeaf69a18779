package io.tern.cli;

import java.io.PrintWriter;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code tern completion bash|zsh}: prints a script that completes tern's commands and flags in the shell. */
@Command(name = "completion", mixinStandardHelpOptions = true,
        description = {"Print a shell completion script for tern's commands and flags.",
                "bash: source <(tern completion bash) in ~/.bashrc, or save it as /etc/bash_completion.d/tern.",
                "zsh: source <(tern completion zsh) in ~/.zshrc. It is the bash script: it loads zsh's "
                        + "bashcompinit itself, and completes through it.",
                "It completes the command `tern`, so put bin/ on PATH (or link bin/tern into it)."})
final class CompletionCommand implements Callable<Integer> {

    private static final List<String> SHELLS = List.of("bash", "zsh");

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "bash|zsh", description = "The shell to complete in.", completionCandidates = Shells.class)
    String shell;

    @Override
    public Integer call() {
        if (!SHELLS.contains(shell)) {
            throw new ParameterException(spec.commandLine(), "the shell must be bash or zsh, was '" + shell + "'");
        }
        // picocli's script serves both shells: under zsh it turns on bashcompinit first.
        PrintWriter out = spec.commandLine().getOut();
        out.print(AutoComplete.bash("tern", spec.root().commandLine()));
        out.flush();
        return ExitCodes.OK;
    }

    /** The shells the script is for, which the script itself completes. */
    static final class Shells implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return SHELLS.iterator();
        }
    }
}
