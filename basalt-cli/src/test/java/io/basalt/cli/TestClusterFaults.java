package io.basalt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.testing.linearizability.CheckResult;
import io.basalt.testing.linearizability.History;
import io.basalt.testing.linearizability.HistoryRecorder;
import io.basalt.testing.linearizability.LinearizabilityChecker;
import io.basalt.testing.linearizability.Outcome;
import io.basalt.testing.linearizability.RecordingRegisterClient;
import io.basalt.testing.linearizability.RegisterState;
import io.basalt.testing.linearizability.RegisterTable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * Faults on a 3-node cluster of real node processes (docs/design/cluster.md §21.3–§21.4): a SIGKILLed leader, a
 * SIGSTOPped node, all nodes killed at once, bank transfers across a kill, and a recorded history of conditional
 * writes and strong reads across a kill that must check as linearizable. Nothing acknowledged may be lost. Clients
 * behave as users of a cluster do: each talks to one node, and moves to the next node when its node does not answer.
 *
 * <p>The default run is short (CI); {@code -Dbasalt.faultSeconds=N} lengthens each workload phase.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(600)
class TestClusterFaults {
    private static final long PHASE_MILLIS = Long.getLong("basalt.faultSeconds", 4) * 1000;
    private static final Duration START = Duration.ofSeconds(90);

    @TempDir
    static Path directory;

    private NodeProcesses cluster;

    @BeforeAll
    void startCluster() throws Exception {
        cluster = NodeProcesses.start(directory.resolve("cluster"), 3, START);
    }

    @AfterAll
    void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** Every test leaves the three nodes running. */
    @AfterEach
    void restartStoppedNodes() throws Exception {
        for (int node = 1; node <= cluster.size(); node++) {
            if (!cluster.isRunning(node)) {
                cluster.start(node);
            }
        }
        for (int node = 1; node <= cluster.size(); node++) {
            cluster.awaitServing(node, START);
        }
    }

    @Test
    void aKilledLeaderNodeLosesNoAcknowledgedWrite() throws Exception {
        createTable("killed", 1);
        Writers writers = Writers.start(cluster, "killed", 4);
        Thread.sleep(PHASE_MILLIS);
        long killedAt = System.nanoTime();
        // Node 1 is the preferred leader of the metadata group and of data group 1 (static placement).
        cluster.kill(1);
        Thread.sleep(PHASE_MILLIS + 4000);
        Map<String, String> acknowledged = writers.stop();
        long worst = writers.longestWriteStartedAfter(killedAt);
        System.out.println("TestClusterFaults: longest write started after the kill took " + worst + " ms; "
                + acknowledged.size() + " writes acknowledged");
        assertThat(writers.acknowledgedAfter(killedAt)).as("writes go on after the kill").isPositive();
        // The target is 3 s (measured by the benchmark); here a bound that a loaded CI machine keeps.
        assertThat(worst).as("the killed leader's partitions answer again").isLessThan(20_000);

        cluster.start(1);
        cluster.awaitServing(1, START);
        assertAllPresent("killed", acknowledged, 1);
        assertAllPresent("killed", acknowledged, 2);
    }

    /**
     * A leader node SIGSTOPped under writes and resumed. It once deadlocked on resuming (about one run in seven): Ratis
     * told the deposed leader's listeners holding its server lock, and one waited for the proposer's lock, held by a
     * write inside Ratis' submission that needed the server lock; the node answered nothing until killed.
     */
    @Test
    void aPausedNodeResumesAndNothingIsLost() throws Exception {
        createTable("paused", 2);
        Writers writers = Writers.start(cluster, "paused", 4);
        Thread.sleep(PHASE_MILLIS / 2);
        cluster.pause(2);
        Thread.sleep(PHASE_MILLIS + 2000);
        cluster.resume(2);
        Thread.sleep(PHASE_MILLIS / 2);
        Map<String, String> acknowledged = writers.stop();
        assertThat(acknowledged).isNotEmpty();
        assertAllPresent("paused", acknowledged, 2);
        assertAllPresent("paused", acknowledged, 3);
    }

