package io.basalt.partition.read;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.basalt.expressions.ast.Condition;
import io.basalt.expressions.keys.KeyCondition;
import io.basalt.expressions.keys.SortKeyCondition;
import io.basalt.model.AttributeType;
import io.basalt.model.AttributeValue;
import io.basalt.model.BasaltException;
import io.basalt.model.Item;
import io.basalt.model.KeyAttribute;
import io.basalt.model.KeySchema;
import io.basalt.model.PrimaryKey;
import io.basalt.partition.PartitionHash;
import io.basalt.partition.KeyLayout;
import io.basalt.partition.encoding.ItemCodec;
import io.basalt.partition.encoding.KeyEncoding;
import io.basalt.storage.StorageEngine;
import io.basalt.storage.WriteBatch;
import io.basalt.storage.memory.InMemoryStorageEngine;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

/**
 * Query and Scan planning and paging checked against a brute-force model: random items, random key conditions, every
 * page size and both directions must return exactly the matching items in DynamoDB's order, split into pages that
 * continue from each page's LastEvaluatedKey, given back as ExclusiveStartKey; and an ExclusiveStartKey outside
 * the read is refused with DynamoDB's texts.
 */
class TestReadPlanner {
    private static final long TABLE = 7;

    @RepeatedTest(8)
    void queriesReturnExactlyTheMatchingItemsInOrderAcrossPages(RepetitionInfo repetition) {
        long seed = 0x5EED_0000L + repetition.getCurrentRepetition();
        Random random = new Random(seed);
        AttributeType sortType = random.nextBoolean() ? AttributeType.N : AttributeType.S;
        KeySchema schema = KeySchema.of(new KeyAttribute("pk", AttributeType.S), new KeyAttribute("sk", sortType));
        StorageEngine storage = new InMemoryStorageEngine();
        List<Item> all = new ArrayList<>();
        WriteBatch batch = new WriteBatch();
        for (int i = 0; i < 300; i++) {
            AttributeValue pk = AttributeValue.string("p" + random.nextInt(4));
            AttributeValue sk = randomSortKey(random, sortType);
            Map<String, AttributeValue> attributes = new LinkedHashMap<>();
            attributes.put("pk", pk);
            attributes.put("sk", sk);
            Item item = new Item(attributes);
            if (all.stream().noneMatch(existing -> existing.equals(item))) {
                all.add(item);
                batch.put(KeyLayout.itemKey(TABLE, 0, schema, new PrimaryKey(pk, Optional.of(sk))),
                        ItemCodec.encode(item));
            }
        }
        storage.write(batch, false);
        for (int round = 0; round < 40; round++) {
            AttributeValue pk = AttributeValue.string("p" + random.nextInt(5));
            SortKeyCondition sort = randomCondition(random, sortType);
            KeyCondition condition = new KeyCondition(pk, Optional.ofNullable(sort));
            boolean forward = random.nextBoolean();
            int limit = 1 + random.nextInt(40);
            List<Item> expected = all.stream()
                    .filter(item -> item.get("pk").equals(pk) && (sort == null || matches(sort, item.get("sk"))))
                    .sorted(Comparator.comparing((Item item) -> item.get("sk"), KeyEncoding::compare))
                    .toList();
            if (!forward) {
                expected = new ArrayList<>(expected);
                java.util.Collections.reverse(expected);
            }
            List<Item> actual = readAllPages(storage, schema, condition, forward, limit);
            assertThat(actual).as("seed %s round %s: %s %s forward=%s limit=%s", seed, round, pk, sort, forward,
                    limit).isEqualTo(expected);
        }
    }

    private static List<Item> readAllPages(StorageEngine storage, KeySchema schema, KeyCondition condition,
            boolean forward, int limit) {
        List<Item> items = new ArrayList<>();
        Item start = null;
        for (int pages = 0; pages < 1000; pages++) {
            ReadResult page = PartitionReader.read(storage, ReadPlanner.plan(query(condition, forward, limit, start),
                    schema, null));
            page.items().forEach(item -> items.add(item.item()));
            assertThat(page.scannedCount()).isLessThanOrEqualTo(limit);
            if (page.lastEvaluatedKey() == null) {
                assertThat(page.stopReason()).isEqualTo(StopReason.EXHAUSTED);
                return items;
            }
            assertThat(page.lastEvaluatedKey().attributes().keySet()).containsExactly("pk", "sk");
            start = page.lastEvaluatedKey();
        }
        throw new AssertionError("paging did not end");
    }

