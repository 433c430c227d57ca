package io.basalt.compat.reads;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ComparisonOperator;
import software.amazon.awssdk.services.dynamodb.model.Condition;
import software.amazon.awssdk.services.dynamodb.model.ConditionalOperator;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.Select;

/** Query: sort key conditions and DynamoDB's key order, paging, filters, projections, Select, capacity. */
class TestQuery extends ReadsTestSupport {
    /** Numbers whose string order differs from their numeric order; 1e3 is stored as 1000. */
    private static final List<String> NUMBERS = List.of("-1e10", "-100", "-5.5", "-1", "-0.001", "0", "0.001",
            "1", "2", "10", "100", "1e3", "12345678901234567890123456789012345678");
    /** Strings whose UTF-8 byte order differs from Java's UTF-16 order (U+FF61 sorts before the emoji). */
    private static final List<String> STRINGS = List.of("100", "2", "A", "B", "a", "aa", "ab", "b", "z", "é",
            "ÿ", "ÿa", "日本", "\uFF61", "\uD83D\uDE00", "\uD83D\uDE00x");
    private static final List<int[]> BINARIES = List.of(new int[] {0}, new int[] {0, 0}, new int[] {0, 1},
            new int[] {1}, new int[] {0x7F}, new int[] {0x80}, new int[] {0x80, 0xFF}, new int[] {0xFF},
            new int[] {0xFF, 0}, new int[] {0xFF, 0xFF});

    private String numbers;
    private String strings;
    private String binaries;
    private String plain;

