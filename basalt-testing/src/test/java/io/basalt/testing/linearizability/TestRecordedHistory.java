package io.basalt.testing.linearizability;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.testing.BasaltTestServer;
import io.basalt.testing.TestClients;
import io.basalt.testing.linearizability.CheckResult.Verdict;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * End to end: concurrent recorded clients on a few keys of a real in-process Basalt node, over HTTP through the AWS
 * SDK; the recorded history must check as linearizable.
 */
class TestRecordedHistory {
    private static final int CLIENTS = 6;
    private static final int OPERATIONS_PER_CLIENT = 250;
    private static final List<String> KEYS = List.of("a", "b", "c");

    @Test
    void concurrentClientsOnOneNodeAreLinearizable() throws Exception {
        try (BasaltTestServer server = BasaltTestServer.inMemory()) {
            DynamoDbClient admin = TestClients.dynamoDb(server.endpoint());
            RegisterTable.create(admin, "registers");
            HistoryRecorder recorder = new HistoryRecorder("registers");
            ExecutorService threads = Executors.newFixedThreadPool(CLIENTS, runnable -> {
                Thread thread = new Thread(runnable, "recorded-client");
                thread.setDaemon(true);
                return thread;
            });
            try {
                List<Future<?>> running = new ArrayList<>();
                for (int client = 0; client < CLIENTS; client++) {
                    RecordingRegisterClient recorded = recorder.client("c" + client,
                            TestClients.dynamoDb(server.endpoint()));
                    long seed = client;
                    running.add(threads.submit(() -> workload(recorded, new Random(seed))));
                }
                for (Future<?> future : running) {
                    future.get();
                }
            } finally {
                threads.shutdownNow();
            }

            History history = recorder.history();
            Map<Outcome.Status, Long> outcomes = history.operations().stream()
                    .collect(Collectors.groupingBy(operation -> operation.outcome().status(), Collectors.counting()));
            CheckResult result = LinearizabilityChecker.check(history, Duration.ofSeconds(60));
            System.out.println(outcomes + "\n" + result.report());
            assertThat(result.verdict()).as(result.report()).isEqualTo(Verdict.LINEARIZABLE);
            assertThat(history.size()).isEqualTo(CLIENTS * OPERATIONS_PER_CLIENT);
            // One node without faults answers everything; the workload must have raced conditional updates.
            assertThat(outcomes).doesNotContainKeys(Outcome.Status.FAILED, Outcome.Status.UNKNOWN);
            assertThat(outcomes.get(Outcome.Status.CONDITION_FAILED)).isPositive();
            assertThat(outcomes.get(Outcome.Status.OK)).isPositive();
            assertThat(outcomes.get(Outcome.Status.READ)).isPositive();
        }
    }

    /**
     * Reads, blind writes, updates conditional on the version this client last saw (so clients race and some
     * fail), and deletes, on a few keys. Values are unique per client and step.
     */
    private static void workload(RecordingRegisterClient client, Random random) {
        Map<String, Long> versions = new HashMap<>();
        for (int step = 0; step < OPERATIONS_PER_CLIENT; step++) {
            String key = KEYS.get(random.nextInt(KEYS.size()));
            String value = client.name() + "-" + step;
            long version = versions.getOrDefault(key, 0L);
            int roll = random.nextInt(100);
            if (roll < 40) {
                Outcome read = client.get(key);
                if (read.observed() instanceof RegisterState.Present present) {
                    versions.put(key, present.version());
                }
            } else if (roll < 55) {
                client.put(key, version + 1, value);
                versions.put(key, version + 1);
            } else if (roll < 92) {
                if (client.update(key, version, value).status() == Outcome.Status.OK) {
                    versions.put(key, version + 1);
                }
            } else {
                client.delete(key);
                versions.remove(key);
            }
        }
    }
}
