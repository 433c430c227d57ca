package io.basalt.compat.indexes;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.LimitExceededException;
import software.amazon.awssdk.services.dynamodb.model.LocalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;

/** CreateTable's index validation: exact messages and DynamoDB's order of checks; nothing gets created. */
class TestIndexTablesValidation extends IndexTestSupport {
    /** A valid provisioned request (pk S, sk S, 1/1 units) for {@code name}, changed by {@code change}. */
    private static CreateTableRequest request(String name, Consumer<CreateTableRequest.Builder> change) {
        CreateTableRequest.Builder builder = CreateTableRequest.builder().tableName(name)
                .attributeDefinitions(def("pk", "S"), def("sk", "S"))
                .keySchema(hash("pk"), range("sk"))
                .provisionedThroughput(t -> t.readCapacityUnits(1L).writeCapacityUnits(1L));
        change.accept(builder);
        return builder.build();
    }

    private static Arguments invalid(String description, String message, Consumer<CreateTableRequest.Builder> c) {
        return Arguments.of(description, message, c);
    }

    private static GlobalSecondaryIndex gsi1(String name, List<software.amazon.awssdk.services.dynamodb.model
            .KeySchemaElement> keys) {
        return gsi(name, keys, projection(ProjectionType.ALL), 1, 1);
    }

