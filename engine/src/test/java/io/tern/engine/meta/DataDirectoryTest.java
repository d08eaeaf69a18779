package io.tern.engine.meta;

import io.tern.engine.CorruptStorageException;
import io.tern.engine.StorageException;
import io.tern.engine.cluster.ClusterIdentity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DataDirectoryTest {

    @TempDir
    Path dir;

    private final ClusterIdentity member1 = new ClusterIdentity("cluster-a", 1);

    @Test
    void aNewDirectoryIsClaimedAndRemembersItsIdentity() {
        try (DataDirectory data = DataDirectory.lock(dir)) {
            assertEquals(Optional.empty(), data.identity());
            data.claim(member1);
        }
        try (DataDirectory data = DataDirectory.lock(dir)) {
            assertEquals(Optional.of(member1), data.identity());
            data.claim(member1);
        }
    }

    @Test
    void openingAsAnotherClusterOrMemberIsRefusedWithOneLine() {
        try (DataDirectory data = DataDirectory.lock(dir)) {
            data.claim(member1);
        }
        try (DataDirectory data = DataDirectory.lock(dir)) {
            StorageException otherMember = assertThrows(StorageException.class,
                    () -> data.claim(new ClusterIdentity("cluster-a", 2)));
            assertTrue(otherMember.getMessage().contains("belongs to cluster 'cluster-a' member 1"), otherMember.getMessage());
            StorageException otherCluster = assertThrows(StorageException.class,
                    () -> data.claim(new ClusterIdentity("cluster-b", 1)));
            assertTrue(otherCluster.getMessage().contains("not cluster 'cluster-b' member 1"), otherCluster.getMessage());
        }
    }

    @Test
    void aSecondOpenWhileLockedIsRefused() {
        try (DataDirectory ignored = DataDirectory.lock(dir)) {
            StorageException error = assertThrows(StorageException.class, () -> DataDirectory.lock(dir));
            assertTrue(error.getMessage().contains("already open"), error.getMessage());
        }
        DataDirectory.lock(dir).close();
    }

    @Test
    void ternFilesWithoutAnIdentityAreNotAdopted() throws IOException {
        Files.createDirectories(dir.resolve("log"));
        try (DataDirectory data = DataDirectory.lock(dir)) {
            assertThrows(CorruptStorageException.class, () -> data.claim(member1));
        }
    }

    @Test
    void aDirectoryWithAReadmeButNoTernFilesIsNew() throws IOException {
        Files.writeString(dir.resolve("README.md"), "the default data directory");
        try (DataDirectory data = DataDirectory.lock(dir)) {
            data.claim(member1);
            assertEquals(Optional.of(member1), data.identity());
        }
    }

    @Test
    void aDirectoryOfAnotherFormatIsRefusedWithOneLineAndLeftAsItIs() throws IOException {
        try (DataDirectory data = DataDirectory.lock(dir)) {
            data.claim(member1);
        }
        String newer = Files.readString(dir.resolve("identity.json")).replace("\"format\" : 1", "\"format\" : 2");
        Files.writeString(dir.resolve("identity.json"), newer);
        try (DataDirectory data = DataDirectory.lock(dir)) {
            StorageException refused = assertThrows(StorageException.class, () -> data.claim(member1));
            assertEquals("the data directory " + dir + " has format 2; this Tern reads format 1 only (written by a "
                    + "newer Tern?)", refused.getMessage());
        }
        assertEquals(newer, Files.readString(dir.resolve("identity.json")));
    }

    @Test
    void aReassignedDirectoryBelongsToTheNewClusterAndKeepsItsMember() {
        try (DataDirectory data = DataDirectory.lock(dir)) {
            assertThrows(StorageException.class, () -> data.reassign(member1), "nothing to reassign yet");
            data.claim(member1);
            data.reassign(new ClusterIdentity("cluster-b", 1));
        }
        try (DataDirectory data = DataDirectory.lock(dir)) {
            assertEquals(Optional.of(new ClusterIdentity("cluster-b", 1)), data.identity());
        }
    }
}