    @Test
    void allNodesKilledAtOnceComeBackWithEverything() throws Exception {
        createTable("restarted", 3);
        Writers writers = Writers.start(cluster, "restarted", 3);
        Thread.sleep(PHASE_MILLIS);
        Map<String, String> acknowledged = writers.stop();
        for (int node = 1; node <= 3; node++) {
            cluster.kill(node);
        }
        for (int node = 1; node <= 3; node++) {
            cluster.start(node);
        }
        for (int node = 1; node <= 3; node++) {
            cluster.awaitServing(node, START);
        }
        assertAllPresent("restarted", acknowledged, 1);
    }

    @Test
    void bankTransfersKeepTheirSumAcrossAKill() throws Exception {
        createTable("bank", 1);
        int accounts = 10;
        try (DynamoDbClient client = cluster.client(1)) {
            for (int account = 0; account < accounts; account++) {
                String name = "acct-" + account;
                client.putItem(put -> put.tableName("bank").item(Map.of("pk", s(name), "balance", n(100))));
            }
        }
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong committed = new AtomicLong();
        ExecutorService threads = Executors.newFixedThreadPool(3);
        List<Future<?>> running = new ArrayList<>();
        for (int worker = 0; worker < 3; worker++) {
            int first = worker;
            running.add(threads.submit(() -> transfer(first, accounts, stop, committed)));
        }
        Thread.sleep(PHASE_MILLIS);
        cluster.kill(3);
        Thread.sleep(PHASE_MILLIS + 2000);
        stop.set(true);
        for (Future<?> future : running) {
            future.get(120, TimeUnit.SECONDS);
        }
        threads.shutdown();
        assertThat(committed.get()).as("transfers committed").isPositive();
        cluster.start(3);
        cluster.awaitServing(3, START);
        long sum = 0;
        try (DynamoDbClient client = cluster.client(3)) {
            for (int account = 0; account < accounts; account++) {
                Map<String, AttributeValue> item = readRetrying(client, "bank", "acct-" + account).item();
                sum += Long.parseLong(item.get("balance").n());
            }
        }
        assertThat(sum).as("money neither created nor lost").isEqualTo(100L * accounts);
    }

    /** Moves 1 between random accounts with TransactWriteItems, through node {@code first}, then the next. */
    private void transfer(int first, int accounts, AtomicBoolean stop, AtomicLong committed) {
        Random random = new Random(first);
        int node = first % 3 + 1;
        DynamoDbClient client = cluster.client(node);
        while (!stop.get()) {
            int from = random.nextInt(accounts);
            int to = (from + 1 + random.nextInt(accounts - 1)) % accounts;
            try {
                client.transactWriteItems(request -> request.transactItems(
                        move("acct-" + from, -1, true), move("acct-" + to, 1, false)));
                committed.incrementAndGet();
            } catch (SdkException e) {
                // Cancelled (a conflict or no funds), unavailable, or ambiguous: the sum holds in every case.
                if (!cluster.isRunning(node)) {
                    client.close();
                    node = node % 3 + 1;
                    client = cluster.client(node);
                }
            }
        }
        client.close();
    }

    private static TransactWriteItem move(String account, int amount, boolean checkFunds) {
        return TransactWriteItem.builder().update(update -> {
            update.tableName("bank").key(Map.of("pk", s(account))).updateExpression("ADD balance :amount")
                    .expressionAttributeValues(checkFunds ? Map.of(":amount", n(amount), ":one", n(1))
                            : Map.of(":amount", n(amount)));
            if (checkFunds) {
                update.conditionExpression("balance >= :one");
            }
        }).build();
    }