    private static ReadSpec query(KeyCondition condition, boolean forward, int limit, Item start) {
        return new ReadSpec(TABLE, ReadSource.BASE, condition, null, forward, limit, ReadSpec.MAX_PAGE_BYTES, null,
                null, false, FetchMode.NONE, start, false);
    }

    private static ReadSpec scan(ScanRange range, int limit, Item start) {
        return new ReadSpec(TABLE, ReadSource.BASE, null, range, true, limit, ReadSpec.MAX_PAGE_BYTES, null, null,
                false, FetchMode.NONE, start, false);
    }

    private static Item key(String pk, AttributeValue sk) {
        Map<String, AttributeValue> attributes = new LinkedHashMap<>();
        attributes.put("pk", AttributeValue.string(pk));
        if (sk != null) {
            attributes.put("sk", sk);
        }
        return new Item(attributes);
    }

    @Test
    void aQueryStartKeyMustLieWithinTheKeyCondition() {
        KeySchema schema = KeySchema.of(new KeyAttribute("pk", AttributeType.S),
                new KeyAttribute("sk", AttributeType.N));
        KeyCondition condition = new KeyCondition(AttributeValue.string("a"), Optional.of(
                new SortKeyCondition.Compare(Condition.Comparator.GE, AttributeValue.number("10"))));
        assertThatThrownBy(() -> ReadPlanner.plan(query(condition, true, 10, key("b", AttributeValue.number("20"))),
                schema, null)).isInstanceOf(BasaltException.class)
                .hasMessage("The provided starting key is outside query boundaries based on provided conditions");
        assertThatThrownBy(() -> ReadPlanner.plan(query(condition, true, 10, key("a", AttributeValue.number("5"))),
                schema, null)).isInstanceOf(BasaltException.class)
                .hasMessage("The provided starting key does not match the range key predicate");
        // A key within the condition continues strictly after it, in either direction.
        ReadPlan plan = ReadPlanner.plan(query(condition, true, 10, key("a", AttributeValue.number("10"))), schema,
                null);
        assertThat(plan.range().isEmpty()).isFalse();
        byte[] startKey = KeyLayout.itemKey(TABLE, 0, schema, new PrimaryKey(AttributeValue.string("a"),
                Optional.of(AttributeValue.number("10"))));
        assertThat(java.util.Arrays.compareUnsigned(plan.range().lowerInclusive(), startKey)).isPositive();
        ReadPlan backward = ReadPlanner.plan(query(condition, false, 10, key("a", AttributeValue.number("10"))),
                schema, null);
        assertThat(backward.range().isEmpty()).as("nothing of the condition is before its first key").isTrue();
    }

    @Test
    void aScanStartKeyMustLieInItsSegment() {
        KeySchema schema = KeySchema.of(new KeyAttribute("pk", AttributeType.S));
        int totalSegments = 4;
        for (int i = 0; i < 20; i++) {
            Item start = key("k" + i, null);
            long hash = KeyLayout.hashOfItemKey(KeyLayout.itemKey(TABLE, 0, schema,
                    new PrimaryKey(start.get("pk"), Optional.empty())));
            int owner = PartitionHash.partitionIndex(hash, totalSegments);
            assertThat(ReadPlanner.plan(scan(new ScanRange(owner, totalSegments), 10, start), schema, null).range())
                    .isNotNull();
            int other = (owner + 1) % totalSegments;
            assertThatThrownBy(() -> ReadPlanner.plan(scan(new ScanRange(other, totalSegments), 10, start), schema,
                    null)).isInstanceOf(BasaltException.class)
                    .hasMessage("The provided starting key is invalid: Invalid ExclusiveStartKey. Please use "
                            + "ExclusiveStartKey with correct Segment. TotalSegments: 4 Segment: " + other);
            // One segment covers every key.
            assertThat(ReadPlanner.plan(scan(ScanRange.ALL, 10, start), schema, null).range()).isNotNull();
        }
    }