    static Stream<Arguments> validationCases() {
        return Stream.of(
                invalid("index name too short and bad", "2 validation errors detected: Value 'h;' at "
                        + "'globalSecondaryIndexes.1.member.indexName' failed to satisfy constraint: Member must have "
                        + "length greater than or equal to 3; Value 'h;' at "
                        + "'globalSecondaryIndexes.1.member.indexName' failed to satisfy constraint: Member must "
                        + "satisfy regular expression pattern: [a-zA-Z0-9_.-]+",
                        b -> b.globalSecondaryIndexes(gsi1("h;", List.of(hash("sk"))))),
                invalid("projection type not in enum", "1 validation error detected: Value 'SOME' at "
                        + "'localSecondaryIndexes.1.member.projection.projectionType' failed to satisfy constraint: "
                        + "Member must satisfy enum value set: [ALL, INCLUDE, KEYS_ONLY]",
                        b -> b.attributeDefinitions(def("pk", "S"), def("sk", "S"), def("l", "S"))
                                .localSecondaryIndexes(LocalSecondaryIndex.builder().indexName("lsi")
                                        .keySchema(hash("pk"), range("l"))
                                        .projection(p -> p.projectionType("SOME")).build())),
                invalid("three LSI key elements", "1 validation error detected: Value '[KeySchemaElement("
                        + "attributeName=pk, keyType=HASH), KeySchemaElement(attributeName=sk, keyType=RANGE), "
                        + "KeySchemaElement(attributeName=sk, keyType=RANGE)]' at "
                        + "'localSecondaryIndexes.1.member.keySchema' failed to satisfy constraint: Member must have "
                        + "length less than or equal to 2", b -> b.localSecondaryIndexes(LocalSecondaryIndex.builder()
                                .indexName("lsi").keySchema(hash("pk"), range("sk"), range("sk"))
                                .projection(projection(ProjectionType.ALL)).build())),
                invalid("GSI throughput zero", "2 validation errors detected: Value '0' at "
                        + "'globalSecondaryIndexes.1.member.provisionedThroughput.writeCapacityUnits' failed to "
                        + "satisfy constraint: Member must have value greater than or equal to 1; Value '0' at "
                        + "'globalSecondaryIndexes.1.member.provisionedThroughput.readCapacityUnits' failed to "
                        + "satisfy constraint: Member must have value greater than or equal to 1",
                        b -> b.globalSecondaryIndexes(gsi("gsi", List.of(hash("sk")), projection(ProjectionType.ALL),
                                0, 0))),
                invalid("empty LSI list", INVALID + "List of LocalSecondaryIndexes is empty",
                        b -> b.localSecondaryIndexes(new ArrayList<LocalSecondaryIndex>())),
                invalid("empty GSI list", INVALID + "List of GlobalSecondaryIndexes is empty",
                        b -> b.globalSecondaryIndexes(new ArrayList<GlobalSecondaryIndex>())),
                invalid("LSI on a hash-only table (before undefined keys)", INVALID + "Table KeySchema does not "
                        + "have a range key, which is required when specifying a LocalSecondaryIndex",
                        b -> b.attributeDefinitions(def("pk", "S"), def("sk", "S")).keySchema(hash("pk"))
                                .localSecondaryIndexes(lsi("lsi", "c", projection(ProjectionType.ALL)))),
                invalid("LSI key undefined", INVALID + "Some index key attributes are not defined in "
                        + "AttributeDefinitions. Keys: [pk, c], AttributeDefinitions: [pk, sk]",
                        b -> b.localSecondaryIndexes(lsi("lsi", "c", projection(ProjectionType.ALL)))),
                invalid("LSI without range key", INVALID + "Index KeySchema does not have a range key for index: "
                        + "lsi", b -> b.localSecondaryIndexes(LocalSecondaryIndex.builder().indexName("lsi")
                                .keySchema(hash("sk")).projection(projection(ProjectionType.ALL)).build())),
                invalid("LSI with another hash key", INVALID + "Index KeySchema does not have the same leading "
                        + "hash key as table KeySchema for index: lsi. index hash key: sk, table hash key: pk",
                        b -> b.localSecondaryIndexes(LocalSecondaryIndex.builder().indexName("lsi")
                                .keySchema(hash("sk"), range("pk")).projection(projection(ProjectionType.ALL))
                                .build())),
                invalid("LSI keys swapped", "Invalid KeySchema: The first KeySchemaElement is not a HASH key type",
                        b -> b.localSecondaryIndexes(LocalSecondaryIndex.builder().indexName("lsi")
                                .keySchema(range("sk"), hash("pk")).projection(projection(ProjectionType.ALL))
                                .build())),
                invalid("LSI two hashes", "Invalid KeySchema: The second KeySchemaElement is not a RANGE key type",
                        b -> b.localSecondaryIndexes(LocalSecondaryIndex.builder().indexName("lsi")
                                .keySchema(hash("pk"), hash("sk")).projection(projection(ProjectionType.ALL))
                                .build())),
                invalid("GSI same name twice", "Both the Hash Key and the Range Key element in the KeySchema have "
                        + "the same name", b -> b.globalSecondaryIndexes(gsi1("gsi", List.of(hash("sk"),
                                range("sk"))))),
                invalid("GSI starts with RANGE", "Invalid KeySchema: The first KeySchemaElement is not a HASH key "
                        + "type", b -> b.globalSecondaryIndexes(gsi1("gsi", List.of(range("sk"), hash("pk"))))),
                invalid("multi-attribute GSI repeats an attribute", "The KeySchema contains multiple key attributes "
                        + "with the same name", b -> b.globalSecondaryIndexes(gsi1("gsi", List.of(hash("sk"),
                                hash("pk"), range("sk"))))),
                invalid("multi-attribute GSI HASH after RANGE", INVALID + "All HASH key attributes must precede "
                        + "RANGE key attributes in the KeySchema",
                        b -> b.attributeDefinitions(def("pk", "S"), def("sk", "S"), def("c", "S"))
                                .globalSecondaryIndexes(gsi1("gsi", List.of(hash("sk"), range("pk"), hash("c"))))),
                invalid("five HASH attributes", INVALID + "The KeySchema exceeds the maximum allowed number of HASH "
                        + "key attributes", b -> b.attributeDefinitions(def("pk", "S"), def("sk", "S"),
                                def("a", "S"), def("b", "S"), def("c", "S"))
                        .globalSecondaryIndexes(gsi1("gsi", List.of(hash("pk"), hash("sk"), hash("a"), hash("b"),
                                hash("c"))))),
                invalid("five RANGE attributes", INVALID + "The KeySchema exceeds the maximum allowed number of "
                        + "RANGE key attributes", b -> b.attributeDefinitions(def("pk", "S"), def("sk", "S"),
                                def("a", "S"), def("b", "S"), def("c", "S"), def("d", "S"))
                        .globalSecondaryIndexes(gsi1("gsi", List.of(hash("d"), range("pk"), range("sk"), range("a"),
                                range("b"), range("c"))))),
                invalid("GSI key undefined", INVALID + "Some index key attributes are not defined in "
                        + "AttributeDefinitions. Keys: [c], AttributeDefinitions: [pk, sk]",
                        b -> b.globalSecondaryIndexes(gsi1("gsi", List.of(hash("c"))))),
                invalid("unused definition masks the projection error", INVALID + "Some AttributeDefinitions are "
                        + "not used. AttributeDefinitions: [pk, sk, g, extra], keys used: [pk, sk, g]",
                        b -> b.attributeDefinitions(def("pk", "S"), def("sk", "S"), def("g", "S"), def("extra", "N"))
                                .globalSecondaryIndexes(gsi("gsi", List.of(hash("g")), projection(null), 1, 1))),
                invalid("no projection type", INVALID + "Unknown ProjectionType: null",
                        b -> b.globalSecondaryIndexes(gsi("gsi", List.of(hash("sk")), projection(null), 1, 1))),
                invalid("KEYS_ONLY with attributes", INVALID + "ProjectionType is KEYS_ONLY, but NonKeyAttributes "
                        + "is specified", b -> b.globalSecondaryIndexes(gsi("gsi", List.of(hash("sk")),
                                projection(ProjectionType.KEYS_ONLY, "a"), 1, 1))),
                invalid("INCLUDE without attributes", INVALID + "ProjectionType is INCLUDE, but NonKeyAttributes is "
                        + "not specified", b -> b.globalSecondaryIndexes(gsi("gsi", List.of(hash("sk")),
                                projection(ProjectionType.INCLUDE), 1, 1))),
                invalid("duplicate non-key attribute", INVALID + "Duplicate element in NonKeyAttributes: a",
                        b -> b.globalSecondaryIndexes(gsi("gsi", List.of(hash("sk")),
                                projection(ProjectionType.INCLUDE, "a", "b", "a"), 1, 1))),
                invalid("GSI without units on a provisioned table", INVALID + "ProvisionedThroughput is not "
                        + "specified for index: gsi", b -> b.globalSecondaryIndexes(gsi("gsi", List.of(hash("sk")),
                                projection(ProjectionType.ALL)))),
                invalid("GSI with units on demand", INVALID + "ProvisionedThroughput should not be specified for "
                        + "index: gsi when BillingMode is PAY_PER_REQUEST",
                        b -> b.billingMode(BillingMode.PAY_PER_REQUEST)
                                .provisionedThroughput((software.amazon.awssdk.services.dynamodb.model
                                        .ProvisionedThroughput) null)
                                .globalSecondaryIndexes(gsi1("gsi", List.of(hash("sk"))))),
                invalid("duplicate index name across LSI and GSI", INVALID + "Duplicate index name: idx",
                        b -> b.localSecondaryIndexes(lsi("idx", "sk", projection(ProjectionType.ALL)))
                                .globalSecondaryIndexes(gsi1("idx", List.of(hash("sk"))))),
                invalid("six LSIs", INVALID + "Number of LocalSecondaryIndexes exceeds per-table limit of 5",
                        b -> b.localSecondaryIndexes(lsis(6))),
                invalid("21 GSIs", INVALID + "GlobalSecondaryIndex count exceeds the per-table limit of 20",
                        b -> b.globalSecondaryIndexes(gsis(21))),
                invalid("more than 100 projected attributes", INVALID + "Number of projected attributes in all "
                        + "indexes exceeds limit of 100", b -> b.globalSecondaryIndexes(includeGsis(6, 17))));
    }

