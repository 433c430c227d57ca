package io.basalt.partition;

import io.basalt.model.AttributeValue;
import io.basalt.model.Item;
import io.basalt.model.KeyAttribute;
import io.basalt.model.KeySchema;
import io.basalt.model.PrimaryKey;
import io.basalt.model.SecondaryIndex;
import io.basalt.partition.encoding.ByteWriter;
import io.basalt.partition.encoding.KeyEncoding;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Every storage key Basalt writes, in one place. Part of the on-disk format: key space bytes are never reused
 * or renumbered, and a change here needs a format version bump and a migration.
 *
 * <pre>
 * 0x00 node         [0x00][name UTF-8]                                  node-wide metadata (next table id, ...)
 * 0x01 catalog      [0x01][table name UTF-8]                            table metadata
 * 0x02 items        [0x02][table id:8][index id:2][hash:8][pk][sk]      item images (index id 0 = base table)
 * 0x03 (retired)    [0x03][table id:8][partition ordinal:4]             v1 partition metadata (migration only)
 * 0x04 (retired)    [0x04][table id:8][partition ordinal:4][index:8]    v1 change records (migration only)
 * 0x05 (retired)    [0x05][table id:8][index id:2][partition ordinal:4] v1 index states (migration only)
 * 0x06 collections  [0x06][table id:8][hash:8][pk]                      item collection sizes (tables with LSIs)
 * 0x07 transactions [0x07][transaction id:8]                            committed transactions not yet applied
 * 0x08 tokens       [0x08][ClientRequestToken UTF-8]                    committed transactions' tokens (10 min)
 * 0x09 (retired)    [0x09][table id:8][partition ordinal:4][txn id:8]   v1 prepare records (migration only)
 * 0x0A partitions   [0x0A][table id:8][partition id:8]                  PartitionRecord: descriptor, sequence, ...
 * 0x0B changes      [0x0B][table id:8][partition id:8][sequence:8]      change records (old and new image)
 * 0x0C index state  [0x0C][table id:8][index id:2][partition id:8]      a partition's share of an index
 * 0x0D prepared     [0x0D][table id:8][partition id:8][txn id:8]        transactions prepared on a partition
 * 0x0E staging      [0x0E][partition id:8][sequence:8][part:4]          parts of an oversized entry (cluster.md §5.3)
 * 0x0F map          [0x0F][table id:8][index id:2][hashFirst:8]         PartitionDescriptor (metadata store)
 * 0x10 groups       [0x10][group id:8]                                  GroupDescriptor (metadata store)
 * 0x11 nodes        [0x11][node id:8]                                   NodeDescriptor (metadata store)
 * 0x12 group state  [0x12][group id:8]                                  a group's last applied (term, index)
 * 0x13 GSI position [0x13][table id:8][index id:2][GSI partition id:8][source partition id:8]
 * </pre>
 *
 * <p>Layout version 2 (docs/design/cluster.md §4.1) gave partitions stable 64-bit ids: every key scoped to a
 * partition names its id, never its ordinal among its table's hash ranges, so a split or a move renumbers nothing.
 * Those key spaces got new bytes; the v1 bytes 0x03, 0x04, 0x05 and 0x09 are retired, read only by the format
 * migration ({@code FormatMigration}), and never reused. Every partition-scoped space keeps the table id first, so
 * dropping a table is one range delete per space.
 *
 * <p>Secondary index entries live in the items key space under their index id. A global index entry's key is
 * {@code [hash of the index partition key][index partition key attributes][index sort key attributes][table
 * partition key][table sort key]}; a local index entry's is {@code [hash][table partition key][index sort key]
 * [table sort key]}. Each attribute is in its self-delimiting order-preserving encoding, so one index partition
 * key's entries are contiguous and ordered by the index sort key, and the table key that ends every entry key makes
 * it unique.
 *
 * <p>Integers are big-endian so that unsigned byte order is numeric order. Within a table, items sort by the
 * partition hash, then by the order-preserving encodings of the partition key and sort key: a partition is a
 * contiguous hash range, and one partition key's items are contiguous and sorted by sort key.
 */