    @Test
    void conditionalWritesAndStrongReadsAcrossAKillAreLinearizable() throws Exception {
        try (DynamoDbClient admin = cluster.client(1)) {
            RegisterTable.create(admin, "registers");
        }
        HistoryRecorder recorder = new HistoryRecorder("registers");
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService threads = Executors.newFixedThreadPool(6);
        List<Future<?>> running = new ArrayList<>();
        for (int client = 0; client < 6; client++) {
            int node = client % 3 + 1;
            RecordingRegisterClient recorded = recorder.client("c" + client, cluster.client(node));
            long seed = client;
            running.add(threads.submit(() -> registerWorkload(recorded, node, new Random(seed), stop)));
        }
        Thread.sleep(PHASE_MILLIS);
        cluster.kill(2);
        Thread.sleep(PHASE_MILLIS + 2000);
        cluster.start(2);
        cluster.awaitServing(2, START);
        Thread.sleep(PHASE_MILLIS / 2);
        stop.set(true);
        for (Future<?> future : running) {
            future.get(120, TimeUnit.SECONDS);
        }
        threads.shutdown();
        History history = recorder.history();
        Map<Outcome.Status, Long> outcomes = history.operations().stream()
                .collect(Collectors.groupingBy(operation -> operation.outcome().status(), Collectors.counting()));
        CheckResult result = LinearizabilityChecker.check(history, Duration.ofSeconds(120));
        System.out.println("TestClusterFaults: " + outcomes + "\n" + result.report());
        assertThat(result.verdict()).as(result.report()).isEqualTo(CheckResult.Verdict.LINEARIZABLE);
        assertThat(outcomes.get(Outcome.Status.OK)).isPositive();
        assertThat(outcomes.get(Outcome.Status.READ)).isPositive();
    }

    /**
     * Strong reads, blind writes and updates conditional on the version last seen, on three keys; a client whose
     * node is down waits for it (its calls would only fail to connect).
     */
    private void registerWorkload(RecordingRegisterClient client, int node, Random random, AtomicBoolean stop) {
        Map<String, Long> versions = new HashMap<>();
        List<String> keys = List.of("a", "b", "c");
        int step = 0;
        while (!stop.get()) {
            if (!cluster.isRunning(node)) {
                sleep(50);
                continue;
            }
            // Paced, so that the history stays small enough to check (a few thousand operations).
            sleep(60);
            String key = keys.get(random.nextInt(keys.size()));
            long version = versions.getOrDefault(key, 0L);
            String value = client.name() + "-" + step++;
            int roll = random.nextInt(100);
            if (roll < 45) {
                Outcome read = client.get(key);
                if (read.observed() instanceof RegisterState.Present present) {
                    versions.put(key, present.version());
                }
            } else if (roll < 55) {
                client.put(key, version + 1, value);
                versions.put(key, version + 1);
            } else {
                if (client.update(key, version, value).status() == Outcome.Status.OK) {
                    versions.put(key, version + 1);
                }
            }
        }
    }

    // ---- helpers ----

