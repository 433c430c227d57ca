package io.basalt.compat.reads;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/**
 * Random tables, items, queries and scans with random page sizes and directions: all pages together must equal a
 * simple model (DynamoDB's order within a partition; scans compared as sets), with consistent Count/ScannedCount.
 * The seed is printed in every assertion message; rerun one with -Dbasalt.pagingSeed=N.
 */
class TestPagingModel extends ReadsTestSupport {
    private static final int ROUNDS = 4;
    private static final int QUERIES_PER_ROUND = 25;

    @Test
    void randomQueriesAndScansMatchTheModel() {
        long base = Long.getLong("basalt.pagingSeed", System.nanoTime());
        for (int round = 0; round < ROUNDS; round++) {
            runRound(base + round);
        }
    }

    private void runRound(long seed) {
        Random random = new Random(seed);
        String why = "seed " + seed;
        boolean ranged = random.nextInt(4) != 0;
        boolean numeric = random.nextBoolean();
        String table = ranged ? rangeTable(numeric ? ScalarAttributeType.N : ScalarAttributeType.S) : hashTable();
        int partitions = 1 + random.nextInt(12);
        Map<String, Map<String, AttributeValue>> byKey = new HashMap<>();
        int count = ranged ? random.nextInt(150) : random.nextInt(40);
        for (int i = 0; i < count; i++) {
            String pk = "p" + random.nextInt(partitions);
            AttributeValue sk = numeric ? n(randomNumber(random)) : s(randomString(random));
            Map<String, AttributeValue> item = ranged
                    ? item("pk", s(pk), "sk", sk, "f", n(Integer.toString(random.nextInt(4))))
                    : item("pk", s(pk + "-" + i), "f", n(Integer.toString(random.nextInt(4))));
            String key = ranged ? pk + "\u0000" + TestQuery.show(sk) : item.get("pk").s();
            byKey.put(key, item);
        }
        List<Map<String, AttributeValue>> items = new ArrayList<>(byKey.values());
        load(table, items);

        for (int q = 0; q < QUERIES_PER_ROUND; q++) {
            int limit = 1 + random.nextInt(random.nextBoolean() ? 5 : 60);
            boolean filter = random.nextInt(3) == 0;
            Predicate<Map<String, AttributeValue>> keep = i -> !filter || !i.get("f").n().equals("0");
            if (random.nextInt(3) == 0) {
                checkScan(table, items, limit, filter, keep, random, why + " scan#" + q);
            } else if (!items.isEmpty()) {
                String pk = items.get(random.nextInt(items.size())).get("pk").s();
                boolean forward = random.nextBoolean();
                checkQuery(table, items, ranged, pk, forward, limit, filter, keep, why + " query#" + q);
            }
        }
    }

    /** Items as comparable text; DynamoDB returns numbers normalized (8e8 as 800000000). */
    private static List<String> canonical(List<Map<String, AttributeValue>> items) {
        return items.stream().map(i -> new java.util.TreeMap<>(i).entrySet().stream()
                .map(e -> e.getKey() + "=" + TestQuery.show(e.getValue())).toList().toString()).toList();
    }

    private static String randomNumber(Random random) {
        return switch (random.nextInt(3)) {
            case 0 -> Integer.toString(random.nextInt(2001) - 1000);
            case 1 -> (random.nextBoolean() ? "-" : "") + random.nextInt(100) + "." + (1 + random.nextInt(99));
            default -> (random.nextInt(9) + 1) + "e" + (random.nextInt(20) - 10);
        };
    }

    private static String randomString(Random random) {
        String alphabet = "aAbz09é日\uD83D\uDE00";
        StringBuilder text = new StringBuilder();
        int length = 1 + random.nextInt(4);
        for (int i = 0; i < length; i++) {
            int at = random.nextInt(alphabet.length() - 1);
            if (Character.isHighSurrogate(alphabet.charAt(at))) {
                text.append(alphabet, at, at + 2);
            } else if (!Character.isLowSurrogate(alphabet.charAt(at))) {
                text.append(alphabet.charAt(at));
            }
        }
        return text.length() == 0 ? "x" : text.toString();
    }