public final class KeyLayout {
    public static final byte NODE = 0x00;
    public static final byte CATALOG = 0x01;
    public static final byte ITEMS = 0x02;
    /** Retired by layout v2: the v1 partition metadata, read only by the format migration. Never reuse. */
    public static final byte V1_PARTITIONS = 0x03;
    /** Retired by layout v2: the v1 change records, read only by the format migration. Never reuse. */
    public static final byte V1_CHANGES = 0x04;
    /** Retired by layout v2: the v1 index states, read only by the format migration. Never reuse. */
    public static final byte V1_INDEX_STATE = 0x05;
    public static final byte COLLECTIONS = 0x06;
    public static final byte TRANSACTIONS = 0x07;
    public static final byte TOKENS = 0x08;
    /** Retired by layout v2: the v1 prepare records, read only by the format migration. Never reuse. */
    public static final byte V1_PREPARED = 0x09;
    public static final byte PARTITIONS = 0x0A;
    public static final byte CHANGES = 0x0B;
    public static final byte INDEX_STATE = 0x0C;
    public static final byte PREPARED = 0x0D;
    public static final byte STAGING = 0x0E;
    public static final byte PARTITION_MAP = 0x0F;
    public static final byte GROUPS = 0x10;
    public static final byte NODES = 0x11;
    public static final byte GROUP_STATE = 0x12;
    public static final byte GSI_POSITIONS = 0x13;

    /** The version of this layout, stored under {@link #FORMAT_VERSION_KEY}; absent means 1. */
    public static final int FORMAT_VERSION = 2;
    /** The node key holding the store's layout version (docs/design/cluster.md §4.3). */
    public static final String FORMAT_VERSION_KEY = "format-version";

    /** The index id of a table's own items; secondary indexes get ids from 1. */
    public static final int BASE_TABLE_INDEX = 0;

    /** Index ids take two bytes of every item key. */
    public static final int MAX_INDEX_ID = 0xFFFF;

    private static final int ITEM_PREFIX_LENGTH = 1 + 8 + 2;

    private KeyLayout() {
    }

    public static byte[] nodeKey(String name) {
        return prefixed(NODE, name);
    }

    public static byte[] catalogKey(String tableName) {
        return prefixed(CATALOG, tableName);
    }

    public static byte[] catalogStart() {
        return new byte[] {CATALOG};
    }

    public static byte[] catalogEnd() {
        return new byte[] {CATALOG + 1};
    }

    /** The table name a catalog key stores. */
    public static String tableNameOf(byte[] catalogKey) {
        return new String(catalogKey, 1, catalogKey.length - 1, StandardCharsets.UTF_8);
    }

    /** The storage key of one item of a table (or index). */
    public static byte[] itemKey(long tableId, int indexId, KeySchema schema, PrimaryKey key) {
        ByteWriter out = new ByteWriter(64);
        writeItemPrefix(out, tableId, indexId);
        byte[] encodedPartitionKey = KeyEncoding.encode(key.partitionValue());
        out.writeLong(PartitionHash.of(encodedPartitionKey));
        out.writeBytes(encodedPartitionKey);
        if (schema.sortKey().isPresent()) {
            KeyEncoding.write(out, key.sortValue().orElseThrow());
        }
        return out.toByteArray();
    }

    /**
     * The prefix shared by every item with this partition key value: {@code [..][hash][pk]}. The partition key's
     * encoding is self-delimiting, so the items of one partition key are exactly the keys with this prefix.
     */
    public static byte[] partitionKeyPrefix(long tableId, int indexId, AttributeValue partitionValue) {
        ByteWriter out = new ByteWriter(64);
        writeItemPrefix(out, tableId, indexId);
        byte[] encodedPartitionKey = KeyEncoding.encode(partitionValue);
        out.writeLong(PartitionHash.of(encodedPartitionKey));
        out.writeBytes(encodedPartitionKey);
        return out.toByteArray();
    }

    /** The first key of a table's (or index's) items. */
    public static byte[] indexStart(long tableId, int indexId) {
        ByteWriter out = new ByteWriter(ITEM_PREFIX_LENGTH);
        writeItemPrefix(out, tableId, indexId);
        return out.toByteArray();
    }

    /** The key just past a table's (or index's) items. */
    public static byte[] indexEnd(long tableId, int indexId) {
        return indexId == MAX_INDEX_ID ? tableEnd(tableId) : indexStart(tableId, indexId + 1);
    }

    /** The 8-byte partition hash stored in an item key. */
    public static long hashOfItemKey(byte[] itemKey) {
        long hash = 0;
        for (int i = ITEM_PREFIX_LENGTH; i < ITEM_PREFIX_LENGTH + 8; i++) {
            hash = (hash << 8) | (itemKey[i] & 0xFF);
        }
        return hash;
    }

