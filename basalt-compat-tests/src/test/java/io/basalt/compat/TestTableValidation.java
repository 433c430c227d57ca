package io.basalt.compat;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.LimitExceededException;

/** CreateTable's request validation: exact messages, check order, and that nothing gets created. */
class TestTableValidation extends CompatTestSupport {
    private static final String INVALID = "One or more parameter values were invalid: ";

    private static AttributeDefinition def(String name, String type) {
        return AttributeDefinition.builder().attributeName(name).attributeType(type).build();
    }

    private static KeySchemaElement key(String name, String type) {
        return KeySchemaElement.builder().attributeName(name).keyType(type).build();
    }

    /** A valid request for {@code name} (hash key "a" of type S, 1/1 units), changed by {@code change}. */
    private static CreateTableRequest request(String name, Consumer<CreateTableRequest.Builder> change) {
        CreateTableRequest.Builder builder = CreateTableRequest.builder().tableName(name)
                .attributeDefinitions(def("a", "S"))
                .keySchema(key("a", "HASH"))
                .provisionedThroughput(t -> t.readCapacityUnits(1L).writeCapacityUnits(1L));
        change.accept(builder);
        return builder.build();
    }

    private static Arguments invalid(String description, String message, Consumer<CreateTableRequest.Builder> c) {
        return Arguments.of(description, message, c);
    }

