package io.tern.engine.log;

import io.tern.engine.FsyncPolicy;
import io.tern.engine.StorageException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.abort;

/**
 * The log on a real, nearly full disk (a small tmpfs): Chronicle writes through memory-mapped files,
 * where a full disk is a SIGBUS rather than an error, so an append that would not fit must be refused
 * before it touches the mapping, with a message that names the disk, and the log must go on once
 * there is room again.
 */
class ChronicleRaftLogFullDiskTest {

    private static final long DISK_BYTES = 16L << 20;

    @TempDir
    Path temp;

    private Path disk;
    private boolean mounted;

    @BeforeEach
    void mountSmallDisk() throws Exception {
        disk = Files.createDirectories(temp.resolve("disk"));
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + DISK_BYTES, "tmpfs", disk.toString())
                .redirectErrorStream(true).start();
        String output = new String(mount.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (mount.waitFor() != 0) {
            System.out.println("skipped: cannot mount a tmpfs here (" + output + ")");
            abort("cannot mount a tmpfs: " + output);
        }
        mounted = true;
    }

    @AfterEach
    void unmount() throws Exception {
        if (mounted) {
            new ProcessBuilder("umount", "-l", disk.toString()).inheritIO().start().waitFor();
        }
    }

    @Test
    void anAppendThatWouldFillTheDiskIsRefusedAndTheLogGoesOnOnceThereIsRoom() throws IOException {
        Path logDir = disk.resolve("log");
        try (ChronicleRaftLog log = ChronicleRaftLog.open(logDir, LogOptions.defaults(FsyncPolicy.ALWAYS))) {
            log.append(List.of(entry(1, 1000)));
            log.sync();
            Path ballast = disk.resolve("ballast");
            fill(ballast, Files.getFileStore(disk).getUsableSpace() - ChronicleRaftLog.MIN_FREE_BYTES_AFTER_APPEND / 2);

            var refused = assertThrows(StorageException.class, () -> log.append(List.of(entry(2, 64 * 1024))));
            assertTrue(refused.getMessage().startsWith("no space left on device for the write-ahead log in " + logDir),
                    refused.getMessage());
            assertEquals(1, log.lastIndex(), "a refused append writes nothing");

            Files.delete(ballast);
            log.append(List.of(entry(2, 64 * 1024)));
            log.sync();
            assertEquals(entry(2, 64 * 1024), log.entry(2));
        }
        try (ChronicleRaftLog reopened = ChronicleRaftLog.open(logDir, LogOptions.defaults(FsyncPolicy.ALWAYS))) {
            assertEquals(2, reopened.lastIndex());
        }
    }

    private static LogEntry entry(long index, int bytes) {
        return new LogEntry(index, 1, EntryKind.COMMAND, new byte[bytes]);
    }

    /** Writes {@code bytes} real bytes (tmpfs allocates pages only when they are written). */
    private static void fill(Path file, long bytes) throws IOException {
        byte[] block = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long left = bytes; left > 0; left -= block.length) {
                out.write(block, 0, (int) Math.min(block.length, left));
            }
        }
    }
}
