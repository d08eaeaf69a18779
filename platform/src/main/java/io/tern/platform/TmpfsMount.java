package io.tern.platform;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A small, size-limited tmpfs mounted on a directory: a real disk that really fills up, for the
 * tests of what a member does when its storage runs out and for {@code tern verify}'s
 * {@code disk-full} fault. Mounting needs root (or CAP_SYS_ADMIN); where it is refused,
 * {@link #mount} says why and callers skip what needs it.
 */
public final class TmpfsMount implements AutoCloseable {

    private static final long COMMAND_TIMEOUT_SECONDS = 30;
    private static final int FILL_BLOCK_BYTES = 1 << 20;

    private final Path directory;
    private boolean mounted = true;

    private TmpfsMount(Path directory) {
        this.directory = directory;
    }

    /** Why a tmpfs could not be mounted (not root, no mount command, a sandbox that forbids it). */
    public static final class RefusedException extends IOException {
        RefusedException(String message) {
            super(message);
        }
    }

    /**
     * Mounts a tmpfs of {@code bytes} on {@code directory}, created if missing (it should be empty:
     * the mount hides what it holds).
     *
     * @throws RefusedException if the mount command fails
     */
    public static TmpfsMount mount(Path directory, long bytes) throws IOException {
        Files.createDirectories(directory);
        run(List.of("mount", "-t", "tmpfs", "-o", "size=" + bytes, "tmpfs", directory.toString()), true);
        return new TmpfsMount(directory);
    }

    public Path directory() {
        return directory;
    }

    /** The bytes a file could still take now. */
    public long usableBytes() throws IOException {
        return Files.getFileStore(directory).getUsableSpace();
    }

    /** Grows (or shrinks) the tmpfs to {@code bytes}, keeping what it holds. */
    public void resize(long bytes) throws IOException {
        run(List.of("mount", "-o", "remount,size=" + bytes, directory.toString()), false);
    }

    /**
     * Writes a ballast file of real bytes (tmpfs takes pages only when they are written) that leaves
     * about {@code leaveBytes} free, or as much as fits when {@code leaveBytes} is 0.
     *
     * @return the ballast's size
     */
    public long fill(Path ballast, long leaveBytes) throws IOException {
        long size = Math.max(0, usableBytes() - leaveBytes);
        byte[] block = new byte[FILL_BLOCK_BYTES];
        long written = 0;
        try (OutputStream out = Files.newOutputStream(ballast)) {
            while (written < size) {
                int length = (int) Math.min(block.length, size - written);
                out.write(block, 0, length);
                written += length;
            }
        } catch (IOException e) {
            if (leaveBytes > 0 || !String.valueOf(e.getMessage()).contains("No space left")) {
                throw e;
            }
            // Asked to fill it all: a full disk is the point.
        }
        return Files.size(ballast);
    }

    /** Unmounts (lazily, so that a process still holding a file open does not keep it mounted). */
    @Override
    public synchronized void close() throws IOException {
        if (mounted) {
            mounted = false;
            run(List.of("umount", "-l", directory.toString()), false);
        }
    }

    private static void run(List<String> command, boolean refusalExpected) throws IOException {
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new RefusedException("cannot run " + command.getFirst() + ": " + e.getMessage());
        }
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!process.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not finish");
            }
            if (process.exitValue() != 0) {
                String message = String.join(" ", command) + " failed (" + process.exitValue() + "): "
                        + output.replaceAll("\\s*\\R\\s*", " ");
                throw refusalExpected ? new RefusedException(message) : new IOException(message);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + String.join(" ", command), e);
        }
    }
}
