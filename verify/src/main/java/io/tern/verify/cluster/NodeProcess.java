package io.tern.verify.cluster;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One node's operating-system process across its starts: launches it with stdout and stderr
 * appended to its log (a header line per start), signals it, waits for its exit, and tells an exit
 * that nobody asked for (a crash) from one it was told to make. Thread-safe.
 */
public final class NodeProcess {

    /** How long a process may take to go after SIGKILL. */
    static final Duration EXIT_WAIT = Duration.ofSeconds(15);
    /** How long SIGSTOP or SIGCONT may take to show in the process's state. */
    static final Duration SIGNAL_WAIT = Duration.ofSeconds(5);
    /** How much of the log's end {@link #logTail} reads. */
    private static final int TAIL_BYTES = 64 * 1024;

    /** Told of an exit that this object did not cause or expect. */
    @FunctionalInterface
    public interface CrashListener {
        void crashed(int start, long pid, int exitCode);
    }

    /** One start: its process and whether we meant it to exit. */
    private record Run(Process process, int start, AtomicBoolean expected) {
    }

    private final String name;
    private final Path log;
    private final Path workingDirectory;
    private final CrashListener crashes;
    private Run run;
    private int starts;
    private boolean paused;

    /**
     * @param name             how messages name it ("node 3")
     * @param log              where its output goes, appended across starts
     * @param workingDirectory where it runs
     */
    public NodeProcess(String name, Path log, Path workingDirectory, CrashListener crashes) {
        this.name = name;
        this.log = log;
        this.workingDirectory = workingDirectory;
        this.crashes = crashes;
    }

