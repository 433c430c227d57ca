/**
 * Versioned binary forms of the data a partition leader receives: {@link io.basalt.partition.codec.OperationCodec}
 * encodes an {@link io.basalt.partition.ItemOperation} with the bound expression trees it holds, so that a node can
 * forward a write to the partition's leader without re-parsing JSON (docs/design/cluster.md §8.2);
 * {@link io.basalt.partition.codec.ReadPlanCodec} and {@link io.basalt.partition.codec.ReadCodec} carry a Query or
 * Scan page to the node serving its partition and its result back (§9.2). Tags written here are persistent: never
 * reordered, renumbered or reused.
 */
package io.basalt.partition.codec;
