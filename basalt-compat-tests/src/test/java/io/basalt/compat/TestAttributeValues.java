package io.basalt.compat;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/** The value layer: numbers, sets, empty values, sizes and nesting, with DynamoDB's exact messages. */
class TestAttributeValues extends CompatTestSupport {
    /** PutItem, UpdateItem and DeleteItem (since 2026) wrap value errors in the constraint envelope. */
    private static final String ENVELOPE = "1 validation error detected: ";
    private static final String INVALID = "One or more parameter values were invalid: ";

    private String table;
    private String rangeTable;
    private String binaryTable;

    @BeforeAll
    void createTables() {
        table = hashTable();
        rangeTable = uniqueName("range");
        createTable(rangeTable, "pk", ScalarAttributeType.S, "sk", ScalarAttributeType.S,
                BillingMode.PAY_PER_REQUEST);
        binaryTable = uniqueName("bin");
        createTable(binaryTable, "pk", ScalarAttributeType.B, null, null, BillingMode.PAY_PER_REQUEST);
    }

    private void put(Map<String, AttributeValue> item) {
        client.putItem(b -> b.tableName(table).item(item));
    }

    private Map<String, AttributeValue> get(String pk) {
        return client.getItem(b -> b.tableName(table).key(item("pk", s(pk))).consistentRead(true)).item();
    }

