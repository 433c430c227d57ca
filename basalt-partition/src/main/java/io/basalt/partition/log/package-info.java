/**
 * What a replication group's log carries: {@link io.basalt.partition.log.LogEntry}, the evaluated result of a write
 * as raw storage operations (never the request), and its versioned byte form
 * ({@link io.basalt.partition.log.LogEntryCodec}). Entries are immutable values: a partition leader builds each one
 * complete, once, and every member of a group applies the same operations (docs/design/cluster.md §5).
 */
package io.basalt.partition.log;
