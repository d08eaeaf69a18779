package io.tern.cli;

import io.tern.client.TernClient;
import io.tern.client.TernException;
import io.tern.engine.io.DurableFiles;
import io.tern.engine.restore.BackupRestore;
import io.tern.engine.snapshot.SnapshotBackup;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SortedMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tern backup save|restore}: a consistent backup of a member into a file, and a new cluster from one. */
@Command(name = "backup", showDefaultValues = true,
        description = "Save a backup of a member's state to a file, or make a new cluster's data directories from one.",
        subcommands = {BackupCommand.Save.class, BackupCommand.Restore.class})
final class BackupCommand {

    @Mixin
    HelpOption help;

    @Command(name = "save", showDefaultValues = true,
            description = {"Stream a backup of the member at the first endpoint that answers into FILE: a snapshot "
                    + "holding every write acknowledged before the command started, ending in its SHA-256.",
                    "The file appears only once whole and checked (FILE.part meanwhile). Prints "
                            + "'OK backup index=N bytes=B', N being the last log index the backup holds."})
    static final class Save extends ClientCommand {

        @Parameters(index = "0", paramLabel = "FILE", description = "Where to write the backup (replaced if it exists).")
        Path file;

        @Override
        void validate() {
            Path parent = file.toAbsolutePath().getParent();
            if (Files.isDirectory(file)) {
                throw new ParameterException(spec.commandLine(), file + " is a directory; name the backup file");
            }
            if (parent == null || !Files.isDirectory(parent)) {
                throw new ParameterException(spec.commandLine(), "the directory of " + file + " does not exist");
            }
        }

        @Override
        int run(TernClient tern, PrintWriter out) {
            Path partial = file.resolveSibling(file.getFileName() + ".part");
            try {
                long index = saveFromFirstThatAnswers(tern, partial);
                SnapshotBackup.checkSealed(partial);
                DurableFiles.fsyncFile(partial);
                DurableFiles.moveAtomically(partial, file);
                out.println("OK backup index=" + index + " bytes=" + Files.size(file));
                return ExitCodes.OK;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                try {
                    Files.deleteIfExists(partial);
                } catch (IOException ignored) {
                    // Only a leftover FILE.part; the error that matters is already on its way.
                }
            }
        }

        /** The endpoints in turn until one member streams a whole backup; the last failure if none does. */
        private long saveFromFirstThatAnswers(TernClient tern, Path partial) throws IOException {
            TernException last = null;
            for (String endpoint : client.endpoints()) {
                try (OutputStream output = new BufferedOutputStream(Files.newOutputStream(partial), 1 << 20)) {
                    return tern.backup(endpoint, output);
                } catch (TernException e) {
                    last = e;
                }
            }
            throw last;
        }
    }

    @Command(name = "restore", showDefaultValues = true,
            description = {"Make the data directory of member ID of a new cluster from a backup FILE: the backup's "
                    + "state, with the members of --cluster as the membership.",
                    "Run it once per member, with the same FILE and --cluster, then start each member with "
                            + "'tern server --id ID --data DIR --cluster ...'. Every member restored so gets the same "
                            + "new cluster id (derived from the backup and --cluster unless --cluster-id names one). "
                            + "Nothing is written unless the whole restore succeeds."})
    static final class Restore implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        HelpOption help;

        @Parameters(index = "0", paramLabel = "FILE", description = "A backup made by 'tern backup save' or etcd's "
                + "Maintenance.Snapshot (etcdctl snapshot save).")
        Path file;

        @Option(names = "--data", required = true, paramLabel = "DIR",
                description = "The new member's data directory; it must not exist or be empty.")
        Path data;

        @Option(names = "--id", required = true, paramLabel = "ID", description = "The new member's id, one of --cluster.")
        long id;

        @Option(names = "--cluster", required = true, paramLabel = "ID=HOST:PORT,...",
                description = "Every member of the new cluster, as 'tern server --cluster' takes them.")
        String cluster;

        @Option(names = "--cluster-id", description = "The new cluster's id; by default derived from the backup and "
                + "--cluster, so that every member restored from them agrees.")
        String clusterId;

        @Option(names = "--verbose", description = "Print the stack trace of an error.")
        boolean verbose;

        @Override
        public Integer call() {
            SortedMap<Long, String> members;
            try {
                members = ServerCommand.parseCluster(cluster);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
            if (!members.containsKey(id)) {
                throw new ParameterException(spec.commandLine(), "--id " + id + " is not a member of --cluster "
                        + String.join(",", members.keySet().stream().map(String::valueOf).toList()));
            }
            if (clusterId != null && clusterId.isBlank()) {
                throw new ParameterException(spec.commandLine(), "--cluster-id must not be blank");
            }
            BackupRestore.Restored restored = BackupRestore.restore(file, data, id, BackupRestore.voters(members),
                    clusterId);
            spec.commandLine().getOut().println("OK restored member " + id + " of cluster "
                    + restored.identity().clusterId() + " into " + data + " index=" + restored.snapshotIndex());
            return ExitCodes.OK;
        }
    }
}
