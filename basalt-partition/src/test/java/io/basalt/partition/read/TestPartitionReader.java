package io.basalt.partition.read;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.expressions.ast.Condition;
import io.basalt.expressions.ast.DocumentPath;
import io.basalt.expressions.ast.Operand;
import io.basalt.expressions.keys.KeyCondition;
import io.basalt.model.AttributeType;
import io.basalt.model.AttributeValue;
import io.basalt.model.Item;
import io.basalt.model.KeyAttribute;
import io.basalt.model.KeySchema;
import io.basalt.model.PrimaryKey;
import io.basalt.model.Projection;
import io.basalt.model.SecondaryIndex;
import io.basalt.partition.IndexEntries;
import io.basalt.partition.KeyLayout;
import io.basalt.partition.encoding.ItemCodec;
import io.basalt.storage.StorageEngine;
import io.basalt.storage.StorageIterator;
import io.basalt.storage.StorageSnapshot;
import io.basalt.storage.WriteBatch;
import io.basalt.storage.memory.InMemoryStorageEngine;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * A local index page that fetches table items reads entries and items from one snapshot, so a writer deleting
 * items while the page is read can never leave an entry without its item (the race the old per-entry point reads
 * outside the snapshot had); and the page's counts, fetched bytes and LastEvaluatedKey follow the entries read.
 */
class TestPartitionReader {
    private static final long TABLE = 9;
    private static final KeySchema SCHEMA = KeySchema.of(new KeyAttribute("pk", AttributeType.S),
            new KeyAttribute("sk", AttributeType.N));
    private static final SecondaryIndex LSI = SecondaryIndex.local("byRank", 1, new KeyAttribute("pk", AttributeType.S),
            new KeyAttribute("rank", AttributeType.N), Projection.KEYS_ONLY);
    private static final int ITEMS = 200;

    @Test
    void anItemDeletedAfterThePageViewIsFixedIsStillFetchedWithItsEntry() {
        StorageEngine base = new InMemoryStorageEngine();
        write(base, ITEMS);
        AtomicBoolean deleted = new AtomicBoolean();
        // The writer commits right after the page took its view: every item and entry goes.
        StorageEngine racing = new DeletingOnSnapshot(base, () -> {
            deleteAll(base, ITEMS);
            deleted.set(true);
        });
        ReadResult page = PartitionReader.read(racing, plan(FetchMode.FILTERED_ONLY, null, Integer.MAX_VALUE));
        assertThat(deleted).isTrue();
        assertThat(page.scannedCount()).isEqualTo(ITEMS);
        assertThat(page.items()).as("every entry read has its item in the page's snapshot").hasSize(ITEMS);
        assertThat(page.items()).allSatisfy(item -> assertThat(item.item().get("payload")).isNotNull());
        assertThat(base.get(itemKey(0))).as("the delete did happen").isNull();
    }

    @Test
    void pagesReadWhileAWriterDeletesItemsAreConsistentCuts() throws InterruptedException {
        StorageEngine storage = new InMemoryStorageEngine();
        write(storage, ITEMS);
        Thread writer = new Thread(() -> {
            for (int i = 0; i < ITEMS; i++) {
                WriteBatch batch = new WriteBatch();
                batch.delete(itemKey(i));
                batch.delete(entryKey(i));
                storage.write(batch, false);
            }
        }, "test-deleter");
        writer.start();
        int pages = 0;
        while (writer.isAlive() || pages == 0) {
            ReadResult page = PartitionReader.read(storage, plan(FetchMode.ALL_READ, null, Integer.MAX_VALUE));
            assertThat(page.items()).as("page %s: every entry read has its item", pages)
                    .hasSize(page.scannedCount());
            pages++;
        }
        writer.join();
        assertThat(PartitionReader.read(storage, plan(FetchMode.ALL_READ, null, Integer.MAX_VALUE)).scannedCount())
                .isZero();
    }

