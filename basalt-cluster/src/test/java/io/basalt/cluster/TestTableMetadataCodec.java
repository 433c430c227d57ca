package io.basalt.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.basalt.model.AttributeType;
import io.basalt.model.KeyAttribute;
import io.basalt.model.KeySchema;
import io.basalt.model.Projection;
import io.basalt.model.ProjectionType;
import io.basalt.model.SecondaryIndex;
import io.basalt.partition.KeyLayout;
import io.basalt.partition.PartitionDescriptor;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TestTableMetadataCodec {
    private static final long SEED = System.nanoTime();

    /** Pins version 1 of the catalog format: every stored table is in it. */
    static final String GOLDEN_V1 = "01" // version
            + "064f7264657273" // name "Orders"
            + "0000000000000102" // id 258
            + "24" + "36663165306433632d303030302d343030302d383030302d303030303030303030303031" // tableId
            + "02706b0153" + "01" + "02736b014e" // key schema: pk S, a sort key, sk N
            + "02" + "02706b0153" + "02736b014e" // attribute definitions
            + "0b50524f564953494f4e4544" // PROVISIONED
            + "05" + "ac02" + "01" + "0000018bcfe5687b" + "00" + "02" // throughput: 5, 300, increase, no decrease, 2
            + "01" + "00000174876e8000" // creation time
            + "00" // never switched to on-demand
            + "085550444154494e47" // UPDATING
            + "01" + "0000018bcfe569f4" // ready at
            + "01" // deletion protection
            + "1a5354414e444152445f494e4652455155454e545f414343455353" // STANDARD_INFREQUENT_ACCESS
            + "02" + "047465616d026462" + "03656e760470726f64" // tags in order: team=db, env=prod
            + "04"; // partition count

    static TableMetadata goldenTable() {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("team", "db");
        tags.put("env", "prod");
        return new TableMetadata("Orders", 258, "6f1e0d3c-0000-4000-8000-000000000001",
                KeySchema.of(new KeyAttribute("pk", AttributeType.S), new KeyAttribute("sk", AttributeType.N)),
                List.of(new KeyAttribute("pk", AttributeType.S), new KeyAttribute("sk", AttributeType.N)),
                BillingMode.PROVISIONED, new ProvisionedThroughput(5, 300, Instant.ofEpochMilli(1_700_000_000_123L),
                        null, 2),
                Instant.ofEpochMilli(1_600_000_000_000L), null, TableStatus.UPDATING,
                Instant.ofEpochMilli(1_700_000_000_500L), true, TableClass.STANDARD_INFREQUENT_ACCESS, tags,
                goldenPartitions(), List.of(), 1);
    }

    /** The golden table's four partitions, ids 1-4 (what the migration of a 4-partition v1/v2 table allocates). */
    static List<PartitionDescriptor> goldenPartitions() {
        return PartitionDescriptor.equalRanges(258, KeyLayout.BASE_TABLE_INDEX, 1, 4, 1);
    }

    /** Pins version 2: version 1's fields, then the indexes and the next index id. */
    static final String GOLDEN_V2 = "02" + GOLDEN_V1.substring(2)
            + "02" // two indexes
            + "0742795374617465" + "03" + "00" // "ByState", id 3, local
            + "01" + "02706b0153" + "01" + "05737461746501" + "53" // partition key pk S, sort key state S
            + "094b4559535f4f4e4c59" + "00" // KEYS_ONLY, no non-key attributes
            + "00" + "00" + "00" + "00" + "00" // no throughput
            + "06535445414459" + "084352454154494e47" + "01" + "0000018bcfe569f4" // STEADY, CREATING
            + "054279416765" + "05" + "01" // "ByAge", id 5, global
            + "02" + "0361676501" + "4e" + "01420142" + "00" // partition keys age N, B B; no sort key
            + "07494e434c554445" + "02" + "01780179" // INCLUDE x, y
            + "01" + "02" + "00" + "00" + "00" // throughput 1, 2
            + "0b4241434b46494c4c494e47" + "084352454154494e47" + "01" + "0000018bcfe569f4"
            + "06"; // next index id

    static TableMetadata goldenIndexedTable() {
        TableMetadata table = goldenTable();
        Instant ready = Instant.ofEpochMilli(1_700_000_000_500L);
        IndexMetadata local = new IndexMetadata(SecondaryIndex.local("ByState", 3,
                new KeyAttribute("pk", AttributeType.S), new KeyAttribute("state", AttributeType.S),
                Projection.KEYS_ONLY), ProvisionedThroughput.NONE, IndexPhase.STEADY, TableStatus.CREATING, ready);
        IndexMetadata global = new IndexMetadata(new SecondaryIndex("ByAge", 5, true,
                List.of(new KeyAttribute("age", AttributeType.N), new KeyAttribute("B", AttributeType.B)), List.of(),
                Projection.include(List.of("x", "y"))), ProvisionedThroughput.of(1, 2), IndexPhase.BACKFILLING,
                TableStatus.CREATING, ready);
        return table.withIndexes(List.of(local, global), 6);
    }

    /** The length in hex digits of version 2's index list and next index id. */
    private static final int INDEX_HEX_LENGTH = GOLDEN_V2.length() - GOLDEN_V1.length() - 2;

    /** Pins version 3: version 2 with the partition count replaced by the partitions' descriptors (layout v2). */
    static final String GOLDEN_V3 = "03" + GOLDEN_V1.substring(2, GOLDEN_V1.length() - 2)
            + "04" // four partitions, each a PartitionDescriptor v1: id, table, index, first, last, group, parent, OPEN
            + "01" + "01" + "8202" + "00" + "0000000000000000" + "3fffffffffffffff" + "01" + "00" + "01"
            + "01" + "02" + "8202" + "00" + "4000000000000000" + "7fffffffffffffff" + "01" + "00" + "01"
            + "01" + "03" + "8202" + "00" + "8000000000000000" + "bfffffffffffffff" + "01" + "00" + "01"
            + "01" + "04" + "8202" + "00" + "c000000000000000" + "ffffffffffffffff" + "01" + "00" + "01"
            + GOLDEN_V2.substring(GOLDEN_V1.length());

    /** The golden indexed table of version 4: its global index ByAge (id 5) has the partitions 5-8. */
    static TableMetadata goldenIndexedTableV4() {
        return withIndexPartitions(goldenIndexedTable(), 5);
    }

    /** {@code table} with its global index ByAge given four partitions of ids from {@code firstId}. */
    private static TableMetadata withIndexPartitions(TableMetadata table, long firstId) {
        return table.withIndex("ByAge", index -> index.withPartitions(
                PartitionDescriptor.equalRanges(258, 5, firstId, 4, 1)));
    }

    /** Pins version 4: version 3 with each index's partitions after its ready-at (cluster.md §15). */
    static final String GOLDEN_V4 = "04" + GOLDEN_V3.substring(2, GOLDEN_V3.length() - 2 - INDEX_HEX_LENGTH)
            + "02" // two indexes
            + "0742795374617465" + "03" + "00" // "ByState", id 3, local
            + "01" + "02706b0153" + "01" + "05737461746501" + "53" // partition key pk S, sort key state S
            + "094b4559535f4f4e4c59" + "00" // KEYS_ONLY, no non-key attributes
            + "00" + "00" + "00" + "00" + "00" // no throughput
            + "06535445414459" + "084352454154494e47" + "01" + "0000018bcfe569f4" // STEADY, CREATING
            + "00" // a local index has no partitions
            + "054279416765" + "05" + "01" // "ByAge", id 5, global
            + "02" + "0361676501" + "4e" + "01420142" + "00" // partition keys age N, B B; no sort key
            + "07494e434c554445" + "02" + "01780179" // INCLUDE x, y
            + "01" + "02" + "00" + "00" + "00" // throughput 1, 2
            + "0b4241434b46494c4c494e47" + "084352454154494e47" + "01" + "0000018bcfe569f4"
            + "04" // four partitions of index 5, ids 5-8
            + "01" + "05" + "8202" + "05" + "0000000000000000" + "3fffffffffffffff" + "01" + "00" + "01"
            + "01" + "06" + "8202" + "05" + "4000000000000000" + "7fffffffffffffff" + "01" + "00" + "01"
            + "01" + "07" + "8202" + "05" + "8000000000000000" + "bfffffffffffffff" + "01" + "00" + "01"
            + "01" + "08" + "8202" + "05" + "c000000000000000" + "ffffffffffffffff" + "01" + "00" + "01"
            + "06"; // next index id

    @Test
    void goldenBytesOfVersion4() {
        assertThat(HexFormat.of().formatHex(TableMetadataCodec.encode(goldenIndexedTableV4())))
                .isEqualTo(GOLDEN_V4);
        assertRoundTrips(TableMetadataCodec.decode(HexFormat.of().parseHex(GOLDEN_V4)), goldenIndexedTableV4());
        // A table without global indexes differs from version 3 only by a count of 0 per local index.
        assertRoundTrips(TableMetadataCodec.decode(TableMetadataCodec.encode(goldenTable())), goldenTable());
    }

    @Test
    void version3DecodesItsGlobalIndexesOnlyWithThePartitionsTheUpgradeGives() {
        List<String> asked = new ArrayList<>();
        TableMetadataCodec.LegacyPartitions legacy = (tableId, indexId, count) -> {
            asked.add(tableId + "/" + indexId + "/" + count);
            return PartitionDescriptor.equalRanges(tableId, indexId, 5, count, 1);
        };
        assertRoundTrips(TableMetadataCodec.decode(HexFormat.of().parseHex(GOLDEN_V3), legacy),
                goldenIndexedTableV4());
        assertThat(asked).containsExactly("258/5/4");
        assertThatThrownBy(() -> TableMetadataCodec.decode(HexFormat.of().parseHex(GOLDEN_V3)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("global index 5 had partitions: the format migration did not run");
    }

    @Test
    void versions1And2DecodeOnlyWithThePartitionsTheMigrationGives() {
        List<String> asked = new ArrayList<>();
        TableMetadataCodec.LegacyPartitions legacy = (tableId, indexId, count) -> {
            asked.add(tableId + "/" + indexId + "/" + count);
            return PartitionDescriptor.equalRanges(tableId, indexId, 1, count, 1);
        };
        assertRoundTrips(TableMetadataCodec.decode(HexFormat.of().parseHex(GOLDEN_V1), legacy), goldenTable());
        assertRoundTrips(TableMetadataCodec.decode(HexFormat.of().parseHex(GOLDEN_V2), legacy),
                withIndexPartitions(goldenIndexedTable(), 1));
        assertThat(asked).containsExactly("258/0/4", "258/0/4", "258/5/4");
        // The test's writer of layout v1 stores (TestFormatMigration) writes exactly version 2.
        assertThat(HexFormat.of().formatHex(V1Store.catalogValue(goldenIndexedTable()))).isEqualTo(GOLDEN_V2);
        for (String golden : List.of(GOLDEN_V1, GOLDEN_V2)) {
            assertThat(TableMetadataCodec.version(HexFormat.of().parseHex(golden))).isLessThan(3);
            assertThatThrownBy(() -> TableMetadataCodec.decode(HexFormat.of().parseHex(golden)))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("format migration did not run");
        }
    }

    @Test
    void everyFieldRoundTrips() {
        assertRoundTrips(TableMetadataCodec.decode(TableMetadataCodec.encode(goldenTable())), goldenTable());
        Random random = new Random(SEED);
        for (int i = 0; i < 500; i++) {
            TableMetadata table = randomTable(random);
            assertRoundTrips(TableMetadataCodec.decode(TableMetadataCodec.encode(table)), table);
        }
    }

    @Test
    void absentOptionalFieldsRoundTrip() {
        TableMetadata table = new TableMetadata("t", 1, "id", KeySchema.of(new KeyAttribute("h", AttributeType.B)),
                List.of(new KeyAttribute("h", AttributeType.B)), BillingMode.PAY_PER_REQUEST,
                ProvisionedThroughput.NONE, Instant.EPOCH, null, TableStatus.CREATING, Instant.EPOCH, false, null,
                Map.of(), PartitionDescriptor.equalRanges(1, 0, 1, 1, 1), List.of(), 1);
        TableMetadata decoded = TableMetadataCodec.decode(TableMetadataCodec.encode(table));
        assertRoundTrips(decoded, table);
        assertThat(decoded.tableClass()).isNull();
        assertThat(decoded.lastUpdateToPayPerRequest()).isNull();
        assertThat(decoded.throughput().lastIncrease()).isNull();
        assertThat(decoded.throughput().lastDecrease()).isNull();
        assertThat(decoded.keySchema().sortKey()).isEmpty();
    }

    @Test
    void instantsKeepMillisecondsAndTablesHoldNoMore() {
        Instant precise = Instant.ofEpochSecond(1_700_000_000L, 123_456_789);
        TableMetadata table = new TableMetadata("t", 1, "id", KeySchema.of(new KeyAttribute("h", AttributeType.S)),
                List.of(), BillingMode.PAY_PER_REQUEST, new ProvisionedThroughput(0, 0, precise, precise, 1), precise,
                precise, TableStatus.CREATING, precise, false, null, Map.of(),
                PartitionDescriptor.equalRanges(1, 0, 1, 1, 1), List.of(), 1);
        // What a table reports before a restart must equal what it reports after one.
        assertThat(TableMetadataCodec.decode(TableMetadataCodec.encode(table))).isEqualTo(table);
        assertThat(table.creationTime()).isEqualTo(Instant.ofEpochMilli(1_700_000_000_123L));
    }

    @Test
    void unknownVersionIsRejected() {
        byte[] bytes = TableMetadataCodec.encode(goldenTable());
        bytes[0] = 5;
        assertThatThrownBy(() -> TableMetadataCodec.decode(bytes)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("version 5");
    }

    private static void assertRoundTrips(TableMetadata decoded, TableMetadata original) {
        assertThat(decoded).as("seed %d", SEED).isEqualTo(original);
        // Record equality ignores map order; tags are returned in the order the client gave them.
        assertThat(new ArrayList<>(decoded.tags().entrySet())).isEqualTo(new ArrayList<>(original.tags().entrySet()));
    }

    private static TableMetadata randomTable(Random random) {
        KeyAttribute partitionKey = new KeyAttribute(name(random), scalar(random));
        KeySchema schema = random.nextBoolean() ? KeySchema.of(partitionKey)
                : KeySchema.of(partitionKey, new KeyAttribute(name(random) + "s", scalar(random)));
        List<KeyAttribute> definitions = new ArrayList<>();
        for (int i = random.nextInt(4); i > 0; i--) {
            definitions.add(new KeyAttribute(name(random), scalar(random)));
        }
        Map<String, String> tags = new LinkedHashMap<>();
        for (int i = random.nextInt(5); i > 0; i--) {
            tags.put(name(random), random.nextBoolean() ? "" : name(random));
        }
        ProvisionedThroughput throughput = new ProvisionedThroughput(random.nextInt(40_001),
                random.nextInt(40_001), instant(random), instant(random), random.nextInt(30));
        TableClass[] classes = TableClass.values();
        long id = (random.nextLong() >>> 1) | 1;
        return new TableMetadata(name(random), id, name(random), schema, definitions,
                BillingMode.values()[random.nextInt(2)], throughput,
                Instant.ofEpochMilli(random.nextLong() >>> 24), instant(random),
                random.nextBoolean() ? TableStatus.CREATING : TableStatus.UPDATING,
                Instant.ofEpochMilli(random.nextLong() >>> 24), random.nextBoolean(),
                random.nextInt(3) == 0 ? null : classes[random.nextInt(classes.length)], tags,
                PartitionDescriptor.equalRanges(id, 0, (random.nextLong() >>> 2) | 1, 1 + random.nextInt(64), 1),
                randomIndexes(random, id), 1000);
    }

    private static List<IndexMetadata> randomIndexes(Random random, long tableId) {
        List<IndexMetadata> indexes = new ArrayList<>();
        ProjectionType[] types = ProjectionType.values();
        for (int i = random.nextInt(4); i > 0; i--) {
            List<KeyAttribute> partitionKeys = new ArrayList<>();
            List<KeyAttribute> sortKeys = new ArrayList<>();
            for (int k = 1 + random.nextInt(4); k > 0; k--) {
                partitionKeys.add(new KeyAttribute(name(random), scalar(random)));
            }
            for (int k = random.nextInt(5); k > 0; k--) {
                sortKeys.add(new KeyAttribute(name(random), scalar(random)));
            }
            ProjectionType type = types[random.nextInt(types.length)];
            Projection projection = type == ProjectionType.INCLUDE ? Projection.include(List.of(name(random)))
                    : new Projection(type, List.of());
            int indexId = 1 + random.nextInt(999);
            indexes.add(new IndexMetadata(new SecondaryIndex(name(random), indexId, true,
                    partitionKeys, sortKeys, projection),
                    ProvisionedThroughput.of(random.nextInt(9), random.nextInt(9)),
                    IndexPhase.values()[random.nextInt(3)], random.nextBoolean() ? TableStatus.CREATING
                            : TableStatus.UPDATING, Instant.ofEpochMilli(random.nextLong() >>> 24),
                    PartitionDescriptor.equalRanges(tableId, indexId, (random.nextLong() >>> 2) | 1,
                            1 + random.nextInt(8), 1)));
        }
        return indexes;
    }

    private static Instant instant(Random random) {
        return random.nextBoolean() ? null : Instant.ofEpochMilli(random.nextLong() >>> 24);
    }

    private static AttributeType scalar(Random random) {
        return new AttributeType[] {AttributeType.S, AttributeType.N, AttributeType.B}[random.nextInt(3)];
    }

    private static String name(Random random) {
        int[] alphabet = "abcXYZ09_.-é😀".codePoints().toArray();
        StringBuilder name = new StringBuilder();
        for (int i = 1 + random.nextInt(12); i > 0; i--) {
            name.appendCodePoint(alphabet[random.nextInt(alphabet.length)]);
        }
        return name.toString();
    }
}
