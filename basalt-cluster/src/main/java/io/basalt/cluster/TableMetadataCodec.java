package io.basalt.cluster;

import io.basalt.model.AttributeType;
import io.basalt.model.KeyAttribute;
import io.basalt.model.KeySchema;
import io.basalt.model.Projection;
import io.basalt.model.ProjectionType;
import io.basalt.model.SecondaryIndex;
import io.basalt.partition.KeyLayout;
import io.basalt.partition.PartitionDescriptor;
import io.basalt.partition.encoding.ByteReader;
import io.basalt.partition.encoding.ByteWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The persisted form of {@link TableMetadata} in the catalog key space. Part of the on-disk format: fields are
 * only ever appended under a new version, and every version stays readable.
 *
 * <p>Version 1: name, id, tableId, key schema, attribute definitions, billing mode, throughput, creation time,
 * last update to pay-per-request, pending status, ready-at, deletion protection, table class, tags, partition
 * count. Enums are stored by name (an absent table class as the empty string), instants as epoch milliseconds.
 *
 * <p>Version 2 appends the secondary indexes (name, id, local or global, partition and sort key attributes,
 * projection, throughput, phase, pending status, ready-at) and the next index id. Version 1 decodes as a table
 * without indexes.
 *
 * <p>Version 3 (key layout v2, docs/design/cluster.md §4.1) replaces the partition count with the table's
 * partitions: a varint count, then each {@link PartitionDescriptor} (its own format, version byte first) in hash
 * order. Versions 1 and 2 name only a count of equal hash ranges, whose partitions have no ids yet: they decode
 * only through {@link #decode(byte[], LegacyPartitions)}, which the format migration calls with the ids it
 * allocates.
 *
 * <p>Version 4 (global secondary indexes as index tables, docs/design/cluster.md §15) appends to each index its
 * partitions: a varint count (0 for a local index), then each descriptor, in hash order. A global index of
 * versions 1 to 3 has no partitions yet: like the table's partitions of versions 1 and 2, they come from the
 * {@link LegacyPartitions} the format migration gives ({@code FormatMigration}'s upgrade of catalogs with global
 * indexes).
 */
final class TableMetadataCodec {
    private static final byte VERSION = 4;

    /**
     * Gives the partitions of a table stored before partitions had ids (versions 1 and 2, {@code indexId} 0), and
     * those of a global index stored before global indexes had partitions (versions 1 to 3).
     */
    @FunctionalInterface
    interface LegacyPartitions {
        List<PartitionDescriptor> of(long tableId, int indexId, int partitionCount);
    }

    private TableMetadataCodec() {
    }

    /** The format version of an encoded table. */
    static int version(byte[] bytes) {
        return bytes[0];
    }

    static byte[] encode(TableMetadata table) {
        return encode(table, VERSION);
    }

    /**
     * Encodes {@code table} in version 3 (its global indexes' partitions left out) or 4: version 3 only for tests
     * that write a store of before version 4, to check its upgrade.
     */
    static byte[] encode(TableMetadata table, int version) {
        if (version != 3 && version != VERSION) {
            throw new IllegalArgumentException("cannot encode table metadata format version " + version);
        }
        ByteWriter out = new ByteWriter(256);
        out.writeByte((byte) version);
        writeString(out, table.name());
        out.writeLong(table.id());
        writeString(out, table.tableId());
        writeKeyAttribute(out, table.keySchema().partitionKey());
        out.writeByte((byte) (table.keySchema().sortKey().isPresent() ? 1 : 0));
        table.keySchema().sortKey().ifPresent(sortKey -> writeKeyAttribute(out, sortKey));
        out.writeVarLong(table.attributeDefinitions().size());
        for (KeyAttribute definition : table.attributeDefinitions()) {
            writeKeyAttribute(out, definition);
        }
        writeString(out, table.billingMode().name());
        writeThroughput(out, table.throughput());
        writeInstant(out, table.creationTime());
        writeInstant(out, table.lastUpdateToPayPerRequest());
        writeString(out, table.pendingStatus().name());
        writeInstant(out, table.readyAt());
        out.writeByte((byte) (table.deletionProtection() ? 1 : 0));
        writeString(out, table.tableClass() == null ? "" : table.tableClass().name());
        out.writeVarLong(table.tags().size());
        for (Map.Entry<String, String> tag : table.tags().entrySet()) {
            writeString(out, tag.getKey());
            writeString(out, tag.getValue());
        }
        out.writeVarLong(table.partitions().size());
        for (PartitionDescriptor partition : table.partitions()) {
            partition.write(out);
        }
        out.writeVarLong(table.indexes().size());
        for (IndexMetadata index : table.indexes()) {
            writeIndex(out, index, version);
        }
        out.writeVarLong(table.nextIndexId());
        return out.toByteArray();
    }

    /** Decodes a table of the current version. */
    static TableMetadata decode(byte[] bytes) {
        return decode(bytes, (tableId, indexId, count) -> {
            throw new IllegalStateException("table " + tableId + " is stored in table metadata format version "
                    + version(bytes) + ", from before " + (indexId == KeyLayout.BASE_TABLE_INDEX ? "partitions had ids"
                    : "global index " + indexId + " had partitions") + ": the format migration did not run");
        });
    }

    /** Decodes a table of any version; {@code legacy} gives the partitions of versions 1 and 2. */
    static TableMetadata decode(byte[] bytes, LegacyPartitions legacy) {
        ByteReader in = new ByteReader(bytes);
        byte version = in.readByte();
        if (version < 1 || version > VERSION) {
            throw new IllegalStateException("unknown table metadata format version " + version);
        }
        String name = readString(in);
        long id = in.readLong();
        String tableId = readString(in);
        KeyAttribute partitionKey = readKeyAttribute(in);
        Optional<KeyAttribute> sortKey = in.readByte() == 1 ? Optional.of(readKeyAttribute(in)) : Optional.empty();
        int definitionCount = (int) in.readVarLong();
        List<KeyAttribute> definitions = new ArrayList<>(definitionCount);
        for (int i = 0; i < definitionCount; i++) {
            definitions.add(readKeyAttribute(in));
        }
        BillingMode billingMode = BillingMode.valueOf(readString(in));
        ProvisionedThroughput throughput = readThroughput(in);
        Instant creationTime = readInstant(in);
        Instant lastUpdateToPayPerRequest = readInstant(in);
        TableStatus pendingStatus = TableStatus.valueOf(readString(in));
        Instant readyAt = readInstant(in);
        boolean deletionProtection = in.readByte() == 1;
        String tableClassName = readString(in);
        TableClass tableClass = tableClassName.isEmpty() ? null : TableClass.valueOf(tableClassName);
        int tagCount = (int) in.readVarLong();
        Map<String, String> tags = new LinkedHashMap<>();
        for (int i = 0; i < tagCount; i++) {
            tags.put(readString(in), readString(in));
        }
        // Version 3 counts the descriptors that follow; versions 1 and 2 store only the number of hash ranges.
        int partitionCount = version >= 3 ? in.readLength() : (int) in.readVarLong();
        List<PartitionDescriptor> partitions;
        if (version >= 3) {
            partitions = new ArrayList<>(partitionCount);
            for (int i = 0; i < partitionCount; i++) {
                partitions.add(PartitionDescriptor.read(in));
            }
        } else {
            partitions = legacy.of(id, KeyLayout.BASE_TABLE_INDEX, partitionCount);
        }
        List<IndexMetadata> indexes = new ArrayList<>();
        int nextIndexId = 1;
        if (version >= 2) {
            int indexCount = (int) in.readVarLong();
            for (int i = 0; i < indexCount; i++) {
                IndexMetadata index = readIndex(in);
                if (version >= 4) {
                    int count = in.readLength();
                    List<PartitionDescriptor> indexPartitions = new ArrayList<>(count);
                    for (int p = 0; p < count; p++) {
                        indexPartitions.add(PartitionDescriptor.read(in));
                    }
                    index = index.withPartitions(indexPartitions);
                } else if (index.global()) {
                    index = index.withPartitions(legacy.of(id, index.id(), partitions.size()));
                }
                indexes.add(index);
            }
            nextIndexId = (int) in.readVarLong();
        }
        return new TableMetadata(name, id, tableId, new KeySchema(partitionKey, sortKey), definitions, billingMode,
                throughput, creationTime, lastUpdateToPayPerRequest, pendingStatus, readyAt, deletionProtection,
                tableClass, tags, partitions, indexes, nextIndexId);
    }

    private static void writeIndex(ByteWriter out, IndexMetadata metadata, int version) {
        SecondaryIndex index = metadata.index();
        writeString(out, index.name());
        out.writeVarLong(index.id());
        out.writeByte((byte) (index.global() ? 1 : 0));
        writeKeyAttributes(out, index.partitionKeys());
        writeKeyAttributes(out, index.sortKeys());
        writeString(out, index.projection().type().name());
        out.writeVarLong(index.projection().nonKeyAttributes().size());
        for (String attribute : index.projection().nonKeyAttributes()) {
            writeString(out, attribute);
        }
        writeThroughput(out, metadata.throughput());
        writeString(out, metadata.phase().name());
        writeString(out, metadata.pendingStatus().name());
        writeInstant(out, metadata.readyAt());
        if (version < 4) {
            return;
        }
        out.writeVarLong(metadata.partitions().size());
        for (PartitionDescriptor partition : metadata.partitions()) {
            partition.write(out);
        }
    }

    private static IndexMetadata readIndex(ByteReader in) {
        String name = readString(in);
        int id = (int) in.readVarLong();
        boolean global = in.readByte() == 1;
        List<KeyAttribute> partitionKeys = readKeyAttributes(in);
        List<KeyAttribute> sortKeys = readKeyAttributes(in);
        ProjectionType projectionType = ProjectionType.valueOf(readString(in));
        int nonKeyCount = (int) in.readVarLong();
        List<String> nonKeyAttributes = new ArrayList<>(nonKeyCount);
        for (int i = 0; i < nonKeyCount; i++) {
            nonKeyAttributes.add(readString(in));
        }
        SecondaryIndex index = new SecondaryIndex(name, id, global, partitionKeys, sortKeys,
                new Projection(projectionType, nonKeyAttributes));
        return new IndexMetadata(index, readThroughput(in), IndexPhase.valueOf(readString(in)),
                TableStatus.valueOf(readString(in)), readInstant(in));
    }

    private static void writeKeyAttributes(ByteWriter out, List<KeyAttribute> attributes) {
        out.writeVarLong(attributes.size());
        for (KeyAttribute attribute : attributes) {
            writeKeyAttribute(out, attribute);
        }
    }

    private static List<KeyAttribute> readKeyAttributes(ByteReader in) {
        int count = (int) in.readVarLong();
        List<KeyAttribute> attributes = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            attributes.add(readKeyAttribute(in));
        }
        return attributes;
    }

    private static void writeThroughput(ByteWriter out, ProvisionedThroughput throughput) {
        out.writeVarLong(throughput.readCapacityUnits());
        out.writeVarLong(throughput.writeCapacityUnits());
        writeInstant(out, throughput.lastIncrease());
        writeInstant(out, throughput.lastDecrease());
        out.writeVarLong(throughput.decreasesToday());
    }

    private static ProvisionedThroughput readThroughput(ByteReader in) {
        return new ProvisionedThroughput(in.readVarLong(), in.readVarLong(), readInstant(in), readInstant(in),
                (int) in.readVarLong());
    }

    private static void writeKeyAttribute(ByteWriter out, KeyAttribute attribute) {
        writeString(out, attribute.name());
        writeString(out, attribute.type().descriptor());
    }

    private static KeyAttribute readKeyAttribute(ByteReader in) {
        return new KeyAttribute(readString(in), AttributeType.fromDescriptor(readString(in)));
    }

    private static void writeInstant(ByteWriter out, Instant instant) {
        if (instant == null) {
            out.writeByte((byte) 0);
        } else {
            out.writeByte((byte) 1);
            out.writeLong(instant.toEpochMilli());
        }
    }

    private static Instant readInstant(ByteReader in) {
        return in.readByte() == 0 ? null : Instant.ofEpochMilli(in.readLong());
    }

    private static void writeString(ByteWriter out, String value) {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        out.writeVarLong(utf8.length);
        out.writeBytes(utf8);
    }

    private static String readString(ByteReader in) {
        int length = (int) in.readVarLong();
        return new String(in.readBytes(length), StandardCharsets.UTF_8);
    }
}
