package io.basalt.cluster.rpc;

import io.basalt.cluster.TableMetadata;

/**
 * What the metadata group's leader answers a {@code META_COMMAND} with (docs/design/cluster.md §11): the table
 * after the command (before it, for a DeleteTable; null when the command left none), or that the command expected
 * a version of the table that is no longer current — the sender reads the table again and re-checks its request.
 *
 * @param version the leader's applied index of the metadata group once the command was applied: the sender
 *     answers its client once its own copy of the catalog has applied as far
 */
public record MetaCommandAnswer(long version, TableMetadata table, boolean tableChanged) {
    public MetaCommandAnswer {
        if (version < 0) {
            throw new IllegalArgumentException("version is negative: " + version);
        }
        if (tableChanged && table != null) {
            throw new IllegalArgumentException("a table-changed answer carries no table");
        }
    }
}
