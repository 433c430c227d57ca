package io.basalt.storage;

/**
 * A store that can be written: held by the state machine that applies a replication group's log and by nobody
 * else (docs/design/cluster.md §16). Only {@code io.basalt.storage..}, {@code io.basalt.partition.apply} and
 * {@code io.basalt.partition.migration} may import it; {@code TestImportControl} checks that the build refuses
 * anyone else.
 *
 * <p>After a crash a batch is either wholly present or wholly absent.
 */
public interface WritableStorage extends StorageReader, AutoCloseable {
    /**
     * Applies {@code batch} atomically. When {@code sync} is true, the batch (and every batch written before
     * it) is durable when this returns: it survives a process kill and a machine crash.
     */
    void write(WriteBatch batch, boolean sync);

    /** Makes every batch written so far durable. */
    void sync();

    /** Flushes and releases everything; the engine cannot be used afterwards. */
    @Override
    void close();
}
