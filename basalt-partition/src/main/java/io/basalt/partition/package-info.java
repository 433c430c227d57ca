/**
 * The deterministic heart of a partition: where every key lives ({@link io.basalt.partition.KeyLayout}), how a
 * write request becomes a mutation (one {@link io.basalt.partition.ItemOperation} per request kind, evaluated
 * against the current item; operations and their {@link io.basalt.partition.ItemUpdate}s are data holding bound
 * expression trees, encoded by {@link io.basalt.partition.codec.OperationCodec}), and how a mutation is applied
 * to storage in one atomic batch together with the partition's record. Evaluation happens once, on the leader;
 * replicas only apply the resulting batch.
 *
 * <p>A partition has a stable id ({@link io.basalt.partition.PartitionId}) and a descriptor
 * ({@link io.basalt.partition.PartitionDescriptor}: table, index, hash range, group, parent); the
 * {@link io.basalt.partition.PartitionMap} finds the partition that owns a hash (docs/design/cluster.md §4).
 *
 * <p>This module orders nothing and waits for nothing: sequencing and durability belong to the replication
 * module.
 */
package io.basalt.partition;