    @BeforeAll
    void loadTables() {
        numbers = rangeTable(ScalarAttributeType.N);
        strings = rangeTable(ScalarAttributeType.S);
        binaries = rangeTable(ScalarAttributeType.B);
        plain = rangeTable(ScalarAttributeType.N);
        load(numbers, keyed(NUMBERS.stream().map(AttributeValue::fromN).toList()));
        load(strings, keyed(STRINGS.stream().map(AttributeValue::fromS).toList()));
        load(binaries, keyed(BINARIES.stream().map(ReadsTestSupport::b).toList()));
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            items.add(item("pk", s("p"), "sk", n(Integer.toString(i)), "v", n(Integer.toString(i % 3)),
                    "name", s("item" + i), "m", AttributeValue.fromM(Map.of("x", n(Integer.toString(i)),
                            "y", s("why")))));
        }
        load(plain, items);
    }

    /** Each sort key under partitions "p" and "q" (q sees a value too, so a query must never leak into it). */
    private static List<Map<String, AttributeValue>> keyed(List<AttributeValue> sortKeys) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        for (AttributeValue sk : sortKeys) {
            items.add(item("pk", s("p"), "sk", sk, "tag", s("p")));
            items.add(item("pk", s("q"), "sk", sk, "tag", s("q")));
        }
        items.add(item("pk", s("o"), "sk", sortKeys.get(0), "tag", s("o")));
        return items;
    }

    // ---- DynamoDB's key order ----

    static int compareKeys(AttributeValue a, AttributeValue b) {
        if (a.n() != null) {
            return new BigDecimal(a.n()).compareTo(new BigDecimal(b.n()));
        }
        byte[] x = a.s() != null ? a.s().getBytes(StandardCharsets.UTF_8) : a.b().asByteArray();
        byte[] y = b.s() != null ? b.s().getBytes(StandardCharsets.UTF_8) : b.b().asByteArray();
        return Arrays.compareUnsigned(x, y);
    }

    static boolean startsWith(AttributeValue value, AttributeValue prefix) {
        byte[] x = value.s() != null ? value.s().getBytes(StandardCharsets.UTF_8) : value.b().asByteArray();
        byte[] p = prefix.s() != null ? prefix.s().getBytes(StandardCharsets.UTF_8) : prefix.b().asByteArray();
        return x.length >= p.length && Arrays.equals(x, 0, p.length, p, 0, p.length);
    }

    /** A comparable form of a key for assertions ("N:1000", "S:é", "B:00ff"). */
    static String show(AttributeValue value) {
        if (value.n() != null) {
            return "N:" + new BigDecimal(value.n()).stripTrailingZeros().toPlainString();
        }
        if (value.s() != null) {
            return "S:" + value.s();
        }
        StringBuilder hex = new StringBuilder("B:");
        for (byte x : value.b().asByteArray()) {
            hex.append(String.format("%02x", x & 0xFF));
        }
        return hex.toString();
    }

    private List<Map<String, AttributeValue>> queryAllPages(QueryRequest request) {
        List<Map<String, AttributeValue>> all = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        for (int pages = 0; pages < 1000; pages++) {
            QueryResponse response = client.query(request.toBuilder().exclusiveStartKey(start).build());
            all.addAll(response.items());
            if (!response.hasLastEvaluatedKey() || response.lastEvaluatedKey().isEmpty()) {
                return all;
            }
            start = response.lastEvaluatedKey();
        }
        throw new AssertionError("query never finished: " + request);
    }

    private void checkCondition(String table, List<AttributeValue> keys, String condition,
            Map<String, AttributeValue> operands, java.util.function.Predicate<AttributeValue> model) {
        List<String> expected = keys.stream().filter(model).sorted(TestQuery::compareKeys).map(TestQuery::show)
                .toList();
        Map<String, AttributeValue> values = new HashMap<>(operands);
        values.put(":p", s("p"));
        // Forward in one page, and backward in pages of 3 (LastEvaluatedKey must resume within the condition).
        for (boolean forward : new boolean[] {true, false}) {
            Integer limit = forward ? null : 3;
            QueryRequest request = QueryRequest.builder().tableName(table)
                    .keyConditionExpression("pk = :p AND " + condition).expressionAttributeValues(values)
                    .scanIndexForward(forward).limit(limit).consistentRead(true).build();
            List<Map<String, AttributeValue>> items = queryAllPages(request);
            List<String> got = items.stream().map(i -> show(i.get("sk"))).toList();
            List<String> want = forward ? expected : reversed(expected);
            assertThat(got).as("%s %s forward=%s limit=%s", condition, operands, forward, limit)
                    .containsExactlyElementsOf(want);
            assertThat(items).allSatisfy(i -> assertThat(i.get("tag")).isEqualTo(s("p")));
        }
    }

    private static List<String> reversed(List<String> list) {
        List<String> copy = new ArrayList<>(list);
        java.util.Collections.reverse(copy);
        return copy;
    }

    /** Every comparison with every stored key and a few absent ones as operand. */
    private void checkAllConditions(String table, List<AttributeValue> keys, List<AttributeValue> operands,
            boolean prefixes) {
        for (AttributeValue v : operands) {
            Map<String, AttributeValue> op = Map.of(":v", v);
            checkCondition(table, keys, "sk = :v", op, k -> compareKeys(k, v) == 0);
            checkCondition(table, keys, "sk < :v", op, k -> compareKeys(k, v) < 0);
            checkCondition(table, keys, "sk <= :v", op, k -> compareKeys(k, v) <= 0);
            checkCondition(table, keys, "sk > :v", op, k -> compareKeys(k, v) > 0);
            checkCondition(table, keys, "sk >= :v", op, k -> compareKeys(k, v) >= 0);
            checkCondition(table, keys, ":v > sk", op, k -> compareKeys(k, v) < 0);
            if (prefixes) {
                checkCondition(table, keys, "begins_with(sk, :v)", op, k -> startsWith(k, v));
            }
            for (int h = 0; h < operands.size(); h += 2) {
                AttributeValue high = operands.get(h);
                if (compareKeys(v, high) <= 0) {
                    checkCondition(table, keys, "sk BETWEEN :v AND :h", Map.of(":v", v, ":h", high),
                            k -> compareKeys(k, v) >= 0 && compareKeys(k, high) <= 0);
                }
            }
        }
    }

    @Test
    void numberSortKeysInNumericOrder() {
        List<AttributeValue> keys = NUMBERS.stream().map(AttributeValue::fromN).toList();
        List<AttributeValue> operands = new ArrayList<>(keys.subList(0, keys.size()).stream()
                .filter(k -> keys.indexOf(k) % 3 == 0).toList());
        operands.addAll(List.of(n("-2"), n("0.5"), n("99.999"), n("1000.0"), n("9e40")));
        checkAllConditions(numbers, keys, operands, false);
        QueryResponse all = client.query(b -> b.tableName(numbers).keyConditionExpression("pk = :p")
                .expressionAttributeValues(Map.of(":p", s("p"))));
        assertThat(all.items()).extracting(i -> i.get("sk").n()).startsWith("-10000000000", "-100", "-5.5")
                .endsWith("100", "1000", "12345678901234567890123456789012345678");
    }

    @Test
    void stringSortKeysInUtf8ByteOrder() {
        List<AttributeValue> keys = STRINGS.stream().map(AttributeValue::fromS).toList();
        List<AttributeValue> operands = new ArrayList<>(keys);
        operands.addAll(List.of(s("1"), s("a\u0000"), s("ÿ"), s("\uD83D"), s("é"), s("日")));
        operands.removeIf(v -> "\uD83D".equals(v.s()));
        checkAllConditions(strings, keys, operands.subList(0, operands.size()), true);
    }

    @Test
    void binarySortKeysUnsignedBytewise() {
        List<AttributeValue> keys = BINARIES.stream().map(ReadsTestSupport::b).toList();
        List<AttributeValue> operands = new ArrayList<>(keys);
        operands.add(b(0x7F, 0xFF));
        operands.add(b(0xFE));
        checkAllConditions(binaries, keys, operands, true);
        QueryResponse all = client.query(b -> b.tableName(binaries).keyConditionExpression("pk = :p")
                .expressionAttributeValues(Map.of(":p", s("p"))));
        assertThat(all.items()).extracting(i -> show(i.get("sk"))).containsExactly("B:00", "B:0000", "B:0001",
                "B:01", "B:7f", "B:80", "B:80ff", "B:ff", "B:ff00", "B:ffff");
    }

    @Test
    void keywordsAreCaseInsensitiveAndNamesCanBeAliased() {
        QueryResponse response = client.query(b -> b.tableName(numbers)
                .keyConditionExpression("#k = :p and #s between :a AND :b")
                .expressionAttributeNames(Map.of("#k", "pk", "#s", "sk"))
                .expressionAttributeValues(Map.of(":p", s("p"), ":a", n("0"), ":b", n("2"))));
        assertThat(response.items()).extracting(i -> show(i.get("sk"))).containsExactly("N:0", "N:0.001", "N:1",
                "N:2");
    }

    // ---- paging ----

    private QueryRequest.Builder plainQuery() {
        return QueryRequest.builder().tableName(plain).keyConditionExpression("pk = :p")
                .expressionAttributeValues(Map.of(":p", s("p")));
    }

    @Test
    void lastPageOfExactlyLimitItemsStillCarriesLastEvaluatedKey() {
        QueryResponse first = client.query(plainQuery().limit(10).build());
        assertThat(first.count()).isEqualTo(10);
        assertThat(first.scannedCount()).isEqualTo(10);
        assertThat(first.lastEvaluatedKey()).isEqualTo(item("pk", s("p"), "sk", n("10")));
        QueryResponse next = client.query(plainQuery().limit(10).exclusiveStartKey(first.lastEvaluatedKey()).build());
        assertThat(next.items()).isEmpty();
        assertThat(next.count()).isZero();
        assertThat(next.scannedCount()).isZero();
        assertThat(next.hasLastEvaluatedKey()).isFalse();

        QueryResponse bigger = client.query(plainQuery().limit(11).build());
        assertThat(bigger.count()).isEqualTo(10);
        assertThat(bigger.hasLastEvaluatedKey()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 7, 9, 10, 100, 10000})
    void pagingInBothDirections(int limit) {
        for (boolean forward : new boolean[] {true, false}) {
            List<String> keys = new ArrayList<>();
            Map<String, AttributeValue> start = null;
            int pages = 0;
            do {
                QueryResponse page = client.query(plainQuery().limit(limit).scanIndexForward(forward)
                        .exclusiveStartKey(start).build());
                pages++;
                assertThat(page.count()).isLessThanOrEqualTo(limit);
                page.items().forEach(i -> keys.add(i.get("sk").n()));
                start = page.hasLastEvaluatedKey() ? page.lastEvaluatedKey() : null;
                if (start != null) {
                    assertThat(start).containsOnlyKeys("pk", "sk");
                    assertThat(page.count()).isEqualTo(limit);
                    assertThat(start).isEqualTo(item("pk", s("p"), "sk", page.items().get(limit - 1).get("sk")));
                }
            } while (start != null);
            List<String> expected = IntStream.rangeClosed(1, 10).mapToObj(Integer::toString)
                    .collect(Collectors.toCollection(ArrayList::new));
            if (!forward) {
                java.util.Collections.reverse(expected);
            }
            assertThat(keys).containsExactlyElementsOf(expected);
            assertThat(pages).isEqualTo(10 / limit + 1);
        }
    }

    @Test
    void exclusiveStartKeyNeedNotExist() {
        QueryResponse forward = client.query(plainQuery().exclusiveStartKey(item("pk", s("p"), "sk", n("4.5")))
                .build());
        assertThat(forward.items()).extracting(i -> i.get("sk").n()).containsExactly("5", "6", "7", "8", "9", "10");
        QueryResponse backward = client.query(plainQuery().scanIndexForward(false)
                .exclusiveStartKey(item("pk", s("p"), "sk", n("4.5"))).build());
        assertThat(backward.items()).extracting(i -> i.get("sk").n()).containsExactly("4", "3", "2", "1");
    }

    @Test
    void paginatorCollectsEverything() {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        client.queryPaginator(plainQuery().limit(3).build()).items().forEach(items::add);
        assertThat(items).extracting(i -> i.get("sk").n()).containsExactly("1", "2", "3", "4", "5", "6", "7", "8",
                "9", "10");
        assertThat(client.queryPaginator(plainQuery().limit(3).build()).stream().count()).isEqualTo(4);
        int filtered = client.queryPaginator(plainQuery().limit(4).filterExpression("v = :zero")
                .expressionAttributeValues(Map.of(":p", s("p"), ":zero", n("0"))).build()).stream()
                .mapToInt(QueryResponse::count).sum();
        assertThat(filtered).isEqualTo(3);
    }

    // ---- filters, projections, Select ----

    @Test
    void filterCountsAndFilteredOutPagesKeepTheirLastEvaluatedKey() {
        QueryRequest request = plainQuery().filterExpression("v = :zero")
                .expressionAttributeValues(Map.of(":p", s("p"), ":zero", n("0"))).build();
        QueryResponse all = client.query(request);
        assertThat(all.count()).isEqualTo(3);
        assertThat(all.scannedCount()).isEqualTo(10);
        assertThat(all.items()).extracting(i -> i.get("sk").n()).containsExactly("3", "6", "9");

        QueryResponse empty = client.query(request.toBuilder().limit(2).build());
        assertThat(empty.items()).isEmpty();
        assertThat(empty.count()).isZero();
        assertThat(empty.scannedCount()).isEqualTo(2);
        assertThat(empty.lastEvaluatedKey()).isEqualTo(item("pk", s("p"), "sk", n("2")));
        QueryResponse next = client.query(request.toBuilder().limit(2).exclusiveStartKey(empty.lastEvaluatedKey())
                .build());
        assertThat(next.items()).extracting(i -> i.get("sk").n()).containsExactly("3");
        assertThat(next.scannedCount()).isEqualTo(2);
        assertThat(next.lastEvaluatedKey()).isEqualTo(item("pk", s("p"), "sk", n("4")));

        QueryResponse nested = client.query(plainQuery().filterExpression("m.x >= :eight AND contains(#n, :one)")
                .expressionAttributeNames(Map.of("#n", "name"))
                .expressionAttributeValues(Map.of(":p", s("p"), ":eight", n("8"), ":one", s("1"))).build());
        assertThat(nested.items()).extracting(i -> i.get("sk").n()).containsExactly("10");
    }

    @Test
    void projectionReturnsOnlyNamedAttributesButPagesByKey() {
        QueryResponse response = client.query(plainQuery().projectionExpression("#n, m.y").limit(2)
                .expressionAttributeNames(Map.of("#n", "name")).build());
        assertThat(response.items()).containsExactly(
                item("name", s("item1"), "m", AttributeValue.fromM(Map.of("y", s("why")))),
                item("name", s("item2"), "m", AttributeValue.fromM(Map.of("y", s("why")))));
        assertThat(response.lastEvaluatedKey()).isEqualTo(item("pk", s("p"), "sk", n("2")));

        QueryResponse missing = client.query(plainQuery().projectionExpression("nothing").limit(2).build());
        assertThat(missing.items()).containsExactly(Map.of(), Map.of());

        QueryResponse specific = client.query(plainQuery().select(Select.SPECIFIC_ATTRIBUTES)
                .projectionExpression("sk").limit(1).build());
        assertThat(specific.items()).containsExactly(item("sk", n("1")));
    }

    @Test
    void selectCountOmitsItems() {
        QueryResponse count = client.query(plainQuery().select(Select.COUNT).build());
        assertThat(count.hasItems()).isFalse();
        assertThat(count.count()).isEqualTo(10);
        assertThat(count.scannedCount()).isEqualTo(10);
        assertThat(count.hasLastEvaluatedKey()).isFalse();

        QueryResponse limited = client.query(plainQuery().select(Select.COUNT).limit(1)
                .filterExpression("v = :one").expressionAttributeValues(Map.of(":p", s("p"), ":one", n("1")))
                .build());
        assertThat(limited.hasItems()).isFalse();
        assertThat(limited.count()).isEqualTo(1);
        assertThat(limited.scannedCount()).isEqualTo(1);
        assertThat(limited.lastEvaluatedKey()).isEqualTo(item("pk", s("p"), "sk", n("1")));

        QueryResponse all = client.query(plainQuery().select(Select.ALL_ATTRIBUTES).limit(1).build());
        assertThat(all.items().get(0)).containsOnlyKeys("pk", "sk", "v", "name", "m");
    }

    @Test
    void emptyResult() {
        QueryResponse response = client.query(b -> b.tableName(plain).keyConditionExpression("pk = :p")
                .expressionAttributeValues(Map.of(":p", s("nobody"))));
        assertThat(response.hasItems()).isTrue();
        assertThat(response.items()).isEmpty();
        assertThat(response.count()).isZero();
        assertThat(response.scannedCount()).isZero();
        assertThat(response.hasLastEvaluatedKey()).isFalse();
        assertThat(response.consumedCapacity()).isNull();
    }

    // ---- legacy parameters ----

    private static Condition condition(ComparisonOperator operator, AttributeValue... values) {
        return Condition.builder().comparisonOperator(operator).attributeValueList(values).build();
    }

    @Test
    void legacyKeyConditionsQueryFilterAndAttributesToGet() {
        Function<QueryResponse, List<String>> keys = r -> r.items().stream().map(i -> i.get("sk").n()).toList();
        QueryResponse between = client.query(b -> b.tableName(plain).keyConditions(Map.of(
                "pk", condition(ComparisonOperator.EQ, s("p")),
                "sk", condition(ComparisonOperator.BETWEEN, n("2"), n("5")))));
        assertThat(keys.apply(between)).containsExactly("2", "3", "4", "5");

        QueryResponse filtered = client.query(b -> b.tableName(plain).keyConditions(Map.of(
                "pk", condition(ComparisonOperator.EQ, s("p")),
                "sk", condition(ComparisonOperator.LE, n("6"))))
                .queryFilter(Map.of("v", condition(ComparisonOperator.EQ, n("1")),
                        "name", condition(ComparisonOperator.BEGINS_WITH, s("item1"))))
                .conditionalOperator(ConditionalOperator.OR).scanIndexForward(false));
        assertThat(keys.apply(filtered)).containsExactly("4", "1");
        assertThat(filtered.scannedCount()).isEqualTo(6);

        QueryResponse and = client.query(b -> b.tableName(plain).keyConditions(Map.of(
                "pk", condition(ComparisonOperator.EQ, s("p")),
                "sk", condition(ComparisonOperator.GT, n("3"))))
                .queryFilter(Map.of("v", condition(ComparisonOperator.EQ, n("1")),
                        "name", condition(ComparisonOperator.NOT_NULL))));
        assertThat(keys.apply(and)).containsExactly("4", "7", "10");

        QueryResponse projected = client.query(b -> b.tableName(plain).keyConditions(Map.of(
                "pk", condition(ComparisonOperator.EQ, s("p")),
                "sk", condition(ComparisonOperator.BEGINS_WITH, n("1")).toBuilder().build()
                        .toBuilder().comparisonOperator(ComparisonOperator.GE).build()))
                .attributesToGet("name", "absent").limit(2));
        assertThat(projected.items()).containsExactly(item("name", s("item1")), item("name", s("item2")));

        // KeyConditions may stand beside FilterExpression and ProjectionExpression.
        QueryResponse mixed = client.query(b -> b.tableName(plain).keyConditions(Map.of(
                "pk", condition(ComparisonOperator.EQ, s("p"))))
                .filterExpression("v = :two").projectionExpression("sk")
                .expressionAttributeValues(Map.of(":two", n("2"))));
        assertThat(mixed.items()).containsExactly(item("sk", n("2")), item("sk", n("5")), item("sk", n("8")));
    }

    // ---- capacity and consistency ----

    @Test
    void capacityIsRoundedOncePerPage() {
        String table = rangeTable(ScalarAttributeType.N);
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            // ~1 KB each: per-item rounding would charge 10 units, per-page rounding of ~10 KB charges 3.
            items.add(item("pk", s("c"), "sk", n(Integer.toString(i)), "data", s("x".repeat(1000))));
        }
        load(table, items);
        QueryRequest request = QueryRequest.builder().tableName(table).keyConditionExpression("pk = :p")
                .expressionAttributeValues(Map.of(":p", s("c")))
                .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build();
        QueryResponse strong = client.query(request.toBuilder().consistentRead(true).build());
        assertThat(strong.count()).isEqualTo(10);
        assertThat(strong.consumedCapacity().capacityUnits()).isEqualTo(3.0);
        assertThat(strong.consumedCapacity().tableName()).isEqualTo(table);
        QueryResponse eventual = client.query(request);
        assertThat(eventual.consumedCapacity().capacityUnits()).isEqualTo(1.5);
        // A filter does not reduce what was read.
        QueryResponse filteredData = client.query(request.toBuilder().filterExpression("#d = :none")
                .expressionAttributeNames(Map.of("#d", "data"))
                .expressionAttributeValues(Map.of(":p", s("c"), ":none", s("none"))).build());
        assertThat(filteredData.count()).isZero();
        assertThat(filteredData.consumedCapacity().capacityUnits()).isEqualTo(1.5);
        // Nothing read: the minimum charge.
        QueryResponse none = client.query(request.toBuilder()
                .expressionAttributeValues(Map.of(":p", s("nobody"))).consistentRead(true).build());
        assertThat(none.consumedCapacity().capacityUnits()).isEqualTo(1.0);
        QueryResponse indexes = client.query(request.toBuilder().limit(4)
                .returnConsumedCapacity(ReturnConsumedCapacity.INDEXES).build());
        assertThat(indexes.consumedCapacity().capacityUnits()).isEqualTo(0.5);
        assertThat(indexes.consumedCapacity().table().capacityUnits()).isEqualTo(0.5);
        assertThat(indexes.consumedCapacity().tableName()).isEqualTo(table);
        QueryResponse notAsked = client.query(request.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.NONE)
                .build());
        assertThat(notAsked.consumedCapacity()).isNull();
    }

    @Test
    void consistentReadSeesTheLatestWrite() {
        String table = rangeTable(ScalarAttributeType.S);
        for (int i = 0; i < 5; i++) {
            String sk = "k" + i;
            client.putItem(b -> b.tableName(table).item(item("pk", s("w"), "sk", s(sk))));
            QueryResponse response = client.query(b -> b.tableName(table).keyConditionExpression("pk = :p")
                    .expressionAttributeValues(Map.of(":p", s("w"))).consistentRead(true));
            assertThat(response.count()).isEqualTo(i + 1);
        }
    }

    // ---- hash-only tables ----

    @Test
    void hashOnlyTableReturnsAtMostOneItem() {
        String table = hashTable();
        load(table, List.of(item("pk", s("a"), "x", n("1")), item("pk", s("b"), "x", n("2")),
                item("pk", s("ab"), "x", n("3"))));
        QueryResponse one = client.query(b -> b.tableName(table).keyConditionExpression("pk = :p")
                .expressionAttributeValues(Map.of(":p", s("a"))));
        assertThat(one.items()).containsExactly(item("pk", s("a"), "x", n("1")));
        assertThat(one.scannedCount()).isEqualTo(1);
        assertThat(one.hasLastEvaluatedKey()).isFalse();

        QueryResponse limited = client.query(b -> b.tableName(table).keyConditionExpression("pk = :p")
                .expressionAttributeValues(Map.of(":p", s("a"))).limit(1));
        assertThat(limited.count()).isEqualTo(1);
        assertThat(limited.lastEvaluatedKey()).isEqualTo(item("pk", s("a")));
        QueryResponse after = client.query(b -> b.tableName(table).keyConditionExpression("pk = :p")
                .expressionAttributeValues(Map.of(":p", s("a"))).limit(1)
                .exclusiveStartKey(limited.lastEvaluatedKey()));
        assertThat(after.items()).isEmpty();
        assertThat(after.hasLastEvaluatedKey()).isFalse();

        QueryResponse none = client.query(b -> b.tableName(table).keyConditionExpression("pk = :p")
                .expressionAttributeValues(Map.of(":p", s("c"))));
        assertThat(none.items()).isEmpty();

        QueryResponse filtered = client.query(b -> b.tableName(table).keyConditionExpression("pk = :p")
                .filterExpression("x > :one").expressionAttributeValues(Map.of(":p", s("a"), ":one", n("1"))));
        assertThat(filtered.count()).isZero();
        assertThat(filtered.scannedCount()).isEqualTo(1);
    }

    /** Sorting helper used by other test classes. */
    static final Comparator<AttributeValue> KEY_ORDER = TestQuery::compareKeys;
}
