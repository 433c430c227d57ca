package io.basalt.replication.raft;

import io.basalt.storage.StorageDump;
import io.basalt.storage.StorageEngine;
import io.basalt.storage.memory.InMemoryStorageEngine;
import io.basalt.storage.rocksdb.RocksDbResources;
import io.basalt.storage.rocksdb.RocksDbStorageEngine;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Opens a group member's storage in its directory ({@code sm/db}, docs/design/cluster.md §3). A snapshot is the
 * engine's {@link StorageEngine#checkpoint}; an installed snapshot becomes the next {@code sm/db}, so the factory must
 * open a checkpoint's directory as a database.
 */
@FunctionalInterface
public interface GroupStorageFactory {
    StorageEngine open(Path directory);

    /**
     * In-memory groups (tests, and a cluster that keeps nothing): a directory holding a {@link StorageDump} (an
     * installed or own checkpoint) is restored, any other starts empty. The state machine restores the latest
     * checkpoint at start, since nothing else survives a restart.
     */
    static GroupStorageFactory inMemory() {
        return directory -> Files.exists(directory.resolve(StorageDump.FILE_NAME))
                ? InMemoryStorageEngine.restore(directory) : new InMemoryStorageEngine();
    }

    /**
     * One RocksDB per group, sharing the node's cache and memtable budget (§6.4), without a write-ahead log of its
     * own: the group's Raft log is the store's log (§6.3).
     */
    static GroupStorageFactory rocksDb(RocksDbResources shared) {
        return directory -> RocksDbStorageEngine.open(directory, shared, false);
    }
}