    private void assertPutRefused(String message, AttributeValue value) {
        assertValidation(message, () -> put(item("pk", s("refused"), "v", value)));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "1.50, 1.5", "1E2, 100", "1e+2, 100", "-0, 0", "+5, 5", "0.0, 0", ".123, 0.123", "0001.23, 1.23",
        "1e-3, 0.001", "-17e5, -1700000", "1.5E+3, 1500", "0e125, 0", "-7.1234, -7.1234",
        "12345678901234567890123456789012345678, 12345678901234567890123456789012345678",
        "1000000000000000000000000000000000000000000000, 1000000000000000000000000000000000000000000000",
        "-0.00000000000000000000000000000000000000000001, -0.00000000000000000000000000000000000000000001"})
    void numbersComeBackCanonical(String sent, String stored) {
        String pk = "num-" + sent;
        put(item("pk", s(pk), "v", n(sent), "set", AttributeValue.fromNs(List.of(sent, "7"))));
        Map<String, AttributeValue> got = get(pk);
        assertThat(got.get("v").n()).isEqualTo(stored);
        assertThat(got.get("set").ns()).containsExactlyInAnyOrder(stored, "7");
    }

    @Test
    void largestAndSmallestMagnitudes() {
        String largest = "9.9999999999999999999999999999999999999E+125";
        put(item("pk", s("max"), "v", n(largest), "w", n("-" + largest), "t", n("1E-130")));
        Map<String, AttributeValue> got = get("max");
        assertThat(got.get("v").n()).isEqualTo("99999999999999999999999999999999999999" + "0".repeat(88));
        assertThat(got.get("w").n()).startsWith("-9999");
        assertThat(got.get("t").n()).isEqualTo("0." + "0".repeat(129) + "1");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "123456789012345678901234567890123456789|Attempting to store more than 38 significant digits in a Number",
        "-1.23456789012345678901234567890123456789|Attempting to store more than 38 significant digits in a Number",
        "1e126|Number overflow. Attempting to store a number with magnitude larger than supported range",
        "-1e126|Number overflow. Attempting to store a number with magnitude larger than supported range",
        "11e125|Number overflow. Attempting to store a number with magnitude larger than supported range",
        "1e-131|Number underflow. Attempting to store a number with magnitude smaller than supported range",
        "0.9e-130|Number underflow. Attempting to store a number with magnitude smaller than supported range",
        "b|The parameter cannot be converted to a numeric value: b",
        "NaN|The parameter cannot be converted to a numeric value: NaN",
        "Infinity|The parameter cannot be converted to a numeric value: Infinity",
        "0x10|The parameter cannot be converted to a numeric value: 0x10",
        "1.2.3|The parameter cannot be converted to a numeric value: 1.2.3",
        "1e|The parameter cannot be converted to a numeric value: 1e"})
    void invalidNumbers(String number, String message) {
        assertPutRefused(ENVELOPE + message, n(number));
        assertPutRefused(ENVELOPE + message, AttributeValue.fromNs(List.of("1", number)));
    }

    @Test
    void numbersWithSpacesOrNothing() {
        assertPutRefused(ENVELOPE + "The parameter cannot be converted to a numeric value: ", n(""));
        assertPutRefused(ENVELOPE + "The parameter cannot be converted to a numeric value:  1", n(" 1"));
    }

    @Test
    void getItemReportsValueErrorsWithoutTheEnvelope() {
        assertValidation("The parameter cannot be converted to a numeric value: b",
                () -> client.getItem(b -> b.tableName(table).key(item("pk", n("b")))));
        assertValidation("Supplied AttributeValue is empty, must contain exactly one of the supported datatypes",
                () -> client.getItem(b -> b.tableName(table).key(item("pk", AttributeValue.builder().build()))));
    }

    @Test
    void valueErrorsComeBeforeTheTableLookup() {
        String missing = uniqueName("nope");
        assertValidation(ENVELOPE + "The parameter cannot be converted to a numeric value: x",
                () -> client.putItem(b -> b.tableName(missing).item(item("pk", s("a"), "v", n("x")))));
        assertValidation(ENVELOPE + "The parameter cannot be converted to a numeric value: x",
                () -> client.deleteItem(b -> b.tableName(missing).key(item("pk", n("x")))));
        assertValidation(ENVELOPE + "The parameter cannot be converted to a numeric value: x",
                () -> client.updateItem(b -> b.tableName(missing).key(item("pk", n("x")))));
    }

    @Test
    void emptySets() {
        assertPutRefused(ENVELOPE + INVALID + "An string set  may not be empty", AttributeValue.fromSs(List.of()));
        assertPutRefused(ENVELOPE + INVALID + "An number set  may not be empty", AttributeValue.fromNs(List.of()));
        assertPutRefused(ENVELOPE + INVALID + "Binary sets should not be empty", AttributeValue.fromBs(List.of()));
    }

    @Test
    void duplicatesInSets() {
        assertPutRefused(ENVELOPE + INVALID + "Input collection [\"a\", \"b\", \"b\"] contains duplicates.",
                AttributeValue.fromSs(List.of("b", "a", "b")));
        assertPutRefused(ENVELOPE + INVALID + "Input collection [\"a\", \"a\"] contains duplicates.",
                AttributeValue.fromSs(List.of("a", "a")));
        assertPutRefused(ENVELOPE + INVALID + "Input collection [\"AA==\",\"/w==\",\"AA==\"]of type BS contains "
                + "duplicates.", AttributeValue.fromBs(List.of(SdkBytes.fromByteArray(new byte[] {(byte) 0xff}),
                        SdkBytes.fromByteArray(new byte[] {0}), SdkBytes.fromByteArray(new byte[] {0}))));
        assertPutRefused(ENVELOPE + INVALID + "Input collection contains duplicates.",
                AttributeValue.fromNs(List.of("1", "2", "1")));
    }

    @Test
    void malformedValues() {
        assertPutRefused(ENVELOPE + INVALID + "Null attribute value types must have the value of true",
                AttributeValue.fromNul(false));
        assertPutRefused(ENVELOPE + "Supplied AttributeValue is empty, must contain exactly one of the supported "
                + "datatypes", AttributeValue.builder().build());
        assertPutRefused(ENVELOPE + "Supplied AttributeValue is empty, must contain exactly one of the supported "
                + "datatypes", AttributeValue.fromM(Map.of("a", AttributeValue.builder().build())));
        assertPutRefused(ENVELOPE + "Supplied AttributeValue is empty, must contain exactly one of the supported "
                + "datatypes", AttributeValue.fromL(List.of(AttributeValue.builder().build())));
        assertPutRefused(ENVELOPE + "Supplied AttributeValue has more than one datatypes set, must contain exactly "
                + "one of the supported datatypes", AttributeValue.builder().s("a").bool(true).build());
        // Per-type checks come first: the bad number wins over "more than one datatypes".
        assertPutRefused(ENVELOPE + "The parameter cannot be converted to a numeric value: b",
                AttributeValue.builder().s("a").n("b").build());
    }

    @Test
    void emptyStringsAndBinariesAreFineOutsideKeys() {
        put(item("pk", s("empty"), "s", s(""), "b", AttributeValue.fromB(SdkBytes.fromByteArray(new byte[0])),
                "ss", AttributeValue.fromSs(List.of("")), "bs",
                AttributeValue.fromBs(List.of(SdkBytes.fromByteArray(new byte[0]))),
                "m", AttributeValue.fromM(Map.of("", s("")))));
        Map<String, AttributeValue> got = get("empty");
        assertThat(got.get("s").s()).isEmpty();
        assertThat(got.get("b").b().asByteArray()).isEmpty();
        assertThat(got.get("ss").ss()).containsExactly("");
        assertThat(got.get("bs").bs()).hasSize(1);
        assertThat(got.get("m").m()).containsEntry("", s(""));
    }

    @Test
    void emptyKeyValuesAreRefused() {
        String emptyString = "One or more parameter values are not valid. The AttributeValue for a key attribute "
                + "cannot contain an empty string value. Key: ";
        assertValidation(emptyString + "pk", () -> put(item("pk", s(""))));
        assertValidation(emptyString + "pk", () -> client.getItem(b -> b.tableName(table).key(item("pk", s("")))));
        assertValidation(emptyString + "pk", () -> client.deleteItem(b -> b.tableName(table)
                .key(item("pk", s("")))));
        assertValidation(emptyString + "pk", () -> client.updateItem(b -> b.tableName(table)
                .key(item("pk", s("")))));
        assertValidation(emptyString + "sk", () -> client.putItem(b -> b.tableName(rangeTable)
                .item(item("pk", s("a"), "sk", s("")))));
        AttributeValue emptyBinary = AttributeValue.fromB(SdkBytes.fromByteArray(new byte[0]));
        assertValidation("One or more parameter values are not valid. The AttributeValue for a key attribute "
                + "cannot contain an empty binary value. Key: pk",
                () -> client.putItem(b -> b.tableName(binaryTable).item(item("pk", emptyBinary))));
        assertValidation("One or more parameter values are not valid. The AttributeValue for a key attribute "
                + "cannot contain an empty binary value. Key: pk",
                () -> client.getItem(b -> b.tableName(binaryTable).key(item("pk", emptyBinary))));
    }

    @Test
    void keySizeLimits() {
        put(item("pk", s(repeat('h', 2048))));
        assertThat(get(repeat('h', 2048))).isNotNull();
        // UTF-8 bytes count, not characters: 1024 two-byte characters are 2048 bytes.
        put(item("pk", s(repeat('é', 1024))));
        String hashTooLong = INVALID + "Size of hashkey has exceeded the maximum size limit of2048 bytes";
        assertValidation(hashTooLong, () -> put(item("pk", s(repeat('h', 2049)))));
        assertValidation(hashTooLong, () -> put(item("pk", s(repeat('é', 1024) + "x"))));
        assertValidation(hashTooLong, () -> client.getItem(b -> b.tableName(table)
                .key(item("pk", s(repeat('h', 2049))))));

        client.putItem(b -> b.tableName(rangeTable).item(item("pk", s("a"), "sk", s(repeat('r', 1024)))));
        String rangeTooLong = INVALID + "Aggregated size of all range keys has exceeded the size limit of 1024 bytes";
        assertValidation(rangeTooLong, () -> client.putItem(b -> b.tableName(rangeTable)
                .item(item("pk", s("a"), "sk", s(repeat('r', 1025))))));
        assertValidation(rangeTooLong, () -> client.deleteItem(b -> b.tableName(rangeTable)
                .key(item("pk", s("a"), "sk", s(repeat('r', 1025))))));
    }

    @Test
    void itemSizeLimitBoundary() {
        // pk "big" is 2 + 3 bytes, attribute name "v" 1 byte: 409600 in all with a 409594-byte string.
        put(item("pk", s("big"), "v", s(repeat('x', 409_594))));
        assertThat(get("big").get("v").s()).hasSize(409_594);
        assertValidation("Item size has exceeded the maximum allowed size",
                () -> put(item("pk", s("big"), "v", s(repeat('x', 409_595)))));
        // Names count too, and the check needs no table.
        assertValidation("Item size has exceeded the maximum allowed size",
                () -> client.putItem(b -> b.tableName(uniqueName("nope")).item(item("pk", s("big"),
                        "vv", s(repeat('x', 409_594))))));
        assertThat(get("big").get("v").s()).hasSize(409_594);
    }

    /** A map nested {@code levels} deep: {"a": {"a": ... {}}}. */
    private static AttributeValue nestedMaps(int levels) {
        AttributeValue value = AttributeValue.fromM(Map.of());
        for (int i = 1; i < levels; i++) {
            value = AttributeValue.fromM(Map.of("a", value));
        }
        return value;
    }

    @Test
    void nestingLimit() {
        // The item, the top-level map and 30 more maps: 32 levels, the most DynamoDB allows.
        put(item("pk", s("deep"), "nested", nestedMaps(31)));
        AttributeValue got = get("deep").get("nested");
        int depth = 0;
        while (got != null) {
            depth++;
            got = got.m().get("a");
        }
        assertThat(depth).isEqualTo(31);
        String message = ENVELOPE + "Nesting Levels have exceeded supported limits: Attributes in the item have "
                + "nested levels beyond supported limit";
        assertPutRefused(message, nestedMaps(32));
        AttributeValue lists = AttributeValue.fromL(List.of());
        for (int i = 1; i < 32; i++) {
            lists = AttributeValue.fromL(List.of(lists));
        }
        assertPutRefused(message, lists);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 255, 1000})
    void arbitraryBytesRoundTrip(int length) {
        byte[] bytes = new byte[length];
        new Random(length).nextBytes(bytes);
        SdkBytes value = SdkBytes.fromByteArray(bytes);
        String pk = "bytes-" + length;
        put(item("pk", s(pk), "b", AttributeValue.fromB(value),
                "bs", AttributeValue.fromBs(List.of(SdkBytes.fromByteArray(new byte[] {(byte) length}), value))));
        Map<String, AttributeValue> got = get(pk);
        assertThat(got.get("b").b().asByteArray()).isEqualTo(bytes);
        if (length > 0) {
            AttributeValue key = AttributeValue.fromB(value);
            client.putItem(b -> b.tableName(binaryTable).item(item("pk", key, "v", s("x"))));
            assertThat(client.getItem(b -> b.tableName(binaryTable).key(item("pk", key)).consistentRead(true)).item())
                    .containsEntry("v", s("x"));
        }
    }

    @Test
    void stringsKeepEveryCharacter() {
        String text = "tab\tnewline\nquote\"backslash\\nul\u0000emoji\uD83D\uDE00 snowman \u2603";
        put(item("pk", s(text), "v", s(text)));
        assertThat(get(text).get("v").s()).isEqualTo(text);
    }
}