    /** The first key of {@code tableId}'s items, indexes included. */
    public static byte[] tableStart(long tableId) {
        return tableStart(ITEMS, tableId);
    }

    /** The key just past {@code tableId}'s items (table ids are never reused). */
    public static byte[] tableEnd(long tableId) {
        return tableStart(tableId + 1);
    }

    /** The first key of the partition that starts at hash {@code rangeStart}. */
    public static byte[] partitionStart(long tableId, int indexId, long rangeStart) {
        ByteWriter out = new ByteWriter(ITEM_PREFIX_LENGTH + 8);
        writeItemPrefix(out, tableId, indexId);
        out.writeLong(rangeStart);
        return out.toByteArray();
    }

    /** The first item key of a partition: the first key of its hash range. */
    public static byte[] partitionStart(PartitionDescriptor partition) {
        return partitionStart(partition.tableId(), partition.indexId(), partition.hashFirst());
    }

    /** The first key past a partition's items: the next range's first key, or the end of its table or index. */
    public static byte[] partitionEnd(PartitionDescriptor partition) {
        if (!partition.endsHashSpace()) {
            return partitionStart(partition.tableId(), partition.indexId(), partition.hashLast() + 1);
        }
        // indexEnd, not indexStart(indexId + 1): index id 0xFFFF + 1 would wrap in two bytes.
        return indexEnd(partition.tableId(), partition.indexId());
    }

    /** A partition's record ({@link PartitionRecord}): its descriptor, sequence, item count and size. */
    public static byte[] partitionRecordKey(long tableId, PartitionId partition) {
        ByteWriter out = new ByteWriter(17);
        out.writeByte(PARTITIONS);
        out.writeLong(tableId);
        out.writeLong(partition.value());
        return out.toByteArray();
    }

    /**
     * The key of {@code item}'s entry in a secondary index, or null when the item is not in it (an index key
     * attribute missing, or of another type than the index declares: such items are absent, as DynamoDB leaves
     * items that predate an index out of it).
     */
    public static byte[] indexEntryKey(long tableId, KeySchema table, SecondaryIndex index, Item item) {
        ByteWriter partitionKey = new ByteWriter(32);
        for (KeyAttribute attribute : index.partitionKeys()) {
            AttributeValue value = item.get(attribute.name());
            if (value == null || value.type() != attribute.type()) {
                return null;
            }
            KeyEncoding.write(partitionKey, value);
        }
        byte[] encodedPartitionKey = partitionKey.toByteArray();
        ByteWriter out = new ByteWriter(64 + encodedPartitionKey.length);
        writeItemPrefix(out, tableId, index.id());
        out.writeLong(PartitionHash.of(encodedPartitionKey));
        out.writeBytes(encodedPartitionKey);
        for (KeyAttribute attribute : index.sortKeys()) {
            AttributeValue value = item.get(attribute.name());
            if (value == null || value.type() != attribute.type()) {
                return null;
            }
            KeyEncoding.write(out, value);
        }
        if (index.global()) {
            KeyEncoding.write(out, item.get(table.partitionKey().name()));
        }
        if (table.sortKey().isPresent()) {
            KeyEncoding.write(out, item.get(table.sortKey().get().name()));
        }
        return out.toByteArray();
    }

    /**
     * The prefix shared by every entry of an index with these partition key values (one per partition key
     * attribute, in schema order).
     */
    public static byte[] indexPartitionPrefix(long tableId, int indexId, List<AttributeValue> partitionValues) {
        ByteWriter partitionKey = new ByteWriter(32);
        for (AttributeValue value : partitionValues) {
            KeyEncoding.write(partitionKey, value);
        }
        byte[] encodedPartitionKey = partitionKey.toByteArray();
        ByteWriter out = new ByteWriter(ITEM_PREFIX_LENGTH + 8 + encodedPartitionKey.length);
        writeItemPrefix(out, tableId, indexId);
        out.writeLong(PartitionHash.of(encodedPartitionKey));
        out.writeBytes(encodedPartitionKey);
        return out.toByteArray();
    }

    /** The change record of the entry at {@code sequence} of a partition's log. */
    public static byte[] changeKey(long tableId, PartitionId partition, long sequence) {
        return partitionScopedKey(CHANGES, tableId, partition, sequence);
    }

