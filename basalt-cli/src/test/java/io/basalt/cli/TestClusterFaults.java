package io.basalt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.testing.linearizability.CheckResult;
import io.basalt.testing.linearizability.History;
import io.basalt.testing.linearizability.HistoryRecorder;
import io.basalt.testing.linearizability.LinearizabilityChecker;
import io.basalt.testing.linearizability.Outcome;
import io.basalt.testing.linearizability.RecordingRegisterClient;
import io.basalt.testing.linearizability.RegisterTable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Random;
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
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
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
        // The cluster node options of `basalt serve`, at their defaults but given (ClusterServe passes them on).
        cluster = NodeProcesses.start(directory.resolve("cluster"), 3, START, List.of("--routing-deadline=5s",
                "--max-inflight-rpc-requests=4096", "--max-inflight-rpc-bytes=256MiB"));
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
        ClusterWriters writers = ClusterWriters.start(cluster, "killed", 4);
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
        ClusterWriters writers = ClusterWriters.start(cluster, "paused", 4);
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
        ClusterWriters writers = ClusterWriters.start(cluster, "restarted", 3);
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
                FaultTables.putRetrying(client, "bank", Map.of("pk", s(name), "balance", n(100)));
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
        // The killed node's clients pause from the kill until it serves again, not merely until its process runs:
        // while it starts, its API port refuses connections, and every call a client made then was recorded UNKNOWN
        // (160-207 of 163-210 UNKNOWN outcomes per run; cluster.md "s18 robustness").
        AtomicBoolean killedServes = new AtomicBoolean(true);
        ExecutorService threads = Executors.newFixedThreadPool(6);
        List<Future<?>> running = new ArrayList<>();
        for (int client = 0; client < 6; client++) {
            int node = client % 3 + 1;
            RecordingRegisterClient recorded = recorder.client("c" + client, cluster.client(node));
            long seed = client;
            running.add(threads.submit(() -> RegisterWorkload.run(recorded,
                    () -> cluster.isRunning(node) && (node != 2 || killedServes.get()), new Random(seed), stop)));
        }
        Thread.sleep(PHASE_MILLIS);
        killedServes.set(false);
        cluster.kill(2);
        Thread.sleep(PHASE_MILLIS + 2000);
        cluster.start(2);
        cluster.awaitServing(2, START);
        killedServes.set(true);
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
        // Why operations ended UNKNOWN, by command and reason (digits folded), for cluster.md's record of the counts.
        Map<String, Long> unknown = history.operations().stream()
                .filter(operation -> operation.outcome().status() == Outcome.Status.UNKNOWN)
                .collect(Collectors.groupingBy(operation -> operation.command().kind() + " "
                        + operation.outcome().detail().replaceAll("[0-9]+", "N"), TreeMap::new,
                        Collectors.counting()));
        System.out.println("TestClusterFaults: " + outcomes + "\nUNKNOWN by reason: " + unknown + "\n"
                + result.report());
        assertThat(result.verdict()).as(result.report()).isEqualTo(CheckResult.Verdict.LINEARIZABLE);
        assertThat(outcomes.get(Outcome.Status.OK)).isPositive();
        assertThat(outcomes.get(Outcome.Status.READ)).isPositive();
    }

    // ---- helpers ----

    /**
     * Creates a table through {@code viaNode}, retrying 503s as an SDK would: right after the nodes start, their
     * groups may still be electing leaders (slowly on a loaded machine), and a 503 changed nothing.
     */
    private void createTable(String table, int viaNode) {
        FaultTables.create(cluster, table, viaNode);
    }

    private void assertAllPresent(String table, Map<String, String> acknowledged, int node) {
        FaultTables.assertAllPresent(cluster, table, acknowledged, node);
    }

    private static GetItemResponse readRetrying(DynamoDbClient client, String table, String key) {
        return FaultTables.readRetrying(client, table, key);
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    private static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}