    private static AttributeValue randomSortKey(Random random, AttributeType type) {
        if (type == AttributeType.N) {
            String[] forms = {"0", "-1", "1", "10", "-10.5", "0.001", "2", "100", "99.99", "-0.5", "1E5", "-1E5"};
            return random.nextInt(3) == 0 ? AttributeValue.number(forms[random.nextInt(forms.length)])
                    : AttributeValue.number(Integer.toString(random.nextInt(200) - 100));
        }
        String alphabet = "ab\u00e9\u0000z";
        StringBuilder text = new StringBuilder();
        int length = random.nextInt(4);
        for (int i = 0; i < length; i++) {
            text.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return AttributeValue.string(text.length() == 0 ? "m" : text.toString());
    }

    private static SortKeyCondition randomCondition(Random random, AttributeType type) {
        AttributeValue a = randomSortKey(random, type);
        AttributeValue b = randomSortKey(random, type);
        switch (random.nextInt(8)) {
            case 0:
                return null;
            case 1:
                if (KeyEncoding.compare(a, b) > 0) {
                    AttributeValue swap = a;
                    a = b;
                    b = swap;
                }
                return new SortKeyCondition.Between(a, b);
            case 2:
                if (type == AttributeType.S) {
                    String text = ((AttributeValue.StringValue) a).value();
                    return new SortKeyCondition.BeginsWith(AttributeValue.string(text.substring(0,
                            random.nextInt(text.length() + 1))));
                }
                return new SortKeyCondition.Compare(Condition.Comparator.EQ, a);
            default:
                Condition.Comparator[] comparators = {Condition.Comparator.EQ, Condition.Comparator.LT,
                    Condition.Comparator.LE, Condition.Comparator.GT, Condition.Comparator.GE};
                return new SortKeyCondition.Compare(comparators[random.nextInt(comparators.length)], a);
        }
    }

    private static boolean matches(SortKeyCondition condition, AttributeValue value) {
        if (condition instanceof SortKeyCondition.Compare compare) {
            int c = KeyEncoding.compare(value, compare.value());
            return switch (compare.comparator()) {
                case EQ -> c == 0;
                case LT -> c < 0;
                case LE -> c <= 0;
                case GT -> c > 0;
                case GE -> c >= 0;
                case NE -> c != 0;
            };
        }
        if (condition instanceof SortKeyCondition.Between between) {
            return KeyEncoding.compare(value, between.low()) >= 0 && KeyEncoding.compare(value, between.high()) <= 0;
        }
        String prefix = ((AttributeValue.StringValue) ((SortKeyCondition.BeginsWith) condition).prefix()).value();
        return ((AttributeValue.StringValue) value).value().startsWith(prefix);
    }

    @Test
    void scanSegmentsAreDisjointAndCoverTheTable() {
        Random random = new Random(42);
        KeySchema schema = KeySchema.of(new KeyAttribute("pk", AttributeType.S));
        StorageEngine storage = new InMemoryStorageEngine();
        WriteBatch batch = new WriteBatch();
        for (int i = 0; i < 500; i++) {
            Map<String, AttributeValue> attributes = new LinkedHashMap<>();
            attributes.put("pk", AttributeValue.string("k" + i));
            batch.put(KeyLayout.itemKey(TABLE, 0, schema, new PrimaryKey(attributes.get("pk"), Optional.empty())),
                    ItemCodec.encode(new Item(attributes)));
        }
        storage.write(batch, false);
        for (int totalSegments : new int[] {1, 2, 3, 7, 64, 1000, 1_000_000}) {
            List<Item> union = new ArrayList<>();
            int segments = Math.min(totalSegments, 1000);
            for (int segment = 0; segment < segments; segment++) {
                int chosen = totalSegments <= 1000 ? segment : random.nextInt(totalSegments);
                PartitionReader.read(storage, ReadPlanner.plan(scan(new ScanRange(chosen, totalSegments),
                        Integer.MAX_VALUE, null), schema, null)).items().forEach(item -> union.add(item.item()));
            }
            if (totalSegments <= 1000) {
                assertThat(union).as("segments of %s", totalSegments).hasSize(500).doesNotHaveDuplicates();
            } else {
                assertThat(union).doesNotHaveDuplicates();
            }
        }
    }
}