    static Stream<Arguments> validationCases() {
        return Stream.of(
                invalid("key schema empty", "1 validation error detected: Value '[]' at 'keySchema' failed to "
                        + "satisfy constraint: Member must have length greater than or equal to 1",
                        b -> b.keySchema(new KeySchemaElement[0])),
                invalid("key type not in enum", "1 validation error detected: Value 'PRIMARY' at "
                        + "'keySchema.1.member.keyType' failed to satisfy constraint: Member must satisfy enum value "
                        + "set: [HASH, RANGE]", b -> b.keySchema(key("a", "PRIMARY"))),
                invalid("attribute type not in enum", "1 validation error detected: Value 'BOOL' at "
                        + "'attributeDefinitions.1.member.attributeType' failed to satisfy constraint: Member must "
                        + "satisfy enum value set: [B, N, S]", b -> b.attributeDefinitions(def("a", "BOOL"))),
                invalid("missing key type", "1 validation error detected: Value null at "
                        + "'keySchema.1.member.keyType' failed to satisfy constraint: Member must not be null",
                        b -> b.keySchema(KeySchemaElement.builder().attributeName("a").build())),
                invalid("missing attribute definitions", "1 validation error detected: Value null at "
                        + "'attributeDefinitions' failed to satisfy constraint: Member must not be null",
                        b -> b.attributeDefinitions((java.util.Collection<AttributeDefinition>) null)),
                invalid("zero throughput", "2 validation errors detected: Value '0' at "
                        + "'provisionedThroughput.writeCapacityUnits' failed to satisfy constraint: Member must have "
                        + "value greater than or equal to 1; Value '0' at 'provisionedThroughput.readCapacityUnits' "
                        + "failed to satisfy constraint: Member must have value greater than or equal to 1",
                        b -> b.provisionedThroughput(t -> t.readCapacityUnits(0L).writeCapacityUnits(0L))),
                invalid("zero throughput on demand (constraints first)", "2 validation errors detected: Value '0' "
                        + "at 'provisionedThroughput.writeCapacityUnits' failed to satisfy constraint: Member must "
                        + "have value greater than or equal to 1; Value '0' at "
                        + "'provisionedThroughput.readCapacityUnits' failed to satisfy constraint: Member must have "
                        + "value greater than or equal to 1", b -> b.billingMode(BillingMode.PAY_PER_REQUEST)
                        .provisionedThroughput(t -> t.readCapacityUnits(0L).writeCapacityUnits(0L))),
                invalid("read units only", "1 validation error detected: Value null at "
                        + "'provisionedThroughput.writeCapacityUnits' failed to satisfy constraint: Member must not "
                        + "be null", b -> b.provisionedThroughput(t -> t.readCapacityUnits(5L))),
                invalid("billing mode not in enum", "1 validation error detected: Value 'pay_per_request' at "
                        + "'billingMode' failed to satisfy constraint: Member must satisfy enum value set: "
                        + "[PROVISIONED, PAY_PER_REQUEST]", b -> b.billingMode("pay_per_request")),
                invalid("provisioned without throughput", INVALID + "ReadCapacityUnits and WriteCapacityUnits must "
                        + "both be specified when BillingMode is PROVISIONED",
                        b -> b.provisionedThroughput((software.amazon.awssdk.services.dynamodb.model
                                .ProvisionedThroughput) null)),
                invalid("explicit provisioned without throughput", INVALID + "ReadCapacityUnits and "
                        + "WriteCapacityUnits must both be specified when BillingMode is PROVISIONED",
                        b -> b.billingMode(BillingMode.PROVISIONED).provisionedThroughput(
                                (software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughput) null)),
                invalid("on demand with throughput", INVALID + "Neither ReadCapacityUnits nor WriteCapacityUnits "
                        + "can be specified when BillingMode is PAY_PER_REQUEST",
                        b -> b.billingMode(BillingMode.PAY_PER_REQUEST)),
                invalid("duplicate attribute definition", "Attribute Name is duplicated: a",
                        b -> b.attributeDefinitions(def("a", "S"), def("a", "N"))),
                invalid("two keys, one undefined", "Invalid KeySchema: Some index key attribute have no definition",
                        b -> b.keySchema(key("a", "HASH"), key("b", "RANGE"))),
                invalid("hash key undefined", INVALID + "Some index key attributes are not defined in "
                        + "AttributeDefinitions. Keys: [A], AttributeDefinitions: [a]",
                        b -> b.keySchema(key("A", "HASH"))),
                invalid("same name twice", "Invalid KeySchema: Both the Hash Key and the Range Key element in the "
                        + "KeySchema have the same name", b -> b.keySchema(key("a", "HASH"), key("a", "RANGE"))),
                invalid("range only", "Invalid KeySchema: The first KeySchemaElement is not a HASH key type",
                        b -> b.keySchema(key("a", "RANGE"))),
                invalid("range then hash", "Invalid KeySchema: The first KeySchemaElement is not a HASH key type",
                        b -> b.attributeDefinitions(def("a", "S"), def("b", "S"))
                                .keySchema(key("a", "RANGE"), key("b", "HASH"))),
                invalid("hash then hash", "Invalid KeySchema: The second KeySchemaElement is not a RANGE key type",
                        b -> b.attributeDefinitions(def("a", "S"), def("b", "S"))
                                .keySchema(key("a", "HASH"), key("b", "HASH"))),
                invalid("unused attribute definition", INVALID + "Number of attributes in KeySchema does not "
                        + "exactly match number of attributes defined in AttributeDefinitions",
                        b -> b.attributeDefinitions(def("a", "S"), def("b", "N"))),
                invalid("bad table class", "Invalid table-class parameter provided. Please try again with a valid "
                        + "table-class value: [STANDARD, STANDARD_INFREQUENT_ACCESS].", b -> b.tableClass("COLD")),
                invalid("stream view type with stream disabled", INVALID + "Table is being created with a stream "
                        + "disabled, UpdateViewType should not be specified",
                        b -> b.streamSpecification(s -> s.streamEnabled(false).streamViewType("NEW_IMAGE"))),
                invalid("tag with aws: prefix", "Tag Key cannot be prefixed with aws:, Key: aws:owner",
                        b -> b.tags(t -> t.key("aws:owner").value("me"))),
                invalid("tag with bad characters", "The Tag Key provided is invalid, Key: a#b",
                        b -> b.tags(t -> t.key("a#b").value("x"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validationCases")
    void createTableIsRefused(String description, String message, Consumer<CreateTableRequest.Builder> change) {
        String name = uniqueName("invalid");
        assertValidation(message, () -> client.createTable(request(name, change)));
        assertNothingCreated(name);
    }

    @Test
    void tableNameRules() {
        assertValidation("The parameter 'TableName' is required but was not present in the request",
                () -> client.createTable(request(null, b -> { })));
        assertValidation("1 validation error detected: Value 'ab' at 'tableName' failed to satisfy constraint: "
                + "Member must have length greater than or equal to 3", () -> client.createTable(request("ab",
                        b -> { })));
        String tooLong = repeat('t', 256);
        assertValidation("1 validation error detected: Value '" + tooLong + "' at 'tableName' failed to satisfy "
                + "constraint: Member must have length less than or equal to 255",
                () -> client.createTable(request(tooLong, b -> { })));
        assertValidation("1 validation error detected: Value 'abc;' at 'tableName' failed to satisfy constraint: "
                + "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+",
                () -> client.createTable(request("abc;", b -> { })));
        // A name may use every allowed character and be 255 long.
        String longest = "Az09_.-" + repeat('x', 248);
        client.createTable(request(longest, b -> { }));
        track(longest);
        assertThat(client.describeTable(b -> b.tableName(longest)).table().tableName()).isEqualTo(longest);
        client.deleteTable(b -> b.tableName(longest));
    }

    @Test
    void violationsAreAggregated() {
        String name = uniqueName("agg");
        String message = catchValidation(() -> client.createTable(request(name, b -> b
                .keySchema(new KeySchemaElement[0])
                .provisionedThroughput(t -> t.readCapacityUnits(-1L).writeCapacityUnits(-1L)))));
        // DynamoDB's order of the items is not settled (dynalite matches them as a set), so compare as a set.
        String prefix = "3 validation errors detected: ";
        assertThat(message).startsWith(prefix);
        assertThat(message.substring(prefix.length()).split("; ")).containsExactlyInAnyOrder(
                "Value '-1' at 'provisionedThroughput.writeCapacityUnits' failed to satisfy constraint: Member must "
                        + "have value greater than or equal to 1",
                "Value '-1' at 'provisionedThroughput.readCapacityUnits' failed to satisfy constraint: Member must "
                        + "have value greater than or equal to 1",
                "Value '[]' at 'keySchema' failed to satisfy constraint: Member must have length greater than or "
                        + "equal to 1");
        assertNothingCreated(name);
    }

    @Test
    void atMostTenViolationsAreReported() {
        String name = uniqueName("ten");
        KeySchemaElement[] keys = new KeySchemaElement[12];
        java.util.Arrays.fill(keys, KeySchemaElement.builder().build());
        String message = catchValidation(() -> client.createTable(request(name, b -> b.keySchema(keys))));
        assertThat(message).startsWith("10 validation errors detected: ");
        assertThat(message.split("; ")).hasSize(10);
        assertNothingCreated(name);
    }

    @Test
    void tooManyKeyElements() {
        String name = uniqueName("keys3");
        var error = catchValidation(() -> client.createTable(request(name, b -> b
                .attributeDefinitions(def("a", "S"), def("b", "S"), def("c", "S"))
                .keySchema(key("a", "HASH"), key("b", "RANGE"), key("c", "RANGE")))));
        assertThat(error).matches("1 validation error detected: Value '\\[.+\\]' at 'keySchema' failed to satisfy "
                + "constraint: Member must have length less than or equal to 2");
        assertNothingCreated(name);
    }

    @Test
    void throughputAboveTheTableMaximum() {
        String name = uniqueName("max");
        assertError(LimitExceededException.class, "LimitExceededException", "The requested ReadCapacityUnits, "
                + "40001, is above the per table maximum for the account in us-east-1. Per table maximum: 40000. "
                + "Refer to the Amazon DynamoDB Developer Guide for current limits and how to request higher "
                + "limits.", () -> client.createTable(request(name,
                        b -> b.provisionedThroughput(t -> t.readCapacityUnits(40001L).writeCapacityUnits(40001L)))));
        assertError(LimitExceededException.class, "LimitExceededException", "The requested WriteCapacityUnits, "
                + "50000, is above the per table maximum for the account in us-east-1. Per table maximum: 40000. "
                + "Refer to the Amazon DynamoDB Developer Guide for current limits and how to request higher "
                + "limits.", () -> client.createTable(request(name,
                        b -> b.provisionedThroughput(t -> t.readCapacityUnits(40000L).writeCapacityUnits(50000L)))));
        assertNothingCreated(name);
    }

    @Test
    void unsupportedParametersAreRefused() {
        assumeBasalt();
        String name = uniqueName("idx");
        assertUnsupported("StreamSpecification", () -> client.createTable(request(name, b -> b
                .streamSpecification(s -> s.streamEnabled(true).streamViewType("NEW_IMAGE")))));
        assertUnsupported("SSESpecification", () -> client.createTable(request(name, b -> b
                .sseSpecification(s -> s.enabled(true)))));
        assertNothingCreated(name);
    }

    private static String catchValidation(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        var error = org.assertj.core.api.Assertions.catchThrowableOfType(
                software.amazon.awssdk.services.dynamodb.model.DynamoDbException.class, call);
        assertThat(error).isNotNull();
        assertThat(error.awsErrorDetails().errorCode()).isEqualTo("ValidationException");
        return error.awsErrorDetails().errorMessage();
    }

    private void assertNothingCreated(String name) {
        assertNotFound("Requested resource not found: Table: " + name + " not found",
                () -> client.describeTable(b -> b.tableName(name)));
    }
}
