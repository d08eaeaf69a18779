package io.tern.engine.log;

import io.tern.raft.types.EntryKind;
import io.tern.raft.types.LogEntry;
import io.tern.engine.FsyncPolicy;
import io.tern.engine.StorageException;
import io.tern.platform.TmpfsMount;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.abort;

/**
 * The log on a real, nearly full disk (a small tmpfs): Chronicle writes through memory-mapped files,
 * where a full disk is a SIGBUS rather than an error, so a record that would not fit (an append, and
 * the commit marks, truncations and resets too) must be refused before it touches the mapping, with a
 * message that names the disk, and the log must go on once there is room again.
 */
class ChronicleRaftLogFullDiskTest {

    private static final long DISK_BYTES = 16L << 20;

    @TempDir
    Path temp;

    private TmpfsMount disk;

    @BeforeEach
    void mountSmallDisk() throws IOException {
        try {
            disk = TmpfsMount.mount(temp.resolve("disk"), DISK_BYTES);
        } catch (TmpfsMount.RefusedException e) {
            System.out.println("skipped: " + e.getMessage());
            abort(e.getMessage());
        }
    }

    @AfterEach
    void unmount() throws IOException {
        if (disk != null) {
            disk.close();
        }
    }

    @Test
    void anAppendThatWouldFillTheDiskIsRefusedAndTheLogGoesOnOnceThereIsRoom() throws IOException {
        Path logDir = disk.directory().resolve("log");
        try (ChronicleRaftLog log = ChronicleRaftLog.open(logDir, LogConfig.defaults(FsyncPolicy.ALWAYS))) {
            log.append(List.of(entry(1, 1000)));
            log.sync();
            Path ballast = disk.directory().resolve("ballast");
            disk.fill(ballast, ChronicleRaftLog.MIN_FREE_BYTES_AFTER_APPEND / 2);

            var refused = assertThrows(StorageException.class, () -> log.append(List.of(entry(2, 64 * 1024))));
            assertTrue(refused.getMessage().startsWith("no space left on device for the write-ahead log in " + logDir),
                    refused.getMessage());
            assertEquals(1, log.lastIndex(), "a refused append writes nothing");

            Files.delete(ballast);
            log.append(List.of(entry(2, 64 * 1024)));
            log.sync();
            assertEquals(entry(2, 64 * 1024), log.entry(2));
        }
        try (ChronicleRaftLog reopened = ChronicleRaftLog.open(logDir, LogConfig.defaults(FsyncPolicy.ALWAYS))) {
            assertEquals(2, reopened.lastIndex());
        }
    }

    @Test
    void onAFullDiskEveryKindOfRecordIsRefusedRatherThanWrittenIntoTheMapping() throws IOException {
        Path logDir = disk.directory().resolve("log");
        try (ChronicleRaftLog log = ChronicleRaftLog.open(logDir, LogConfig.defaults(FsyncPolicy.ALWAYS))) {
            log.append(List.of(entry(1, 1000), entry(2, 1000), entry(3, 1000)));
            log.sync();
            Path ballast = disk.directory().resolve("ballast");
            disk.fill(ballast, 0);

            for (var write : List.<Runnable>of(() -> log.markCommitted(2), () -> log.truncateFrom(3),
                    () -> log.resetTo(10))) {
                var refused = assertThrows(StorageException.class, write::run);
                assertTrue(refused.getMessage().startsWith("no space left on device for the write-ahead log in " + logDir),
                        refused.getMessage());
            }
            assertEquals(0, log.committedIndex());
            assertEquals(3, log.lastIndex(), "nothing was truncated");

            Files.delete(ballast);
            log.markCommitted(2);
            log.sync();
            assertEquals(2, log.committedIndex());
        }
        try (ChronicleRaftLog reopened = ChronicleRaftLog.open(logDir, LogConfig.defaults(FsyncPolicy.ALWAYS))) {
            assertEquals(3, reopened.lastIndex());
            assertEquals(2, reopened.committedIndex());
        }
    }

    private static LogEntry entry(long index, int bytes) {
        return new LogEntry(index, 1, EntryKind.COMMAND, new byte[bytes]);
    }
}