    /** The first key of a partition's change records. */
    public static byte[] changesStart(long tableId, PartitionId partition) {
        return partitionScopedKey(CHANGES, tableId, partition, -1);
    }

    /** The key just past a partition's change records. */
    public static byte[] changesEnd(long tableId, PartitionId partition) {
        return partitionScopedEnd(CHANGES, tableId, partition);
    }

    /** The sequence a change record key holds. */
    public static long logIndexOfChangeKey(byte[] changeKey) {
        return readLong(changeKey, 17);
    }

    /** A partition's state for one of its table's secondary indexes. */
    public static byte[] indexStateKey(long tableId, PartitionId partition, int indexId) {
        ByteWriter out = new ByteWriter(19);
        out.writeByte(INDEX_STATE);
        out.writeLong(tableId);
        out.writeByte((byte) (indexId >>> 8));
        out.writeByte((byte) indexId);
        out.writeLong(partition.value());
        return out.toByteArray();
    }

    /** The first key of every partition's state for one index. */
    public static byte[] indexStateStart(long tableId, int indexId) {
        return Arrays.copyOf(indexStateKey(tableId, new PartitionId(1), indexId), 11);
    }

    /** The key just past every partition's state for one index. */
    public static byte[] indexStateEnd(long tableId, int indexId) {
        return indexId == MAX_INDEX_ID ? tableEnd(INDEX_STATE, tableId) : indexStateStart(tableId, indexId + 1);
    }

    /** The size record of the item collection (the items and local index entries) of one partition key value. */
    public static byte[] itemCollectionKey(long tableId, AttributeValue partitionValue) {
        byte[] encodedPartitionKey = KeyEncoding.encode(partitionValue);
        ByteWriter out = new ByteWriter(17 + encodedPartitionKey.length);
        out.writeByte(COLLECTIONS);
        out.writeLong(tableId);
        out.writeLong(PartitionHash.of(encodedPartitionKey));
        out.writeBytes(encodedPartitionKey);
        return out.toByteArray();
    }

    /** The first key of {@code keySpace} for {@code tableId}, for per-table key spaces (changes, states, sizes). */
    public static byte[] tableStart(byte keySpace, long tableId) {
        ByteWriter out = new ByteWriter(9);
        out.writeByte(keySpace);
        out.writeLong(tableId);
        return out.toByteArray();
    }

    /** The key just past {@code tableId}'s keys in {@code keySpace}. */
    public static byte[] tableEnd(byte keySpace, long tableId) {
        return tableStart(keySpace, tableId + 1);
    }

    /** The ledger record of a committed transaction whose writes may not all be applied yet. */
    public static byte[] transactionKey(long transactionId) {
        ByteWriter out = new ByteWriter(9);
        out.writeByte(TRANSACTIONS);
        out.writeLong(transactionId);
        return out.toByteArray();
    }

    /** The transaction id a ledger key holds. */
    public static long transactionOfKey(byte[] transactionKey) {
        long id = 0;
        for (int i = 1; i < 9; i++) {
            id = (id << 8) | (transactionKey[i] & 0xFF);
        }
        return id;
    }

    /** The record of a committed transaction's ClientRequestToken. */
    public static byte[] tokenKey(String clientRequestToken) {
        return prefixed(TOKENS, clientRequestToken);
    }

    public static byte[] tokensStart() {
        return new byte[] {TOKENS};
    }

    public static byte[] tokensEnd() {
        return new byte[] {TOKENS + 1};
    }

    /** The token a token record's key holds. */
    public static String tokenOf(byte[] tokenKey) {
        return new String(tokenKey, 1, tokenKey.length - 1, StandardCharsets.UTF_8);
    }

    /** The prepare record of a transaction on one partition: the items it holds there until it is decided. */
    public static byte[] preparedKey(long tableId, PartitionId partition, long transactionId) {
        return partitionScopedKey(PREPARED, tableId, partition, transactionId);
    }

    /** The first key of a partition's prepare records. */
    public static byte[] preparedStart(long tableId, PartitionId partition) {
        return partitionScopedKey(PREPARED, tableId, partition, -1);
    }

    /** The key just past a partition's prepare records. */
    public static byte[] preparedEnd(long tableId, PartitionId partition) {
        return partitionScopedEnd(PREPARED, tableId, partition);
    }

