package io.tern.engine.state;

import org.rocksdb.RocksDB;
import org.rocksdb.util.Environment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.jar.JarEntry;

/**
 * Loads RocksDB's native library from one copy per user and library build, extracted once. RocksJava
 * by default copies the 17 MB library to a fresh temporary file in every process and deletes it only
 * when the JVM exits normally, so every member that was killed, crashed or ran out of memory left its
 * copy behind (2,214 of them, 37 GB, once filled the disk of a machine running crash tests and
 * benchmarks). Where the stable copy cannot be used (an unusual platform, a library outside a jar, a
 * temporary directory others may write to) it falls back to RocksJava's own loading.
 */
final class RocksNativeLibrary {

    private static final Logger log = LoggerFactory.getLogger(RocksNativeLibrary.class);
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

    private RocksNativeLibrary() {
    }

    /** Loads the library once per JVM; later calls return at once. */
    static synchronized void load() {
        // The jar holds the library under one name; RocksDB.loadLibrary(paths) looks for another.
        String entryName = Environment.getJniLibraryFileName("rocksdb");
        String loadedName = Environment.getJniLibraryFileName("rocksdbjni");
        Path root = Path.of(System.getProperty("java.io.tmpdir"), "tern-native-" + System.getProperty("user.name"));
        Optional<Path> directory = Optional.empty();
        try {
            URL resource = RocksDB.class.getClassLoader().getResource(entryName);
            directory = resource == null ? Optional.empty() : stableCopy(resource, loadedName, root);
        } catch (IOException | RuntimeException e) {
            log.debug("no stable copy of {} under {}: {}", entryName, root, e.toString());
        }
        if (directory.isPresent()) {
            try {
                RocksDB.loadLibrary(List.of(directory.get().toString()));
                return;
            } catch (UnsatisfiedLinkError e) {
                log.debug("loading {} from {} failed: {}", loadedName, directory.get(), e.toString());
            }
        }
        RocksDB.loadLibrary();
    }

    /**
     * The directory holding the jar entry {@code resource} as a file named {@code fileName}: one under
     * {@code root} named after the entry's size and CRC, into which it is extracted unless an earlier
     * process did. The copy is written to a temporary name and renamed, so a process never sees it half
     * written, and two processes extracting at once each rename a whole copy.
     *
     * @return empty if {@code resource} is no jar entry, or if {@code root} exists but is not the current
     *     user's alone (anyone who could write there could replace the library this process will load)
     */
    static Optional<Path> stableCopy(URL resource, String fileName, Path root) throws IOException {
        URLConnection connection = resource.openConnection();
        if (!(connection instanceof JarURLConnection jar)
                || !FileSystems.getDefault().supportedFileAttributeViews().contains("posix") || !ownedByUsAlone(root)) {
            return Optional.empty();
        }
        JarEntry entry = jar.getJarEntry();
        Path directory = root.resolve("rocksdbjni-" + entry.getSize() + "-" + Long.toHexString(entry.getCrc()));
        Path library = directory.resolve(fileName);
        if (Files.isRegularFile(library) && Files.size(library) == entry.getSize()) {
            return Optional.of(directory);
        }
        Files.createDirectories(directory);
        Path partial = Files.createTempFile(directory, fileName, ".partial");
        try (InputStream in = jar.getInputStream()) {
            Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
            Files.move(partial, library, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(partial);
        }
        return Optional.of(directory);
    }

    /** Creates {@code root} for the current user only, or checks that an existing one is. */
    private static boolean ownedByUsAlone(Path root) throws IOException {
        if (!Files.exists(root)) {
            try {
                Files.createDirectory(root, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            } catch (FileAlreadyExistsException raced) {
                // Another process created it first: check it like any existing one.
            }
        }
        boolean ours = Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)
                && Files.getOwner(root, LinkOption.NOFOLLOW_LINKS).getName()
                        .equals(System.getProperty("user.name"))
                && Files.getPosixFilePermissions(root, LinkOption.NOFOLLOW_LINKS).equals(OWNER_ONLY);
        if (!ours) {
            log.warn("{} is not a directory only this user may use: RocksDB's library is copied afresh for this"
                    + " process", root);
        }
        return ours;
    }
}