    @Test
    void aFilterOnTableAttributesSeesTheFetchedItemsAndPagingFollowsTheEntries() {
        StorageEngine storage = new InMemoryStorageEngine();
        write(storage, ITEMS);
        Condition evenPayload = new Condition.Comparison(new Operand.Path(DocumentPath.of("parity")),
                Condition.Comparator.EQ, new Operand.Literal(AttributeValue.string("even"), ":even"));
        List<Item> kept = new ArrayList<>();
        Item start = null;
        int scanned = 0;
        for (int pages = 0; pages < 100; pages++) {
            ReadResult page = PartitionReader.read(storage, planFrom(FetchMode.ALL_READ, evenPayload, 7, start));
            scanned += page.scannedCount();
            page.items().forEach(item -> kept.add(item.item()));
            assertThat(page.fetchedBytes()).as("every entry read was fetched").isPositive();
            if (page.stopReason() == StopReason.EXHAUSTED) {
                break;
            }
            assertThat(page.stopReason()).isEqualTo(StopReason.LIMIT);
            assertThat(page.lastEvaluatedKey().attributes().keySet()).as("table key, then index key")
                    .containsExactly("pk", "sk", "rank");
            start = page.lastEvaluatedKey();
        }
        assertThat(scanned).isEqualTo(ITEMS);
        assertThat(kept).hasSize(ITEMS / 2).allSatisfy(item -> assertThat(item.get("parity"))
                .isEqualTo(AttributeValue.string("even")));
    }

    private static ReadPlan plan(FetchMode fetch, Condition filter, int limit) {
        return planFrom(fetch, filter, limit, null);
    }

    private static ReadPlan planFrom(FetchMode fetch, Condition filter, int limit, Item start) {
        ReadSpec spec = new ReadSpec(TABLE, ReadSource.index(LSI.id(), false),
                new KeyCondition(AttributeValue.string("p"), Optional.empty()), null, true, limit,
                ReadSpec.MAX_PAGE_BYTES, filter, null, false, fetch, start, false);
        return ReadPlanner.plan(spec, SCHEMA, LSI);
    }

    private static Item item(int i) {
        Map<String, AttributeValue> attributes = new LinkedHashMap<>();
        attributes.put("pk", AttributeValue.string("p"));
        attributes.put("sk", AttributeValue.number(Integer.toString(i)));
        attributes.put("rank", AttributeValue.number(Integer.toString(ITEMS - i)));
        attributes.put("parity", AttributeValue.string(i % 2 == 0 ? "even" : "odd"));
        attributes.put("payload", AttributeValue.string("x".repeat(50)));
        return new Item(attributes);
    }

    private static byte[] itemKey(int i) {
        Item item = item(i);
        return KeyLayout.itemKey(TABLE, KeyLayout.BASE_TABLE_INDEX, SCHEMA, new PrimaryKey(item.get("pk"),
                Optional.of(item.get("sk"))));
    }

    private static byte[] entryKey(int i) {
        return KeyLayout.indexEntryKey(TABLE, SCHEMA, LSI, item(i));
    }

    /** Items and their entries, written together as the partition writes them. */
    private static void write(StorageEngine storage, int count) {
        WriteBatch batch = new WriteBatch();
        for (int i = 0; i < count; i++) {
            batch.put(itemKey(i), ItemCodec.encode(item(i)));
            batch.put(entryKey(i), ItemCodec.encode(IndexEntries.project(SCHEMA, LSI, item(i))));
        }
        storage.write(batch, false);
    }

    private static void deleteAll(StorageEngine storage, int count) {
        WriteBatch batch = new WriteBatch();
        for (int i = 0; i < count; i++) {
            batch.delete(itemKey(i));
            batch.delete(entryKey(i));
        }
        storage.write(batch, false);
    }

    /** An engine that runs {@code onSnapshot} on the live data just after handing out each snapshot. */
    private record DeletingOnSnapshot(StorageEngine delegate, Runnable onSnapshot) implements StorageEngine {
        @Override
        public byte[] get(byte[] key) {
            return delegate.get(key);
        }

        @Override
        public void write(WriteBatch batch, boolean sync) {
            delegate.write(batch, sync);
        }

        @Override
        public void sync() {
            delegate.sync();
        }

        @Override
        public StorageIterator iterator(byte[] lowerInclusive, byte[] upperExclusive) {
            return delegate.iterator(lowerInclusive, upperExclusive);
        }

        @Override
        public StorageSnapshot snapshot() {
            StorageSnapshot snapshot = delegate.snapshot();
            onSnapshot.run();
            return snapshot;
        }

        @Override
        public boolean isPersistent() {
            return delegate.isPersistent();
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}
