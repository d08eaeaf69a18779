package io.tern.engine.log;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which boot of the machine last opened a log. A process that dies (kill -9, a JVM crash) leaves the
 * page cache to the kernel, so everything it wrote, Chronicle's headers and index with its data,
 * still reads back as written; only a power cut or an OS crash can leave a file whose header points
 * past what reached the disk. A log last opened in the machine's current boot has therefore had no
 * such cut since, and need not be rewritten ({@link CycleFileRewriter}) after an unclean close.
 *
 * <p>The record is written after every open, not forced: a cut can only leave it missing, torn or
 * naming an earlier boot, never the next one, and each of those means "rewrite", which is always safe.
 */
final class MachineBoot {

    private static final Logger log = LoggerFactory.getLogger(MachineBoot.class);
    /** In the log directory: the boot that last opened it. */
    static final String RECORD = "last-boot";
    /** Linux draws it anew at each boot. */
    private static final Path BOOT_ID = Path.of("/proc/sys/kernel/random/boot_id");

    private MachineBoot() {
    }

    /** The machine's current boot, or "" where the system does not say (a log is then always rewritten). */
    static String current() {
        try {
            return Files.readString(BOOT_ID, StandardCharsets.US_ASCII).strip();
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    /** Whether the log in {@code directory} was last opened in {@code boot}, a known one. */
    static boolean lastOpenedIn(Path directory, String boot) {
        if (boot.isEmpty()) {
            return false;
        }
        try {
            return boot.equals(Files.readString(directory.resolve(RECORD), StandardCharsets.US_ASCII));
        } catch (IOException | RuntimeException e) {
            return false; // missing or torn: as if opened in another boot
        }
    }

    /** Records that {@code boot} opened the log in {@code directory}; a failure only costs the next open a rewrite. */
    static void record(Path directory, String boot) {
        Path record = directory.resolve(RECORD);
        try {
            if (boot.isEmpty()) {
                Files.deleteIfExists(record);
            } else {
                Files.writeString(record, boot, StandardCharsets.US_ASCII);
            }
        } catch (IOException e) {
            log.debug("cannot record the boot that opened {}: {}", directory, e.getMessage());
        }
    }
}
