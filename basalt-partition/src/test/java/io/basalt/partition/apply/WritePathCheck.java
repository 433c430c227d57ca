package io.basalt.partition.apply;

import io.basalt.model.AttributeType;
import io.basalt.model.AttributeValue;
import io.basalt.model.Item;
import io.basalt.model.KeyAttribute;
import io.basalt.model.KeySchema;
import io.basalt.model.PrimaryKey;
import io.basalt.partition.EvaluatedWrite;
import io.basalt.partition.KeyLayout;
import io.basalt.partition.PartitionDescriptor;
import io.basalt.partition.PartitionId;
import io.basalt.partition.PartitionState;
import io.basalt.partition.PutItemOperation;
import io.basalt.partition.log.LogEntryCodec;
import io.basalt.partition.log.PartitionEntry;
import io.basalt.storage.WriteBatch;
import io.basalt.storage.memory.InMemoryStorageEngine;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A JMH-free check of what step 1 of the cluster design (docs/design/cluster.md §20) costs on the single-node write
 * path, run by hand, never by the test suite (its name is not a test's; run its {@code main} from an IDE or
 * {@code java -cp <basalt-partition test classpath> io.basalt.partition.apply.WritePathCheck [rounds]}): a ~1 KB
 * PutItem (the load harness's shape, tools/bench/putitem.lua) evaluated by {@link PartitionState} and applied
 * (a) by writing the entry's operations straight to the in-memory engine, as the replicator did before, and (b)
 * through {@link GroupStateMachine#applyNext} (sequence check, key check, group-state key). Rounds alternate
 * between the two so that drift on a shared machine hits both; it prints ns and bytes allocated per write, and what
 * encoding the entry would add if the local log encoded it (it does not). The coordinator's interleaved tools/bench
 * A/B run is the verdict; this only localises a difference.
 */
public final class WritePathCheck {
    private static final int WRITES_PER_ROUND = 20_000;
    private static final long TABLE_ID = 42;
    private static final KeySchema SCHEMA = KeySchema.of(new KeyAttribute("pk", AttributeType.S));
    private static final PartitionDescriptor PARTITION = PartitionDescriptor.open(new PartitionId(1), TABLE_ID, 0,
            -1L, GroupStateMachine.LOCAL_GROUP_ID);

    private WritePathCheck() {
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        Map<String, AttributeValue> attributes = new LinkedHashMap<>();
        attributes.put("pk", AttributeValue.string("key42"));
        attributes.put("n", AttributeValue.number("1"));
        attributes.put("payload", AttributeValue.string("x".repeat(768)));
        Item item = new Item(attributes);
        PrimaryKey key = new PrimaryKey(item.get("pk"), Optional.empty());
        byte[] itemKey = KeyLayout.itemKey(TABLE_ID, KeyLayout.BASE_TABLE_INDEX, SCHEMA, key);
        PutItemOperation put = new PutItemOperation(key, item, null);
        for (int round = 0; round < rounds; round++) {
            for (boolean throughStateMachine : new boolean[] {round % 2 == 0, round % 2 != 0}) {
                try (InMemoryStorageEngine storage = new InMemoryStorageEngine()) {
                    GroupStateMachine machine = new GroupStateMachine(storage, GroupStateMachine.LOCAL_GROUP_ID);
                    machine.openPartition(PARTITION, List.of());
                    PartitionState state = new PartitionState(PARTITION, storage, SCHEMA,
                            System::currentTimeMillis);
                    long allocatedBefore = allocatedBytes();
                    long start = System.nanoTime();
                    for (int i = 0; i < WRITES_PER_ROUND; i++) {
                        EvaluatedWrite write = state.evaluate(itemKey, put);
                        PartitionEntry entry = write.entry();
                        if (throughStateMachine) {
                            machine.applyNext(List.of(entry), false);
                        } else {
                            WriteBatch batch = new WriteBatch(entry.operations().size());
                            entry.operations().forEach(batch::add);
                            storage.write(batch, false);
                        }
                        state.applied(itemKey, entry.sequence());
                    }
                    long nanos = System.nanoTime() - start;
                    long allocated = allocatedBytes() - allocatedBefore;
                    System.out.printf("round %2d %-14s %7.0f ns/write %7d B/write%n", round,
                            throughStateMachine ? "state machine" : "direct", (double) nanos / WRITES_PER_ROUND,
                            allocated / WRITES_PER_ROUND);
                }
            }
        }
        try (InMemoryStorageEngine storage = new InMemoryStorageEngine()) {
            PartitionState state = new PartitionState(PARTITION, storage, SCHEMA, () -> 0L);
            PartitionEntry entry = state.evaluate(itemKey, put).entry();
            long start = System.nanoTime();
            long bytes = 0;
            for (int i = 0; i < WRITES_PER_ROUND; i++) {
                bytes += LogEntryCodec.encode(entry).length;
            }
            System.out.printf("encoding the entry would add %.0f ns/write (%d bytes)%n",
                    (double) (System.nanoTime() - start) / WRITES_PER_ROUND, bytes / WRITES_PER_ROUND);
        }
    }

    @SuppressWarnings("restriction")
    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }
}
