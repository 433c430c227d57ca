package io.basalt.embedded;

import io.basalt.storage.StorageEngine;
import io.basalt.storage.rocksdb.RocksDbStorageEngine;
import java.nio.file.Path;

/**
 * Opens RocksDB. A class of its own so that nothing loads RocksDB's classes unless an on-disk server is asked for:
 * the in-memory server runs without the rocksdbjni jar on the class path.
 */
final class OnDiskStorage {
    private OnDiskStorage() {
    }

    static StorageEngine open(Path directory) {
        try {
            return RocksDbStorageEngine.open(directory);
        } catch (NoClassDefFoundError e) {
            throw new IllegalStateException("An on-disk Basalt needs RocksDB on the class path: add the dependency "
                    + "org.rocksdb:rocksdbjni (see README, \"Embedding Basalt in JVM tests\")", e);
        }
    }
}
