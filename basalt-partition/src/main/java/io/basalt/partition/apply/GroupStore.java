package io.basalt.partition.apply;

import static java.util.Objects.requireNonNull;

import io.basalt.storage.StorageReader;
import io.basalt.storage.WritableStorage;

/**
 * The storage of one replication group and who may do what with it (docs/design/cluster.md §16): the group's
 * {@link GroupStateMachine} is the only writer, everyone else gets the {@link StorageReader} view. A node hands its
 * opened engine over here and keeps no writable reference: code outside this package, the migration and the
 * storage module cannot even name {@link WritableStorage} ({@code build/import-control.xml}, checked by
 * {@code TestImportControl}).
 *
 * <p>Thread-safe.
 */
public final class GroupStore implements AutoCloseable {
    private final WritableStorage storage;
    private final GroupStateMachine stateMachine;

    private GroupStore(WritableStorage storage, long groupId) {
        this.storage = storage;
        this.stateMachine = new GroupStateMachine(storage, groupId);
    }

    /**
     * Takes over an opened engine for group {@code groupId}. The engine is named by its read view so that the
     * node opening it needs no writable type; it must be an engine ({@code io.basalt.storage.StorageEngine}).
     *
     * @throws IllegalArgumentException when {@code engine} cannot be written
     */
    public static GroupStore adopt(StorageReader engine, long groupId) {
        requireNonNull(engine, "engine is null");
        if (!(engine instanceof WritableStorage writable)) {
            throw new IllegalArgumentException("not a storage engine: " + engine.getClass().getName());
        }
        return new GroupStore(writable, groupId);
    }

    /** The read view, for every reader of the group's state. */
    public StorageReader reader() {
        return storage;
    }

    /** The group's state machine: the one writer. */
    public GroupStateMachine stateMachine() {
        return stateMachine;
    }

    /**
     * The writer itself, for the classes on import-control.xml's temporary allow-list only: the transaction ledger
     * and tokens (until step 7 makes them ledger-table rows) and global secondary index entries and states (until
     * step 8 makes them index-table partitions). Everything else writes through {@link #stateMachine()}.
     */
    public WritableStorage unconfinedWriterForAllowListedClasses() {
        return storage;
    }

    /** Makes everything written durable and closes the engine. */
    @Override
    public void close() {
        storage.sync();
        storage.close();
    }
}
