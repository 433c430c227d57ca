package io.basalt.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.basalt.model.AttributeType;
import io.basalt.model.KeyAttribute;
import io.basalt.model.KeySchema;
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
                Instant.ofEpochMilli(1_700_000_000_500L), true, TableClass.STANDARD_INFREQUENT_ACCESS, tags, 4);
    }

    @Test
    void goldenBytesOfVersion1() {
        assertThat(HexFormat.of().formatHex(TableMetadataCodec.encode(goldenTable()))).isEqualTo(GOLDEN_V1);
        assertRoundTrips(TableMetadataCodec.decode(HexFormat.of().parseHex(GOLDEN_V1)), goldenTable());
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
                Map.of(), 1);
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
                precise, TableStatus.CREATING, precise, false, null, Map.of(), 1);
        // What a table reports before a restart must equal what it reports after one.
        assertThat(TableMetadataCodec.decode(TableMetadataCodec.encode(table))).isEqualTo(table);
        assertThat(table.creationTime()).isEqualTo(Instant.ofEpochMilli(1_700_000_000_123L));
    }

    @Test
    void unknownVersionIsRejected() {
        byte[] bytes = TableMetadataCodec.encode(goldenTable());
        bytes[0] = 2;
        assertThatThrownBy(() -> TableMetadataCodec.decode(bytes)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("version 2");
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
        return new TableMetadata(name(random), random.nextLong() >>> 1, name(random), schema, definitions,
                BillingMode.values()[random.nextInt(2)], throughput,
                Instant.ofEpochMilli(random.nextLong() >>> 24), instant(random),
                random.nextBoolean() ? TableStatus.CREATING : TableStatus.UPDATING,
                Instant.ofEpochMilli(random.nextLong() >>> 24), random.nextBoolean(),
                random.nextInt(3) == 0 ? null : classes[random.nextInt(classes.length)], tags,
                1 + random.nextInt(1024));
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
