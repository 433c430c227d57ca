/**
 * The in-memory storage engine: a multi-version skip list that gives atomic batches and cheap snapshots without
 * copying. Nothing survives the process; used for tests and for nodes that do not need durability. Keys and
 * version chains are on the Java heap, values in slabs of direct memory managed by the engine
 * ({@link io.basalt.storage.memory.SlabAllocator}).
 *
 * <p>Owns no threads. Writers are serialized by the engine's commit lock; readers never block writers and only
 * briefly wait for version pruning (see {@link io.basalt.storage.memory.InMemoryStorageEngine}).
 */
package io.basalt.storage.memory;