    /** The transaction id a prepare record's key holds. */
    public static long transactionOfPreparedKey(byte[] preparedKey) {
        return logIndexOfChangeKey(preparedKey);
    }

    /** A replication group's apply state ({@code GroupApplyState}), written by every apply of that group. */
    public static byte[] groupStateKey(long groupId) {
        return idKey(GROUP_STATE, groupId);
    }

    /** One part of an oversized entry of a partition, staged until its last part applies (cluster.md §5.3). */
    public static byte[] stagingKey(PartitionId partition, long sequence, int part) {
        ByteWriter out = new ByteWriter(21);
        out.writeByte(STAGING);
        out.writeLong(partition.value());
        out.writeLong(sequence);
        out.writeInt(part);
        return out.toByteArray();
    }

    /** A partition's descriptor in the partition map, found by a floor lookup on its first hash (§4.2). */
    public static byte[] partitionMapKey(long tableId, int indexId, long hashFirst) {
        ByteWriter out = new ByteWriter(19);
        out.writeByte(PARTITION_MAP);
        out.writeLong(tableId);
        out.writeByte((byte) (indexId >>> 8));
        out.writeByte((byte) indexId);
        out.writeLong(hashFirst);
        return out.toByteArray();
    }

    /** A replication group's descriptor (members, state) in the metadata store. */
    public static byte[] groupKey(long groupId) {
        return idKey(GROUPS, groupId);
    }

    /** A node's descriptor (endpoints, state) in the metadata store. */
    public static byte[] nodeDescriptorKey(long nodeId) {
        return idKey(NODES, nodeId);
    }

    /** How far a global index partition has applied one base partition's change log (cluster.md §15). */
    public static byte[] globalIndexPositionKey(long tableId, int indexId, PartitionId indexPartition,
            PartitionId sourcePartition) {
        ByteWriter out = new ByteWriter(27);
        out.writeByte(GSI_POSITIONS);
        out.writeLong(tableId);
        out.writeByte((byte) (indexId >>> 8));
        out.writeByte((byte) indexId);
        out.writeLong(indexPartition.value());
        out.writeLong(sourcePartition.value());
        return out.toByteArray();
    }

    public static byte[] transactionsStart() {
        return new byte[] {TRANSACTIONS};
    }

    public static byte[] transactionsEnd() {
        return new byte[] {TRANSACTIONS + 1};
    }

    /** {@code [keySpace][table id:8][partition id:8][number:8]}, or without the number when it is -1. */
    private static byte[] partitionScopedKey(byte keySpace, long tableId, PartitionId partition, long number) {
        ByteWriter out = new ByteWriter(25);
        out.writeByte(keySpace);
        out.writeLong(tableId);
        out.writeLong(partition.value());
        if (number != -1) {
            out.writeLong(number);
        }
        return out.toByteArray();
    }

    /**
     * The key just past every key of {@code [keySpace][table id][partition id]}: the next id's prefix. Ids are
     * positive, so for the largest id the next one written as an unsigned long ({@code 0x8000...}) still sorts
     * after it and before any other table's keys.
     */
    private static byte[] partitionScopedEnd(byte keySpace, long tableId, PartitionId partition) {
        ByteWriter out = new ByteWriter(17);
        out.writeByte(keySpace);
        out.writeLong(tableId);
        out.writeLong(partition.value() + 1);
        return out.toByteArray();
    }

    private static byte[] idKey(byte keySpace, long id) {
        ByteWriter out = new ByteWriter(9);
        out.writeByte(keySpace);
        out.writeLong(id);
        return out.toByteArray();
    }

    /** The big-endian long at {@code offset} of {@code bytes}. */
    public static long readLong(byte[] bytes, int offset) {
        long value = 0;
        for (int i = offset; i < offset + 8; i++) {
            value = (value << 8) | (bytes[i] & 0xFF);
        }
        return value;
    }

    private static void writeItemPrefix(ByteWriter out, long tableId, int indexId) {
        out.writeByte(ITEMS);
        out.writeLong(tableId);
        out.writeByte((byte) (indexId >>> 8));
        out.writeByte((byte) indexId);
    }

    private static byte[] prefixed(byte keySpace, String name) {
        byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
        byte[] key = new byte[utf8.length + 1];
        key[0] = keySpace;
        System.arraycopy(utf8, 0, key, 1, utf8.length);
        return key;
    }
}
