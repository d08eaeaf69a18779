package io.tern.engine.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.tern.engine.ChildJvm;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.RocksDB;
import org.rocksdb.util.Environment;

/** Killed members do not each leave a copy of RocksDB's native library in the temporary directory. */
@Timeout(120)
class RocksNativeLibraryTest {

    private static final String ENTRY = Environment.getJniLibraryFileName("rocksdb");
    private static final String LIBRARY = Environment.getJniLibraryFileName("rocksdbjni");

    @TempDir
    Path dir;

    @Test
    void membersKilledOneAfterTheOtherShareOneCopyOfTheLibrary() throws Exception {
        Path temporary = Files.createDirectory(dir.resolve("tmp"));
        openStoreThenKill(temporary, dir.resolve("data-1"));
        openStoreThenKill(temporary, dir.resolve("data-2"));
        List<Path> copies;
        try (Stream<Path> files = Files.walk(temporary)) {
            copies = files.filter(file -> file.getFileName().toString().startsWith("librocksdbjni")).toList();
        }
        assertEquals(1, copies.size(), "copies of the library left behind: " + copies);
        assertTrue(!copies.getFirst().getParent().equals(temporary), "the one copy is in Tern's own directory: "
                + copies.getFirst());
    }

    @Test
    void theLibraryIsExtractedOnceAndFoundAgain() throws IOException {
        Path root = dir.resolve("native");
        Path first = RocksNativeLibrary.stableCopy(resource(), LIBRARY, root).orElseThrow();
        Object extracted = Files.readAttributes(first.resolve(LIBRARY), "unix:ino").get("ino");
        Path again = RocksNativeLibrary.stableCopy(resource(), LIBRARY, root).orElseThrow();
        assertEquals(first, again);
        assertEquals(extracted, Files.readAttributes(again.resolve(LIBRARY), "unix:ino").get("ino"),
                "the second process found the first one's copy instead of writing its own");
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(root)));
        try (Stream<Path> files = Files.list(first)) {
            assertEquals(List.of(first.resolve(LIBRARY)), files.toList(), "no partial copy is left");
        }
    }

    @Test
    void aDirectoryOthersMayWriteToIsNotUsed() throws IOException {
        Path root = Files.createDirectory(dir.resolve("shared"));
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertEquals(Optional.empty(), RocksNativeLibrary.stableCopy(resource(), LIBRARY, root));
        try (Stream<Path> files = Files.list(root)) {
            assertEquals(0, files.count());
        }
    }

    private static URL resource() {
        URL resource = RocksDB.class.getClassLoader().getResource(ENTRY);
        if (resource == null) {
            fail("rocksdbjni has no " + ENTRY + " for this platform");
        }
        return resource;
    }

    /** A child JVM opens a store in {@code data} with {@code temporary} as its temporary directory; kill -9. */
    private static void openStoreThenKill(Path temporary, Path data) throws Exception {
        List<String> command = ChildJvm.command(List.of("-Xmx256m", "-Djava.io.tmpdir=" + temporary), OpenStore.class,
                data.toString());
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            List<String> seen = new ArrayList<>();
            for (String line = lines.readLine(); !OpenStore.OPEN.equals(line); line = lines.readLine()) {
                if (line == null) {
                    fail("the child exited with " + child.waitFor() + " before opening its store: " + seen);
                }
                seen.add(line);
            }
            child.toHandle().destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the child did not die");
        } finally {
            child.destroyForcibly();
        }
    }

    /** Opens a store, says so, and waits to be killed. */
    public static final class OpenStore {
        static final String OPEN = "OPEN";

        public static void main(String[] args) throws InterruptedException {
            RocksStateStore store = RocksStateStore.open(Path.of(args[0]));
            System.out.println(OPEN);
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
            store.close();
        }
    }
}
