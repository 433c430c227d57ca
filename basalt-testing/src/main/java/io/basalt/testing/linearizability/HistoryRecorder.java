package io.basalt.testing.linearizability;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Records a {@link History} from concurrent clients. Thread-safe: any number of threads call
 * {@link #call} and {@link #complete}, or use {@link RecordingRegisterClient}s made by {@link #client}.
 *
 * <pre>{@code
 * HistoryRecorder recorder = new HistoryRecorder("registers");
 * RegisterTable.create(dynamoDb, "registers");
 * RecordingRegisterClient client = recorder.client("c1", dynamoDb);   // one per client thread
 * client.put("k1", 1, "a");
 * client.update("k1", 1, "b");
 * client.get("k1");
 * LinearizabilityChecker.check(recorder.history(), Duration.ofSeconds(60));
 * }</pre>
 */
public final class HistoryRecorder {
    /** An operation called and not yet completed. */
    public record Call(int id, String client, String key, Command command, long callNanos) {
        public Call {
            requireNonNull(client, "client is null");
            requireNonNull(key, "key is null");
            requireNonNull(command, "command is null");
        }
    }

    private final String table;
    private final AtomicInteger nextId = new AtomicInteger();
    private final Map<Integer, Call> inFlight = new ConcurrentHashMap<>();
    /** Guarded by itself, together with the move out of {@link #inFlight}. */
    private final List<Operation> completed = new ArrayList<>();

    /** A recorder for registers kept as items of {@code table} (see {@link RegisterTable}). */
    public HistoryRecorder(String table) {
        this.table = requireNonNull(table, "table is null");
    }

    public String table() {
        return table;
    }

    /** A client named {@code name} that records every operation it sends through {@code dynamoDb}. */
    public RecordingRegisterClient client(String name, DynamoDbClient dynamoDb) {
        return new RecordingRegisterClient(this, name, dynamoDb);
    }

    /** Records that {@code client} is about to send {@code command}; stamped last, just before sending. */
    public Call call(String client, String key, Command command) {
        int id = nextId.getAndIncrement();
        requireNonNull(client, "client is null");
        requireNonNull(key, "key is null");
        requireNonNull(command, "command is null");
        Call call = new Call(id, client, key, command, System.nanoTime());
        inFlight.put(id, call);
        return call;
    }

    /** Records how {@code call} ended; stamped first, as soon as the response or error is in hand. */
    public void complete(Call call, Outcome outcome) {
        long returned = System.nanoTime();
        requireNonNull(outcome, "outcome is null");
        Operation operation = new Operation(requireNonNull(call, "call is null").id(), call.client(), call.key(),
                call.command(), call.callNanos(), returned, outcome);
        // Under the lock so that history() sees each operation exactly once, in flight or completed.
        synchronized (completed) {
            if (inFlight.remove(call.id()) == null) {
                throw new IllegalStateException("operation " + call.id() + " completed twice, or not called here");
            }
            completed.add(operation);
        }
    }

    /**
     * The history so far. Operations still in flight (a client thread that hangs or died) are included as
     * unknown: they may yet take effect.
     */
    public History history() {
        List<Operation> operations;
        List<Call> pending;
        synchronized (completed) {
            operations = new ArrayList<>(completed);
            pending = new ArrayList<>(inFlight.values());
        }
        long now = System.nanoTime();
        for (Call call : pending) {
            operations.add(new Operation(call.id(), call.client(), call.key(), call.command(), call.callNanos(),
                    Math.max(now, call.callNanos()), Outcome.unknown("no response recorded")));
        }
        return History.of(operations);
    }
}
