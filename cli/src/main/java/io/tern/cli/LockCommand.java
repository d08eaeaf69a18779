package io.tern.cli;

import io.tern.client.TernClient;
import io.tern.client.concurrency.Mutex;
import io.tern.client.concurrency.Session;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.Charset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code tern lock NAME [-- CMD ARGS...]}: etcdctl's lock, on the client's mutex recipe. */
@Command(name = "lock", showDefaultValues = true,
        description = {"Acquire the distributed lock NAME, waiting for it as long as it takes.",
                "With a command (after --), run it while holding the lock, with TERN_LOCK_KEY and TERN_LOCK_REV "
                        + "(and etcdctl's ETCD_LOCK_KEY and ETCD_LOCK_REV) in its environment, release the lock "
                        + "when it exits and exit with its status. Without one, print the lock's key and hold "
                        + "it until Ctrl-C. The lock is held with a lease of --ttl seconds, kept alive meanwhile: "
                        + "if this process dies, the lock passes on after the TTL.",
                "The lock's revision (TERN_LOCK_REV) is a fencing token: compare the key's create revision "
                        + "to it in the transactions that the lock guards."})
final class LockCommand extends ClientCommand {

    @Parameters(index = "0", paramLabel = "NAME", description = "The lock's name (a key prefix).")
    String name;

    @Parameters(index = "1..*", arity = "0..*", paramLabel = "CMD",
            description = "The command to run while holding the lock, after --.")
    List<String> command = List.of();

    @Mixin
    SessionFlags sessionFlags;

    @Override
    void validate() {
        sessionFlags.validate(spec, name);
    }

    @Override
    int run(TernClient tern, PrintWriter out) {
        try (UntilCtrlC ctrlC = UntilCtrlC.interruptsThisThread()) {
            Session session = Session.create(tern, sessionFlags.ttl);
            try {
                Mutex mutex = new Mutex(session, Values.utf8(name));
                CompletableFuture<Void> locked = mutex.lockAsync();
                try {
                    locked.get();
                } catch (InterruptedException e) {
                    locked.cancel(false); // Ctrl-C while waiting: the place in line goes with the session
                    return ExitCodes.OK;
                } catch (ExecutionException e) {
                    throw new CompletionException(e.getCause());
                }
                return command.isEmpty() ? holdUntilInterrupted(session, mutex, out) : runHolding(mutex, out);
            } finally {
                Thread.interrupted(); // the release must not be cut short by the Ctrl-C that ended the wait
                release(session);
            }
        }
    }

    /** Revokes the session's lease, which deletes the lock's key at once (the next waiter gets it). */
    private void release(Session session) {
        try {
            session.close();
        } catch (RuntimeException e) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("tern lock: could not release the lock (" + CliErrors.classify(e).message()
                    + "); it passes on once its lease's TTL of " + session.ttlSeconds() + " s runs out");
            err.flush();
        }
    }

    private int holdUntilInterrupted(Session session, Mutex mutex, PrintWriter out) {
        out.println(Values.show(mutex.key()));
        out.flush();
        try {
            session.done().get();
            return ExitCodes.OK;
        } catch (InterruptedException e) {
            return ExitCodes.OK;
        } catch (ExecutionException e) {
            throw new CompletionException(e.getCause()); // the lease was lost, and the lock with it
        }
    }

    private int runHolding(Mutex mutex, PrintWriter out) {
        ProcessBuilder builder = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.INHERIT);
        Map<String, String> env = builder.environment();
        String key = Values.show(mutex.key());
        String revision = Long.toString(mutex.revision());
        env.put("TERN_LOCK_KEY", key);
        env.put("TERN_LOCK_REV", revision);
        env.put("ETCD_LOCK_KEY", key);
        env.put("ETCD_LOCK_REV", revision);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot run " + command.get(0) + ": " + e.getMessage());
        }
        Thread stdout = copy(process.getInputStream(), out, "stdout");
        Thread stderr = copy(process.getErrorStream(), spec.commandLine().getErr(), "stderr");
        try {
            int status = process.waitFor();
            stdout.join();
            stderr.join();
            return status;
        } catch (InterruptedException e) {
            process.destroy(); // Ctrl-C: it got the SIGINT too, if it shares the terminal
            return 130;
        }
    }

    /** Hands the command's output on to this command's writers (what the caller reads). */
    private static Thread copy(InputStream from, PrintWriter to, String which) {
        Thread pump = new Thread(() -> {
            char[] buffer = new char[8192];
            try (Reader reader = new InputStreamReader(from, Charset.defaultCharset())) {
                for (int n; (n = reader.read(buffer)) >= 0; ) {
                    to.write(buffer, 0, n);
                    to.flush();
                }
            } catch (IOException ignored) {
                // the command closed its output
            }
        }, "tern-lock-" + which);
        pump.setDaemon(true);
        pump.start();
        return pump;
    }
}
