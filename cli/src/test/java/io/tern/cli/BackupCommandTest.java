package io.tern.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tern.engine.snapshot.SnapshotBackup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tern backup save} against a real node, and {@code tern backup restore}: what each prints and refuses. */
class BackupCommandTest {

    private static final String NL = System.lineSeparator();

    @TempDir
    static Path dir;

    private static TestNode node;
    private static Path backup;
    private static String cluster;

    @BeforeAll
    static void saveABackup() throws Exception {
        Cli.assumeClientBuilt();
        node = TestNode.start(dir.resolve("node"));
        node.tern("put", "greeting", "hello");
        backup = dir.resolve("saved.tern");
        Cli.Result saved = node.tern("backup", "save", backup.toString());
        assertEquals("", saved.err(), "stderr");
        assertTrue(Pattern.matches("OK backup index=\\d+ bytes=" + Files.size(backup) + NL, saved.out()), saved.out());
        cluster = "1=127.0.0.1:32201,2=127.0.0.1:32202"; // never started: a restore only names them
    }

    @AfterAll
    static void stopNode() {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void aSavedBackupIsWholeAndLeavesNoPartialFile() throws IOException {
        SnapshotBackup.checkSealed(backup);
        assertFalse(Files.exists(dir.resolve("saved.tern.part")));
    }

    @Test
    void restoreMakesTheDataDirectoryOfANewMember() {
        Path data = dir.resolve("restored-1");
        Cli.Result restored = Cli.run("backup", "restore", backup.toString(), "--data", data.toString(), "--id", "1",
                "--cluster", cluster);
        assertEquals(0, restored.exitCode(), restored.err());
        assertTrue(Pattern.matches("OK restored member 1 of cluster tern-[0-9a-f]{16} into " + Pattern.quote(data.toString())
                + " index=\\d+" + NL, restored.out()), restored.out());
        assertTrue(Files.exists(data.resolve("identity.json")));
    }

    @Test
    void anIdOutsideTheClusterIsRefusedAndNothingIsWritten() {
        Path data = dir.resolve("restored-3");
        Cli.run("backup", "restore", backup.toString(), "--data", data.toString(), "--id", "3", "--cluster", cluster)
                .assertFails(ExitCodes.USAGE, "tern backup restore: --id 3 is not a member of --cluster 1,2");
        assertFalse(Files.exists(data));
    }

    @Test
    void aDataDirectoryInUseIsRefusedAndLeftAlone() throws IOException {
        Path data = Files.createDirectories(dir.resolve("busy"));
        Files.writeString(data.resolve("keep.txt"), "mine");
        Cli.run("backup", "restore", backup.toString(), "--data", data.toString(), "--id", "1", "--cluster", cluster)
                .assertFails(ExitCodes.REFUSED, "tern backup restore: the data directory " + data + " is not empty");
        assertEquals(List.of(data.resolve("keep.txt")), list(data));
    }

    @Test
    void aCorruptOrTruncatedBackupIsRefusedAndNothingIsWritten() throws IOException {
        byte[] whole = Files.readAllBytes(backup);
        byte[] flipped = whole.clone();
        flipped[whole.length - 40] ^= 1;
        for (byte[] bad : List.of(flipped, Arrays.copyOf(whole, whole.length / 2))) {
            Path file = Files.write(dir.resolve("bad-" + bad.length + ".tern"), bad);
            Path data = dir.resolve("from-bad-" + bad.length);
            Cli.run("backup", "restore", file.toString(), "--data", data.toString(), "--id", "1", "--cluster", cluster)
                    .assertFails(ExitCodes.REFUSED, "tern backup restore: not an intact Tern backup: ");
            assertFalse(Files.exists(data));
        }
    }

    @Test
    void saveIntoADirectoryThatDoesNotExistIsRefused() {
        node.tern("backup", "save", dir.resolve("nowhere/saved.tern").toString())
                .assertFails(ExitCodes.USAGE, "tern backup save: the directory of ");
    }

    private static List<Path> list(Path directory) throws IOException {
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.sorted().toList();
        }
    }
}
