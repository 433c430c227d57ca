package io.basalt.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Writer threads for the fault tests (docs/design/cluster.md §21.3), each putting its own keys ({@code
 * w<thread>-<n>}, a value naming the key) through one node and moving to the next node when a write fails; a write is
 * retried with the same value until it is acknowledged, so an ambiguous failure followed by a success is still one
 * acknowledged value.
 */
final class ClusterWriters {
    private final AtomicBoolean stop = new AtomicBoolean();
    private final Map<String, String> acknowledged = new ConcurrentHashMap<>();
    /** Per acknowledged write: when its first attempt started and how long until it was acknowledged. */
    private final Map<String, long[]> timings = new ConcurrentHashMap<>();
    private final ExecutorService threads;
    private final List<Future<?>> running = new ArrayList<>();

    private ClusterWriters(int count) {
        threads = Executors.newFixedThreadPool(count);
    }

    static ClusterWriters start(NodeProcesses cluster, String table, int count) {
        ClusterWriters writers = new ClusterWriters(count);
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
                    client.putItem(put -> put.tableName(table).item(Map.of("pk", AttributeValue.fromS(key), "v",
                            AttributeValue.fromS(value))));
                    acknowledged.put(key, value);
                    timings.put(key, new long[] {started, System.nanoTime() - started});
                    break;
                } catch (SdkException e) {
                    client.close();
                    node = node % cluster.size() + 1;
                    client = cluster.client(node);
                    FaultTables.sleep(20);
                }
            }
        }
        client.close();
    }

    /** Stops the writers; returns every acknowledged write, key to value. */
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