    private void checkQuery(String table, List<Map<String, AttributeValue>> items, boolean ranged, String pk,
            boolean forward, int limit, boolean filter, Predicate<Map<String, AttributeValue>> keep, String why) {
        List<Map<String, AttributeValue>> partition = new ArrayList<>(items.stream()
                .filter(i -> i.get("pk").s().equals(pk)).toList());
        if (ranged) {
            Comparator<Map<String, AttributeValue>> order = Comparator.comparing(i -> i.get("sk"), TestQuery.KEY_ORDER);
            partition.sort(forward ? order : order.reversed());
        }
        List<Map<String, AttributeValue>> expected = partition.stream().filter(keep).toList();
        QueryRequest.Builder request = QueryRequest.builder().tableName(table).keyConditionExpression("pk = :p")
                .scanIndexForward(forward).limit(limit).consistentRead(true);
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":p", s(pk)));
        if (filter) {
            request.filterExpression("f <> :zero");
            values.put(":zero", n("0"));
        }
        request.expressionAttributeValues(values);
        List<Map<String, AttributeValue>> got = new ArrayList<>();
        int scanned = 0;
        Map<String, AttributeValue> start = null;
        int pages = 0;
        do {
            QueryResponse page = client.query(request.exclusiveStartKey(start).build());
            assertThat(page.scannedCount()).as(why).isLessThanOrEqualTo(limit);
            assertThat(page.count()).as(why).isEqualTo(page.items().size()).isLessThanOrEqualTo(page.scannedCount());
            got.addAll(page.items());
            scanned += page.scannedCount();
            start = page.hasLastEvaluatedKey() ? page.lastEvaluatedKey() : null;
            assertThat(start == null || page.scannedCount() == limit).as("%s: LEK only on full pages", why).isTrue();
            assertThat(++pages).as(why).isLessThan(1000);
        } while (start != null);
        assertThat(canonical(got)).as("%s pk=%s forward=%s limit=%d filter=%s", why, pk, forward, limit, filter)
                .containsExactlyElementsOf(canonical(expected));
        assertThat(scanned).as(why).isEqualTo(partition.size());
        assertThat(pages).as(why).isEqualTo(partition.size() / limit + 1);
    }

    private void checkScan(String table, List<Map<String, AttributeValue>> items, int limit, boolean filter,
            Predicate<Map<String, AttributeValue>> keep, Random random, String why) {
        int totalSegments = random.nextBoolean() ? 1 : 1 + random.nextInt(9);
        List<Map<String, AttributeValue>> got = new ArrayList<>();
        int scanned = 0;
        for (int segment = 0; segment < totalSegments; segment++) {
            ScanRequest.Builder request = ScanRequest.builder().tableName(table).limit(limit).consistentRead(true)
                    .segment(segment).totalSegments(totalSegments);
            if (filter) {
                request.filterExpression("f <> :zero").expressionAttributeValues(Map.of(":zero", n("0")));
            }
            Map<String, AttributeValue> start = null;
            do {
                ScanResponse page = client.scan(request.exclusiveStartKey(start).build());
                assertThat(page.scannedCount()).as(why).isLessThanOrEqualTo(limit);
                assertThat(page.count()).as(why).isEqualTo(page.items().size());
                got.addAll(page.items());
                scanned += page.scannedCount();
                start = page.hasLastEvaluatedKey() ? page.lastEvaluatedKey() : null;
            } while (start != null);
        }
        assertThat(canonical(got)).as("%s limit=%d segments=%d filter=%s", why, limit, totalSegments, filter)
                .containsExactlyInAnyOrderElementsOf(canonical(items.stream().filter(keep).toList()));
        assertThat(scanned).as(why).isEqualTo(items.size());
    }
}