    private static List<LocalSecondaryIndex> lsis(int count) {
        List<LocalSecondaryIndex> indexes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            indexes.add(lsi("lsi" + i, "sk", projection(ProjectionType.ALL)));
        }
        return indexes;
    }

    private static List<GlobalSecondaryIndex> gsis(int count) {
        List<GlobalSecondaryIndex> indexes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            indexes.add(gsi1("gsi" + i, List.of(hash("sk"))));
        }
        return indexes;
    }

    /** {@code count} INCLUDE indexes of {@code attributes} non-key attributes each (the same names in each). */
    private static List<GlobalSecondaryIndex> includeGsis(int count, int attributes) {
        String[] names = new String[attributes];
        for (int i = 0; i < attributes; i++) {
            names[i] = "a" + i;
        }
        List<GlobalSecondaryIndex> indexes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            indexes.add(gsi("gsi" + i, List.of(hash("sk")), projection(ProjectionType.INCLUDE, names), 1, 1));
        }
        return indexes;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validationCases")
    void createTableIsRefused(String description, String message, Consumer<CreateTableRequest.Builder> change) {
        String name = uniqueName("idxinvalid");
        assertValidation(message, () -> client.createTable(request(name, change)));
        assertNothingCreated(name);
    }

    @Test
    void limitsAreAcceptedAtTheBoundary() {
        String name = uniqueName("idxmax");
        client.createTable(request(name, b -> b
                .attributeDefinitions(def("pk", "S"), def("sk", "S"), def("a", "S"), def("b", "S"), def("c", "S"),
                        def("d", "S"), def("e", "S"), def("f", "S"))
                .localSecondaryIndexes(lsis(5))
                .globalSecondaryIndexes(gsi1("multi", List.of(hash("pk"), hash("a"), hash("b"), hash("c"),
                        range("d"), range("e"), range("f"), range("sk"))))));
        track(name);
        client.waiter().waitUntilTableExists(b -> b.tableName(name));
        var table = client.describeTable(b -> b.tableName(name)).table();
        assertThat(table.localSecondaryIndexes()).hasSize(5);
        assertThat(table.globalSecondaryIndexes().get(0).keySchema()).hasSize(8);
        String hundred = uniqueName("idx100");
        client.createTable(request(hundred, b -> b.globalSecondaryIndexes(includeGsis(5, 20))));
        track(hundred);
    }

    @Test
    void indexThroughputAboveTheIndexMaximum() {
        String name = uniqueName("idxcap");
        assertError(LimitExceededException.class, "LimitExceededException", "The requested ReadCapacityUnits for "
                + "index gsi, 40001, is above the per index maximum for the account in us-east-1. Per table maximum: "
                + "40000. Refer to the Amazon DynamoDB Developer Guide for current limits and how to request higher "
                + "limits.", () -> client.createTable(request(name, b -> b.globalSecondaryIndexes(
                        gsi("gsi", List.of(hash("sk")), projection(ProjectionType.ALL), 40001, 1)))));
        assertNothingCreated(name);
    }

    private void assertNothingCreated(String name) {
        assertNotFound("Requested resource not found: Table: " + name + " not found",
                () -> client.describeTable(b -> b.tableName(name)));
    }
}
