package io.tern.engine.state;

import io.tern.engine.CorruptStorageException;
import io.tern.engine.StorageException;
import io.tern.engine.io.DurableFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The directories of the applied state: several RocksDB directories ({@code db-N}) and a pointer
 * file ({@code CURRENT}) naming the live one. Swapping in a snapshot builds a new directory beside
 * the live one and then replaces the pointer atomically, so a crash leaves the old state or the new.
 */
public final class StateDirectory {

    private static final String POINTER = "CURRENT";
    private static final String PREFIX = "db-";

    private final Path root;

    public StateDirectory(Path root) {
        this.root = root;
    }

    /** The live state directory, creating an empty first one (and the pointer) if there is none. */
    public Path live() {
        Path pointer = root.resolve(POINTER);
        try {
            if (!Files.exists(pointer)) {
                Files.createDirectories(root);
                Path first = root.resolve(PREFIX + 0);
                DurableFiles.deleteTree(first);
                Files.createDirectories(first);
                switchTo(first);
                return first;
            }
            String name = Files.readString(pointer, StandardCharsets.UTF_8).trim();
            Path live = root.resolve(name);
            if (!name.startsWith(PREFIX) || !Files.isDirectory(live)) {
                throw new CorruptStorageException("corrupt state pointer " + pointer + ": it names '" + name
                        + "', which is not a state directory");
            }
            return live;
        } catch (IOException e) {
            throw new StorageException("cannot read the state pointer in " + root + ": " + e.getMessage(), e);
        }
    }

    /**
     * Builds a new state directory from a checkpoint's files: table files (immutable in RocksDB) are
     * hard-linked, the rest (CURRENT, MANIFEST, OPTIONS, which RocksDB may rewrite) copied; all forced
     * to disk. The pointer still names the old directory until {@link #switchTo(Path)}.
     */
    public Path buildFrom(Path checkpoint, Iterable<String> fileNames) {
        try {
            Path fresh = root.resolve(PREFIX + nextNumber());
            DurableFiles.deleteTree(fresh);
            Files.createDirectories(fresh);
            for (String name : fileNames) {
                Path source = checkpoint.resolve(name);
                Path target = fresh.resolve(name);
                if (name.endsWith(".sst")) {
                    Files.createLink(target, source);
                } else {
                    Files.copy(source, target);
                }
            }
            DurableFiles.fsyncTree(fresh);
            DurableFiles.fsyncDirectory(root);
            return fresh;
        } catch (IOException e) {
            throw new StorageException("cannot build a state directory from " + checkpoint + ": " + e.getMessage(), e);
        }
    }

    /** Makes {@code directory} the live state, atomically and durably. */
    public void switchTo(Path directory) {
        try {
            DurableFiles.writeAtomically(root.resolve(POINTER),
                    directory.getFileName().toString().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new StorageException("cannot switch the live state to " + directory + ": " + e.getMessage(), e);
        }
    }

    /** Deletes every state directory but the live one (left behind by swaps or by a crash mid-swap). */
    public void deleteAllBut(Path live) {
        try (Stream<Path> entries = Files.list(root)) {
            for (Path entry : entries.toList()) {
                if (entry.getFileName().toString().startsWith(PREFIX) && !entry.equals(live)) {
                    DurableFiles.deleteTree(entry);
                }
            }
        } catch (IOException e) {
            throw new StorageException("cannot clean up old state directories in " + root + ": " + e.getMessage(), e);
        }
    }

    private long nextNumber() throws IOException {
        long highest = -1;
        try (Stream<Path> entries = Files.list(root)) {
            for (Path entry : entries.toList()) {
                String name = entry.getFileName().toString();
                if (name.startsWith(PREFIX)) {
                    try {
                        highest = Math.max(highest, Long.parseLong(name.substring(PREFIX.length())));
                    } catch (NumberFormatException ignored) {
                        // Not one of ours.
                    }
                }
            }
        }
        return highest + 1;
    }
}
