package io.basalt.compat.indexes;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateGlobalSecondaryIndexAction;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexUpdate;
import software.amazon.awssdk.services.dynamodb.model.IndexStatus;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/**
 * A global index follows its table asynchronously, but a write that moves an item's index key (the old entry
 * deleted, the new one put) must reach the index as one change: a Query or Scan of the index must never see the
 * same item twice (docs/design/index-writes.md, "Atomic moves"). Writers move the index keys of a few items as
 * fast as they can while readers check every page, on an index created with the table and on one added (and
 * backfilled) while the writers run.
 */
class TestIndexMovesAreAtomic extends IndexTestSupport {
    private static final int ITEMS = 40;
    private static final int WRITERS = 4;
    private static final int READERS = 2;
    private static final Duration RUN = Duration.ofSeconds(3);

    @Test
    void noItemIsSeenTwiceWhileItsIndexKeyMoves() throws Exception {
        String table = uniqueName("moves");
        client.createTable(b -> b.tableName(table).billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(def("pk", "S"), def("grp", "S"), def("rank", "N"))
                .keySchema(hash("pk"))
                .globalSecondaryIndexes(gsi("byRank", List.of(hash("grp"), range("rank")),
                        projection(ProjectionType.ALL))));
        track(table);
        client.waiter().waitUntilTableExists(b -> b.tableName(table));
        for (int i = 0; i < ITEMS; i++) {
            put(table, item("pk", s("p" + i), "grp", s("all"), "rank", n(Integer.toString(i)), "rank2",
                    n(Integer.toString(i))));
        }
        awaitQuery(ITEMS, () -> queryAll(table, "byRank"));

        ConcurrentLinkedQueue<String> duplicates = new ConcurrentLinkedQueue<>();
        AtomicInteger pagesChecked = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService threads = Executors.newFixedThreadPool(WRITERS + READERS);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                running.add(threads.submit(() -> {
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    while (!stop.get()) {
                        String rank = Integer.toString(random.nextInt(1_000_000));
                        client.updateItem(b -> b.tableName(table).key(item("pk", s("p" + random.nextInt(ITEMS))))
                                .updateExpression("SET #r = :r, rank2 = :r")
                                .expressionAttributeNames(Map.of("#r", "rank"))
                                .expressionAttributeValues(Map.of(":r", n(rank))));
                    }
                    return null;
                }));
            }
            for (int r = 0; r < READERS; r++) {
                running.add(threads.submit(() -> {
                    while (!stop.get()) {
                        check("Query byRank", queryAll(table, "byRank").items(), duplicates);
                        check("Scan byRank", scanAll(table, "byRank").items(), duplicates);
                        if (indexIsActive(table, "byRank2")) {
                            check("Query byRank2", queryAll(table, "byRank2").items(), duplicates);
                            check("Scan byRank2", scanAll(table, "byRank2").items(), duplicates);
                        }
                        pagesChecked.incrementAndGet();
                    }
                    return null;
                }));
            }
            Thread.sleep(RUN.toMillis() / 3);
            // An index added while the writers run: backfilled, then caught up, then readable.
            client.updateTable(b -> b.tableName(table).attributeDefinitions(def("grp", "S"), def("rank2", "N"))
                    .globalSecondaryIndexUpdates(GlobalSecondaryIndexUpdate.builder().create(
                            CreateGlobalSecondaryIndexAction.builder().indexName("byRank2")
                                    .keySchema(hash("grp"), range("rank2"))
                                    .projection(projection(ProjectionType.KEYS_ONLY)).build()).build()));
            Thread.sleep(RUN.toMillis() * 2 / 3);
            Instant deadline = Instant.now().plusSeconds(10);
            while (!indexIsActive(table, "byRank2") && Instant.now().isBefore(deadline)) {
                Thread.sleep(20);
            }
            Thread.sleep(300);
            stop.set(true);
            for (Future<?> task : running) {
                task.get(30, TimeUnit.SECONDS);
            }
        } finally {
            stop.set(true);
            threads.shutdownNow();
        }
        assertThat(indexIsActive(table, "byRank2")).isTrue();
        assertThat(pagesChecked.get()).as("reader rounds").isGreaterThan(10);
        assertThat(duplicates).as("items seen twice in one page").isEmpty();
        // Once the writers stop, both indexes settle on exactly one entry per item.
        awaitQuery(ITEMS, () -> queryAll(table, "byRank"));
        awaitQuery(ITEMS, () -> queryAll(table, "byRank2"));
    }

    /**
     * An index added to a table is filled from the items as they are when it is copied, then the changes made since
     * it was added are replayed over it. Replaying a change made before the copied image can put back an entry
     * that a later change removes again; the index must not be readable until the replay has caught up. A
     * propagation delay (Basalt's test control) stretches that replay so a premature ACTIVE would show duplicates.
     */
    @Test
    void anIndexAddedToATableIsReadableOnlyOnceItHasCaughtUp() throws Exception {
        assumeBasalt();
        String table = uniqueName("catchup");
        client.createTable(b -> b.tableName(table).billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(def("pk", "S")).keySchema(hash("pk")));
        track(table);
        client.waiter().waitUntilTableExists(b -> b.tableName(table));
        int items = 5;
        for (int i = 0; i < items; i++) {
            put(table, item("pk", s("p" + i), "grp", s("all"), "rank2", n("1")));
        }
        setPropagationDelay(1_000);
        try {
            Instant added = Instant.now();
            client.updateTable(b -> b.tableName(table).attributeDefinitions(def("grp", "S"), def("rank2", "N"))
                    .globalSecondaryIndexUpdates(GlobalSecondaryIndexUpdate.builder().create(
                            CreateGlobalSecondaryIndexAction.builder().indexName("byRank2")
                                    .keySchema(hash("grp"), range("rank2"))
                                    .projection(projection(ProjectionType.KEYS_ONLY)).build()).build()));
            // Two moves before the copy starts (it waits for the delay): the copy sees the last image, the replay
            // first puts back the middle one, then removes it 400 ms later.
            Thread.sleep(100);
            moveAll(table, items, "2");
            Thread.sleep(400);
            moveAll(table, items, "3");
            Instant deadline = added.plusSeconds(10);
            while (!indexIsActive(table, "byRank2") && Instant.now().isBefore(deadline)) {
                Thread.sleep(10);
            }
            assertThat(indexIsActive(table, "byRank2")).isTrue();
            ConcurrentLinkedQueue<String> duplicates = new ConcurrentLinkedQueue<>();
            Instant watchedUntil = added.plusMillis(2_500);
            int reads = 0;
            while (Instant.now().isBefore(watchedUntil) || reads < 5) {
                QueryResponse page = queryAll(table, "byRank2");
                check("Query byRank2", page.items(), duplicates);
                assertThat(page.count()).as("entries of the index").isLessThanOrEqualTo(items);
                reads++;
            }
            assertThat(duplicates).as("items seen twice").isEmpty();
            assertThat(queryAll(table, "byRank2").items()).allSatisfy(entry ->
                    assertThat(entry.get("rank2")).isEqualTo(n("3")));
        } finally {
            setPropagationDelay(0);
        }
    }

    private void moveAll(String table, int items, String rank) {
        for (int i = 0; i < items; i++) {
            String pk = "p" + i;
            client.updateItem(b -> b.tableName(table).key(item("pk", s(pk))).updateExpression("SET rank2 = :r")
                    .expressionAttributeValues(Map.of(":r", n(rank))));
        }
    }

    private void setPropagationDelay(long millis) throws Exception {
        String body = "{\"Mode\":\"ASYNCHRONOUS\",\"DelayMillis\":" + millis + "}";
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(endpoint.resolve("/_basalt/index-propagation"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
    }

    private QueryResponse queryAll(String table, String index) {
        return client.query(b -> b.tableName(table).indexName(index).keyConditionExpression("grp = :g")
                .expressionAttributeValues(Map.of(":g", s("all"))));
    }

    private ScanResponse scanAll(String table, String index) {
        return client.scan(b -> b.tableName(table).indexName(index));
    }

    private boolean indexIsActive(String table, String index) {
        return client.describeTable(b -> b.tableName(table)).table().globalSecondaryIndexes().stream()
                .anyMatch(i -> i.indexName().equals(index) && i.indexStatus() == IndexStatus.ACTIVE);
    }

    private static void check(String read, List<Map<String, AttributeValue>> items,
            ConcurrentLinkedQueue<String> duplicates) {
        Set<String> seen = new HashSet<>();
        for (Map<String, AttributeValue> item : items) {
            if (!seen.add(item.get("pk").s())) {
                duplicates.add(read + ": " + item.get("pk").s());
            }
        }
    }
}