    /** Starts it with {@code command} and {@code environment} added to this JVM's. */
    public void start(List<String> command, Map<String, String> environment) {
        Run started;
        synchronized (this) {
            if (isRunning()) {
                throw new IllegalStateException(name + " is still running");
            }
            int start = ++starts;
            try {
                Files.writeString(log, "==== start #" + start + " of " + name + " at " + Instant.now() + ": "
                        + String.join(" ", command) + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                ProcessBuilder builder = new ProcessBuilder(command)
                        .directory(workingDirectory.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
                builder.environment().putAll(environment);
                started = new Run(builder.start(), start, new AtomicBoolean());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start " + name, e);
            }
            run = started;
            paused = false;
        }
        started.process().onExit().thenAccept(exited -> {
            if (!started.expected().get()) {
                crashes.crashed(started.start(), exited.pid(), exited.exitValue());
            }
        });
    }

    public synchronized boolean isRunning() {
        return run != null && run.process().isAlive();
    }

    public synchronized boolean isPaused() {
        return paused;
    }

    public synchronized boolean wasStarted() {
        return run != null;
    }

    /** How many times it was started. */
    public synchronized int starts() {
        return starts;
    }

    /** The pid of its current (or last) process. */
    public synchronized long pid() {
        return requireStarted().process().pid();
    }

    /** The current process will exit and that is no crash (a disk filled on purpose, say). */
    public synchronized void expectExit() {
        if (run != null) {
            run.expected().set(true);
        }
    }

    /** Sends SIGKILL without waiting; true if it was running. See {@link #awaitKilled()}. */
    public synchronized boolean kill() {
        paused = false;
        if (run == null || !run.process().isAlive()) {
            return false;
        }
        run.expected().set(true);
        // Through the handle: SIGKILL without closing our side of anything first.
        run.process().toHandle().destroyForcibly();
        return true;
    }

    /** Waits until the current process, sent SIGKILL, is gone. */
    public void awaitKilled() {
        awaitExit(currentRun(), EXIT_WAIT, "after SIGKILL");
    }

    /** SIGKILL, and waits until it is gone. */
    public void kill9() {
        if (kill()) {
            awaitKilled();
        }
    }

    /**
     * SIGTERM (after SIGCONT if paused), and waits up to {@code grace} for the exit; past it,
     * SIGKILL.
     *
     * @return the exit code
     */
    public int stop(Duration grace) {
        if (isPaused()) {
            resume(); // a stopped process would not handle SIGTERM until continued
        }
        Run current;
        synchronized (this) {
            current = requireStarted();
            current.expected().set(true);
        }
        current.process().toHandle().destroy();
        try {
            if (!current.process().waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                current.process().toHandle().destroyForcibly();
                awaitExit(current, EXIT_WAIT, "after SIGKILL that followed an ignored SIGTERM");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterException("interrupted while stopping " + name, e);
        }
        return current.process().exitValue();
    }

    /**
     * Waits until the current process exits by itself (it is not told to).
     *
     * @return its exit code
     */
    public int awaitExit(Duration timeout) {
        Run current = currentRun();
        awaitExit(current, timeout, "by itself");
        return current.process().exitValue();
    }

    /** SIGSTOP, and waits until the process shows as stopped. */
    public void pause() {
        Run current;
        synchronized (this) {
            current = requireStarted();
            if (!current.process().isAlive()) {
                throw new IllegalStateException(name + " is not running");
            }
            paused = true;
        }
        signal(current, "STOP");
        Await.until(name + " to be stopped by SIGSTOP", SIGNAL_WAIT,
                () -> !current.process().isAlive() || ProcessStates.isStopped(current.process().pid())
                        || ProcessStates.unknown(current.process().pid()));
    }

    /** SIGCONT if it runs, and waits until it no longer shows as stopped. */
    public void resume() {
        Run current;
        synchronized (this) {
            paused = false;
            current = run;
        }
        if (current == null || !current.process().isAlive()) {
            return;
        }
        signal(current, "CONT");
        Await.until(name + " to run again after SIGCONT", SIGNAL_WAIT,
                () -> !current.process().isAlive() || !ProcessStates.isStopped(current.process().pid()));
    }

    /** Its state in a few words: never started, running or paused with pid, or exited with code. */
    public synchronized String state() {
        if (run == null) {
            return "never started";
        }
        if (run.process().isAlive()) {
            return (paused ? "paused" : "running") + ", pid " + run.process().pid() + ", start #" + run.start();
        }
        return "exited with " + run.process().exitValue() + ", start #" + run.start();
    }

    public Path log() {
        return log;
    }

    /** The last {@code lines} lines of its log (every start). */
    public String logTail(int lines) {
        if (!Files.exists(log)) {
            return "(no log)";
        }
        try (RandomAccessFile in = new RandomAccessFile(log.toFile(), "r")) {
            long length = in.length();
            long from = Math.max(0, length - TAIL_BYTES);
            byte[] bytes = new byte[(int) (length - from)];
            in.seek(from);
            in.readFully(bytes);
            List<String> all = List.of(new String(bytes, StandardCharsets.UTF_8).split("\n"));
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    private synchronized Run currentRun() {
        return requireStarted();
    }

    private Run requireStarted() {
        if (run == null) {
            throw new IllegalStateException(name + " was never started");
        }
        return run;
    }

    private static void signal(Run run, String signal) {
        if (!run.process().isAlive()) {
            throw new ClusterException("process " + run.process().pid() + " is not running");
        }
        try {
            // ProcessHandle sends only SIGTERM and SIGKILL.
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(run.process().pid()))
                    .redirectErrorStream(true).start();
            String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!kill.waitFor(SIGNAL_WAIT.toMillis(), TimeUnit.MILLISECONDS) || kill.exitValue() != 0) {
                throw new ClusterException("kill -" + signal + " " + run.process().pid() + " failed: " + output);
            }
        } catch (IOException e) {
            throw new ClusterException("cannot run kill -" + signal + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterException("interrupted", e);
        }
    }

    private static void awaitExit(Run run, Duration timeout, String why) {
        try {
            if (!run.process().waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new ClusterException("process " + run.process().pid() + " did not exit " + why + " within "
                        + timeout.toMillis() + " ms");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterException("interrupted", e);
        }
    }
}
