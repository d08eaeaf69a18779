package io.tern.engine.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tern.engine.FsyncPolicy;
import io.tern.raft.types.EntryKind;
import io.tern.raft.types.LogEntry;
import java.io.IOException;
import java.lang.ref.Reference;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a sync of the log writes to the disk: about what was appended since the last one, not the
 * large folios the kernel's read-ahead put the written pages in (see {@link MappingAdvisor}).
 */
@Timeout(120)
class LogSyncWritebackTest {

    private static final Path THREAD_IO = Path.of("/proc/thread-self/io");
    /** The first line of a mapping in smaps: its address range. */
    private static final Pattern MAPPING_HEADER = Pattern.compile("[0-9a-f]+-[0-9a-f]+ ");

    @TempDir
    Path dir;

    @Test
    void aMappingOfTheFileIsMarkedForRandomAccess() throws IOException {
        assertMarkedWhenAdvisedAs(dir.resolve("mapped"));
    }

    @Test
    void aFileNamedThroughASymbolicLinkIsFoundAmongTheMappings() throws IOException {
        // The kernel names mappings by their real path; a data directory given through a link must still match.
        Path link = Files.createSymbolicLink(dir.resolve("link"), Files.createDirectory(dir.resolve("real")));
        assertMarkedWhenAdvisedAs(link.resolve("mapped"));
    }

    private static void assertMarkedWhenAdvisedAs(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_WRITE, 0, 1 << 20);
            mapped.put(0, (byte) 1);
            assumeTrue(Files.isReadable(Path.of("/proc/self/smaps")), "no /proc/self/smaps here");
            assertEquals(1, new MappingAdvisor().adviseMappingsOf(file));
            assertTrue(vmFlagsOf(file).contains(" rr"), "VmFlags of the mapping: " + vmFlagsOf(file));
            Reference.reachabilityFence(mapped);
        }
    }

    @Test
    void aGroupCommitSyncWritesAboutWhatWasAppended() {
        assumeTrue(Files.isReadable(THREAD_IO), "no per-thread I/O accounting here");
        byte[] payload = new byte[300];
        int entriesPerSync = 15;
        int syncs = 16_000; // about 75 MB of log: read-ahead grows its folios as the writer moves on
        try (ChronicleRaftLog log = ChronicleRaftLog.open(dir.resolve("log"), LogConfig.defaults(FsyncPolicy.ALWAYS))) {
            long index = 0;
            long writtenBefore = 0;
            for (int sync = 0; sync < syncs; sync++) {
                if (sync == syncs / 2) {
                    writtenBefore = writeBytesOfThisThread(); // the second half: read-ahead had grown by then
                }
                List<LogEntry> entries = new ArrayList<>(entriesPerSync);
                for (int i = 0; i < entriesPerSync; i++) {
                    entries.add(new LogEntry(++index, 1, EntryKind.COMMAND, payload));
                }
                log.append(entries);
                log.sync(); // forces on this thread, so the writeback is counted here
            }
            long perSync = (writeBytesOfThisThread() - writtenBefore) / (syncs - syncs / 2);
            // The records of one sync take 5 kB; with Chronicle's header and index pages a sync writes a few
            // pages (13 kB measured). Whole read-ahead folios made it about 700 kB.
            assertTrue(perSync < 64 * 1024, "each sync wrote " + perSync + " bytes for about "
                    + entriesPerSync * payload.length + " bytes of records");
        }
    }

    private static long writeBytesOfThisThread() {
        try {
            for (String line : Files.readAllLines(THREAD_IO)) {
                if (line.startsWith("write_bytes:")) {
                    return Long.parseLong(line.substring("write_bytes:".length()).trim());
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        throw new IllegalStateException("no write_bytes in " + THREAD_IO);
    }

    /** The VmFlags line of this process's mapping of {@code file}. */
    private static String vmFlagsOf(Path file) throws IOException {
        String path = file.toRealPath().toString();
        boolean inMapping = false;
        for (String line : Files.readAllLines(Path.of("/proc/self/smaps"))) {
            if (MAPPING_HEADER.matcher(line).lookingAt()) {
                inMapping = line.endsWith(" " + path);
            } else if (inMapping && line.startsWith("VmFlags:")) {
                return line;
            }
        }
        return "(no mapping of " + path + ")";
    }
}
