package io.basalt.cluster;

import io.basalt.partition.KeyLayout;
import io.basalt.partition.PartitionDescriptor;
import io.basalt.partition.encoding.ByteWriter;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * Writes the keys and catalog values of key layout v1 by hand, as Basalt wrote them before partitions had stable
 * ids (docs/design/cluster.md §4.3), so that the migration is tested against stores built independently of the code
 * that migrates them.
 */
final class V1Store {
    private V1Store() {
    }

    /**
     * The table's catalog value in table metadata format 2: format 3 with the partitions' descriptors left out (the
     * count of equal hash ranges stays where format 3 puts the count of descriptors).
     */
    static byte[] catalogValue(TableMetadata table) {
        byte[] v3 = TableMetadataCodec.encode(table, 3);
        ByteArrayOutputStream descriptors = new ByteArrayOutputStream();
        for (PartitionDescriptor partition : table.partitions()) {
            descriptors.writeBytes(partition.encode());
        }
        byte[] encoded = descriptors.toByteArray();
        int at = indexOf(v3, encoded);
        if (at < 0 || table.partitions().size() > 127) {
            throw new IllegalArgumentException("cannot find the partitions of " + table.name());
        }
        ByteArrayOutputStream v2 = new ByteArrayOutputStream();
        v2.write(2);
        v2.write(v3, 1, at - 1);
        v2.write(v3, at + encoded.length, v3.length - at - encoded.length);
        return v2.toByteArray();
    }

    /** {@code [0x03][table id:8][ordinal:4]}: a v1 partition's metadata ({@code PartitionMetadata} format 1). */
    static byte[] partitionKey(long tableId, int ordinal) {
        return new ByteWriter(13).writeByte(KeyLayout.V1_PARTITIONS).writeLong(tableId).writeInt(ordinal)
                .toByteArray();
    }

    /** {@code [0x04][table id:8][ordinal:4][log index:8]}: a v1 change record. */
    static byte[] changeKey(long tableId, int ordinal, long logIndex) {
        return new ByteWriter(21).writeByte(KeyLayout.V1_CHANGES).writeLong(tableId).writeInt(ordinal)
                .writeLong(logIndex).toByteArray();
    }

    /** {@code [0x05][table id:8][index id:2][ordinal:4]}: a v1 partition's share of an index. */
    static byte[] indexStateKey(long tableId, int indexId, int ordinal) {
        return new ByteWriter(15).writeByte(KeyLayout.V1_INDEX_STATE).writeLong(tableId).writeByte(indexId >>> 8)
                .writeByte(indexId).writeInt(ordinal).toByteArray();
    }

    /** {@code [0x09][table id:8][ordinal:4][transaction id:8]}: a v1 prepare record. */
    static byte[] preparedKey(long tableId, int ordinal, long transactionId) {
        return new ByteWriter(21).writeByte(KeyLayout.V1_PREPARED).writeLong(tableId).writeInt(ordinal)
                .writeLong(transactionId).toByteArray();
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        return -1;
    }
}
