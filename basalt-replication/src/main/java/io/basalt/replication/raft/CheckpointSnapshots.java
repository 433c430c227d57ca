package io.basalt.replication.raft;

import static java.util.Objects.requireNonNull;

import io.basalt.storage.StorageEngine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.statemachine.SnapshotInfo;
import org.apache.ratis.statemachine.impl.FileListSnapshotInfo;

/**
 * A group member's state-machine directory and its snapshots (docs/design/cluster.md §3, §6.5):
 *
 * <pre>
 * sm/db/                               the member's database
 * sm/snapshot/snapshot.TERM_INDEX/     the latest checkpoint; Ratis ships its files and installs them here
 * </pre>
 *
 * A snapshot is taken as {@code snapshot.TERM_INDEX.tmp} and renamed when complete, then older ones are deleted. An
 * installed snapshot becomes the database by a copy (hard links for the immutable SST files, copies of the rest), so
 * the snapshot stays intact for the next follower: {@code db.new} is built, {@code db} renamed to {@code db.old},
 * {@code db.new} to {@code db}, and {@code db.old} deleted; {@link #repair} finishes or undoes a crash in between.
 *
 * <p>Not thread-safe: its owner calls it under the storage lock or on Ratis' updater thread.
 */
final class CheckpointSnapshots {
    private static final Pattern NAME = Pattern.compile("snapshot\\.(\\d+)_(\\d+)");
    private static final String TMP = ".tmp";

    private final Path database;
    private final Path databaseNew;
    private final Path databaseOld;
    private final Path snapshotsDirectory;
    private volatile FileListSnapshotInfo latest;

    CheckpointSnapshots(Path stateMachineDirectory) {
        requireNonNull(stateMachineDirectory, "stateMachineDirectory is null");
        this.database = stateMachineDirectory.resolve("db");
        this.databaseNew = stateMachineDirectory.resolve("db.new");
        this.databaseOld = stateMachineDirectory.resolve("db.old");
        this.snapshotsDirectory = stateMachineDirectory.resolve("snapshot");
    }

    Path databaseDirectory() {
        return database;
    }

    Path snapshotsDirectory() {
        return snapshotsDirectory;
    }

    /** Completes or undoes a database swap or a snapshot that a crash interrupted, then finds the latest snapshot. */
    void repair() throws IOException {
        Files.createDirectories(snapshotsDirectory);
        if (Files.exists(databaseNew)) {
            if (Files.exists(database)) {
                deleteRecursively(databaseNew);
            } else {
                Files.move(databaseNew, database);
            }
        }
        if (Files.exists(databaseOld)) {
            deleteRecursively(databaseOld);
        }
        try (Stream<Path> entries = Files.list(snapshotsDirectory)) {
            for (Path entry : entries.toList()) {
                if (entry.getFileName().toString().endsWith(TMP)) {
                    deleteRecursively(entry);
                }
            }
        }
        rescan();
    }

    SnapshotInfo latest() {
        return latest;
    }

    /** Finds the newest complete snapshot on disk (after a start or an install). */
    void rescan() throws IOException {
        FileListSnapshotInfo newest = null;
        if (Files.isDirectory(snapshotsDirectory)) {
            try (Stream<Path> entries = Files.list(snapshotsDirectory)) {
                for (Path entry : entries.toList()) {
                    Matcher matcher = NAME.matcher(entry.getFileName().toString());
                    if (!matcher.matches() || !Files.isDirectory(entry)) {
                        continue;
                    }
                    TermIndex termIndex = TermIndex.valueOf(Long.parseLong(matcher.group(1)),
                            Long.parseLong(matcher.group(2)));
                    if (newest == null || termIndex.getIndex() > newest.getIndex()) {
                        newest = new FileListSnapshotInfo(files(entry), termIndex);
                    }
                }
            }
        }
        latest = newest;
    }

    /**
     * Checkpoints {@code storage}, which holds exactly the entries up to {@code applied}, as the latest snapshot and
     * deletes the previous one.
     *
     * @return the snapshot's index
     */
    long take(StorageEngine storage, TermIndex applied) throws IOException {
        FileListSnapshotInfo previous = latest;
        if (previous != null && previous.getIndex() >= applied.getIndex()) {
            return previous.getIndex();
        }
        String name = "snapshot." + applied.getTerm() + "_" + applied.getIndex();
        Path temporary = snapshotsDirectory.resolve(name + TMP);
        Path complete = snapshotsDirectory.resolve(name);
        if (Files.exists(temporary)) {
            deleteRecursively(temporary);
        }
        Files.createDirectories(snapshotsDirectory);
        storage.checkpoint(temporary);
        Files.move(temporary, complete, StandardCopyOption.ATOMIC_MOVE);
        fsyncDirectory(snapshotsDirectory);
        latest = new FileListSnapshotInfo(files(complete), applied);
        try (Stream<Path> entries = Files.list(snapshotsDirectory)) {
            for (Path entry : entries.toList()) {
                if (!entry.equals(complete)) {
                    deleteRecursively(entry);
                }
            }
        }
        return applied.getIndex();
    }

    /** Makes {@code installed} (a snapshot under {@link #snapshotsDirectory}) the database. Storage is closed. */
    void replaceDatabase(SnapshotInfo installed) throws IOException {
        Path source = snapshotsDirectory.resolve("snapshot." + installed.getTerm() + "_" + installed.getIndex());
        if (!Files.isDirectory(source)) {
            throw new IOException("the installed snapshot " + installed + " is not in " + snapshotsDirectory);
        }
        if (Files.exists(databaseNew)) {
            deleteRecursively(databaseNew);
        }
        Files.createDirectories(databaseNew);
        for (FileInfo file : installed.getFiles()) {
            Path relative = source.relativize(file.getPath());
            Path target = databaseNew.resolve(relative);
            Files.createDirectories(target.getParent());
            if (file.getPath().getFileName().toString().endsWith(".sst")) {
                // SST files never change once written: a link costs nothing and keeps the snapshot whole.
                Files.createLink(target, file.getPath());
            } else {
                Files.copy(file.getPath(), target);
            }
        }
        fsyncDirectory(databaseNew);
        if (Files.exists(database)) {
            Files.move(database, databaseOld, StandardCopyOption.ATOMIC_MOVE);
        }
        Files.move(databaseNew, database, StandardCopyOption.ATOMIC_MOVE);
        fsyncDirectory(database.getParent());
        if (Files.exists(databaseOld)) {
            deleteRecursively(databaseOld);
        }
    }

    /** The snapshot's files (absolute paths, as Ratis ships them relative to the snapshot directory). */
    private static List<FileInfo> files(Path snapshot) throws IOException {
        List<FileInfo> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(snapshot)) {
            for (Path path : walk.filter(Files::isRegularFile).sorted().toList()) {
                // Ratis writes a digest beside each installed file; it is not part of the checkpoint.
                if (!path.getFileName().toString().endsWith(".md5")) {
                    files.add(new FileInfo(path.toAbsolutePath(), null));
                }
            }
        }
        return files;
    }

    private static void fsyncDirectory(Path directory) throws IOException {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
