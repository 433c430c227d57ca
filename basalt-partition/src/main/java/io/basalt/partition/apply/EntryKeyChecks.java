package io.basalt.partition.apply;

import io.basalt.partition.KeyLayout;
import io.basalt.partition.PartitionDescriptor;
import io.basalt.storage.WriteBatch;
import java.util.Arrays;

/**
 * Which keys an entry may write (key layout v2, docs/design/cluster.md §4.1), as {@link GroupStateMachine} checks
 * them before anything of an entry applies: a partition entry only its partition's keys ({@link #belongs}), a
 * metadata entry only the metadata key spaces and whole tables' data ({@link #metadataMayWrite}).
 */
final class EntryKeyChecks {
    /** The key spaces of a partition's data, each beginning with the table id (§4.1). */
    static final byte[] DROPPED_SPACES = {KeyLayout.ITEMS, KeyLayout.PARTITIONS, KeyLayout.CHANGES,
        KeyLayout.INDEX_STATE, KeyLayout.COLLECTIONS, KeyLayout.PREPARED, KeyLayout.GSI_POSITIONS};

    private EntryKeyChecks() {
    }

    static boolean metadataMayWrite(WriteBatch.Operation operation) {
        if (operation instanceof WriteBatch.Put put) {
            return isMetadataKey(put.key());
        }
        if (operation instanceof WriteBatch.Delete delete) {
            return isMetadataKey(delete.key());
        }
        WriteBatch.DeleteRange range = (WriteBatch.DeleteRange) operation;
        byte[] from = range.fromInclusive();
        return from.length == 9 && isTableDataSpace(from[0])
                && Arrays.equals(range.toExclusive(), KeyLayout.tableEnd(from[0], KeyLayout.readLong(from, 1)));
    }

    private static boolean isMetadataKey(byte[] key) {
        return key.length > 1 && (key[0] == KeyLayout.NODE || key[0] == KeyLayout.CATALOG
                || key[0] == KeyLayout.GROUPS || key[0] == KeyLayout.NODES);
    }

    private static boolean isTableDataSpace(byte keySpace) {
        return switch (keySpace) {
            case KeyLayout.ITEMS, KeyLayout.PARTITIONS, KeyLayout.CHANGES, KeyLayout.INDEX_STATE,
                    KeyLayout.COLLECTIONS, KeyLayout.PREPARED, KeyLayout.GSI_POSITIONS -> true;
            default -> false;
        };
    }

    static boolean belongs(OpenPartition partition, WriteBatch.Operation operation) {
        if (operation instanceof WriteBatch.Put put) {
            return ownsKey(partition, put.key());
        }
        if (operation instanceof WriteBatch.Delete delete) {
            return ownsKey(partition, delete.key());
        }
        WriteBatch.DeleteRange range = (WriteBatch.DeleteRange) operation;
        // The end is exclusive and may be the next partition's first key: it must stay in the same table's space.
        return ownsKey(partition, range.fromInclusive()) && range.toExclusive().length >= 9
                && Arrays.equals(range.fromInclusive(), 0, 9, range.toExclusive(), 0, 9);
    }

    /**
     * Whether {@code key} is one the partition's entry may write (key layout v2, see {@link KeyLayout}): every such
     * key space carries the table id after its first byte; item keys must be of an index the partition owns (its
     * own, and for a base-table partition its table's local indexes) and hash into its range, collection keys must
     * hash into the range of a base-table partition, and partition-scoped keys (a global index partition's positions
     * in {@code 0x13} among them) must name the partition's id.
     */
    private static boolean ownsKey(OpenPartition partition, byte[] key) {
        PartitionDescriptor descriptor = partition.descriptor;
        if (key.length < 9 || KeyLayout.readLong(key, 1) != descriptor.tableId()) {
            return false;
        }
        long id = descriptor.id().value();
        switch (key[0]) {
            case KeyLayout.ITEMS:
                return key.length >= 19 && partition.ownsIndex(indexIdAt(key, 9))
                        && descriptor.owns(KeyLayout.readLong(key, 11));
            case KeyLayout.COLLECTIONS:
                return key.length >= 17 && descriptor.indexId() == KeyLayout.BASE_TABLE_INDEX
                        && descriptor.owns(KeyLayout.readLong(key, 9));
            case KeyLayout.PARTITIONS:
            case KeyLayout.CHANGES:
            case KeyLayout.PREPARED:
                return key.length >= 17 && KeyLayout.readLong(key, 9) == id;
            case KeyLayout.INDEX_STATE:
                return key.length >= 19 && partition.ownsIndex(indexIdAt(key, 9)) && KeyLayout.readLong(key, 11) == id;
            case KeyLayout.GSI_POSITIONS:
                // A global index partition's positions per source partition (cluster.md §15), named by its id.
                return key.length == 27 && descriptor.indexId() != KeyLayout.BASE_TABLE_INDEX
                        && indexIdAt(key, 9) == descriptor.indexId() && KeyLayout.readLong(key, 11) == id;
            default:
                return false;
        }
    }

    private static int indexIdAt(byte[] key, int offset) {
        return (key[offset] & 0xFF) << 8 | (key[offset + 1] & 0xFF);
    }
}