    /**
     * Creates a table through {@code viaNode}, retrying 503s as an SDK would: right after the nodes start, their
     * groups may still be electing leaders (slowly on a loaded machine), and a 503 changed nothing.
     */
    private void createTable(String table, int viaNode) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        try (DynamoDbClient client = cluster.client(viaNode)) {
            boolean retried = false;
            while (true) {
                try {
                    client.createTable(request -> request.tableName(table)
                            .attributeDefinitions(AttributeDefinition.builder().attributeName("pk")
                                    .attributeType(ScalarAttributeType.S).build())
                            .keySchema(KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build())
                            .billingMode(BillingMode.PAY_PER_REQUEST));
                    break;
                } catch (ResourceInUseException e) {
                    if (!retried) {
                        throw e;
                    }
                    break; // an earlier attempt created it after all
                } catch (AwsServiceException e) {
                    if (e.statusCode() != 503 || System.nanoTime() > deadline) {
                        throw e;
                    }
                    retried = true;
                    sleep(200);
                }
            }
            client.waiter().waitUntilTableExists(request -> request.tableName(table));
        } catch (SdkException e) {
            throw new AssertionError("CreateTable " + table + " through node " + viaNode + " failed; its log:\n"
                    + cluster.log(viaNode), e);
        }
    }

    /** Every acknowledged write is there, read strongly through {@code node}. */
    private void assertAllPresent(String table, Map<String, String> acknowledged, int node) {
        try (DynamoDbClient client = cluster.client(node)) {
            List<String> missing = new ArrayList<>();
            for (Map.Entry<String, String> write : acknowledged.entrySet()) {
                Map<String, AttributeValue> item = readRetrying(client, table, write.getKey()).item();
                if (!item.containsKey("v") || !item.get("v").s().equals(write.getValue())) {
                    missing.add(write.getKey());
                }
            }
            assertThat(missing).as("acknowledged writes missing or changed, read through node " + node).isEmpty();
        }
    }

    /** A strong GetItem, retried while the cluster answers 5xx (leaders still settling after a restart). */
    private static GetItemResponse readRetrying(DynamoDbClient client, String table, String key) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                return client.getItem(get -> get.tableName(table).key(Map.of("pk", s(key))).consistentRead(true));
            } catch (SdkException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                sleep(100);
            }
        }
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    private static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Writer threads, each putting its own keys ({@code w<thread>-<n>}, a value naming the key) through one node and
     * moving to the next node when a write fails; a write is retried with the same value until it is acknowledged,
     * so an ambiguous failure followed by a success is still one acknowledged value.
     */
    private static final class Writers {
        private final AtomicBoolean stop = new AtomicBoolean();
        private final Map<String, String> acknowledged = new ConcurrentHashMap<>();
        /** Per acknowledged write: when its first attempt started and how long until it was acknowledged. */
        private final Map<String, long[]> timings = new ConcurrentHashMap<>();
        private final ExecutorService threads;
        private final List<Future<?>> running = new ArrayList<>();

        private Writers(int count) {
            threads = Executors.newFixedThreadPool(count);
        }

        static Writers start(NodeProcesses cluster, String table, int count) {
            Writers writers = new Writers(count);
            for (int writer = 0; writer < count; writer++) {
                int id = writer;
                writers.running.add(writers.threads.submit(() -> writers.write(cluster, table, id)));
            }
            return writers;
        }

        private void write(NodeProcesses cluster, String table, int id) {
            int node = id % cluster.size() + 1;
            DynamoDbClient client = cluster.client(node);
            for (int n = 0; !stop.get(); n++) {
                String key = "w" + id + "-" + n;
                String value = key + "-value";
                long started = System.nanoTime();
                while (!stop.get()) {
                    try {
                        client.putItem(put -> put.tableName(table).item(Map.of("pk", s(key), "v", s(value))));
                        acknowledged.put(key, value);
                        timings.put(key, new long[] {started, System.nanoTime() - started});
                        break;
                    } catch (SdkException e) {
                        client.close();
                        node = node % cluster.size() + 1;
                        client = cluster.client(node);
                        sleep(20);
                    }
                }
            }
            client.close();
        }

        Map<String, String> stop() throws Exception {
            stop.set(true);
            for (Future<?> future : running) {
                future.get(120, TimeUnit.SECONDS);
            }
            threads.shutdown();
            return Map.copyOf(acknowledged);
        }

        /** The longest time from first attempt to acknowledgement of a write whose first attempt began at or after. */
        long longestWriteStartedAfter(long nanos) {
            return timings.values().stream().filter(timing -> timing[0] >= nanos)
                    .mapToLong(timing -> TimeUnit.NANOSECONDS.toMillis(timing[1])).max().orElse(0);
        }

        long acknowledgedAfter(long nanos) {
            return timings.values().stream().filter(timing -> timing[0] >= nanos).count();
        }
    }
}
